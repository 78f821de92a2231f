/**
 * StandaloneWorker without a broker: what happens before a task consumes anything. Config providers are
 * resolved when the connector and its tasks start, and never travel back to the herder resolved.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { waitFor } from '../../helpers/wait-for.js';
import { BUILTIN_CONNECTORS_MODULE, builtinConnectors } from '../../../src/connectors/index.js';
import { BUILTIN_CONVERTERS_MODULE, builtinConverters } from '../../../src/converters/index.js';
import { loadConfigProviders } from '../../../src/runtime/config/config-providers.js';
import { ConfigTransformer } from '../../../src/runtime/config/config-transformer.js';
import { createRootLogger, Loggers, LogLevel } from '../../../src/runtime/loggers.js';
import { Plugins } from '../../../src/runtime/plugins.js';
import { StandaloneWorker, taskThreadsPerConnector } from '../../../src/runtime/worker/standalone-worker.js';
import { TargetState } from '../../../src/runtime/status/status.js';
import { WorkerConfig } from '../../../src/runtime/config/worker-config.js';
import { RecordingListener } from '../../integration/worker-fixture.js';

const SECRET = 'db_admin:T0ken-from-a-file';

/**
 * A stand-in for Milvus that records the gRPC metadata of every call (gRPC is HTTP/2; its metadata are
 * headers) and answers UNAVAILABLE, so the task fails to start right after the handshake was attempted.
 */
async function recordingGrpcServer(t: TestContext): Promise<{ endpoint: string; authorizations: string[] }> {
  const authorizations: string[] = [];
  const server: Http2Server = createServer((request, response) => {
    authorizations.push(String(request.headers.authorization ?? ''));
    response.writeHead(200, { 'content-type': 'application/grpc' });
    // UNAUTHENTICATED: a definitive answer, so the task fails (an unreachable Milvus would be waited for)
    response.addTrailers({ 'grpc-status': '16', 'grpc-message': 'not a Milvus server' });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, authorizations };
}

async function workerWithProviders(t: TestContext): Promise<{ worker: StandaloneWorker; listener: RecordingListener; secretsFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'worker-providers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const secretsFile = join(dir, 'milvus.properties');
  writeFileSync(secretsFile, `token=${SECRET}\n`);
  const workerProps = {
    // nothing listens here: these tests end before a consumer would need the broker
    'bootstrap.servers': '127.0.0.1:1',
    'config.providers': 'file',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
  };
  const worker = new StandaloneWorker({
    workerConfig: new WorkerConfig({ 'bootstrap.servers': workerProps['bootstrap.servers'] }),
    plugins: await Plugins.load([BUILTIN_CONNECTORS_MODULE, BUILTIN_CONVERTERS_MODULE]),
    loggers: new Loggers(createRootLogger({ level: LogLevel.OFF })),
    configTransformer: new ConfigTransformer(loadConfigProviders(workerProps)),
  });
  t.after(() => worker.stop());
  return { worker, listener: new RecordingListener(), secretsFile };
}

describe('StandaloneWorker with config providers', () => {
  test('the Milvus task connects with the resolved token; task configs keep the placeholder', async (t) => {
    const { endpoint, authorizations } = await recordingGrpcServer(t);
    const { worker, listener, secretsFile } = await workerWithProviders(t);
    const config = {
      name: 'secrets',
      'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
      topics: 'articles',
      'public.endpoint': endpoint,
      token: `\${file:${secretsFile}:token}`,
      'collection.name': 'articles',
      'milvus.timeout.ms': '3000',
    };
    assert.equal(await worker.startConnector('secrets', config, TargetState.STARTED, listener), true);
    const taskConfigs = await worker.connectorTaskConfigs('secrets', 1);
    assert.equal(taskConfigs[0].token, `\${file:${secretsFile}:token}`, 'what the herder stores has the placeholder');
    assert.ok(!JSON.stringify(taskConfigs).includes(SECRET));

    const started = await worker.startTask({ connector: 'secrets', task: 0 }, config, taskConfigs[0], TargetState.STARTED, listener);
    assert.equal(started, true, 'the task is created; it starts in the background');
    await waitFor('the task to dial the endpoint', () => authorizations.length > 0);
    // the SDK sends the token base64-encoded in the authorization metadata
    assert.deepEqual([...new Set(authorizations)], [Buffer.from(SECRET).toString('base64')]);
    const failed = await waitFor('the server refuses the token, so the task fails to start', () => {
      const state = listener.taskState('secrets');
      return state?.state === 'FAILED' ? state : undefined;
    });
    assert.ok(!failed?.trace?.includes(SECRET), 'the trace never shows the token');
  });

  test('a placeholder that cannot be resolved fails the task with a trace saying what to fix', async (t) => {
    const { worker, listener, secretsFile } = await workerWithProviders(t);
    const config = {
      name: 'broken',
      'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
      topics: 'articles',
      'public.endpoint': 'http://127.0.0.1:1',
      token: `\${file:${secretsFile}:no_such_key}`,
      'collection.name': 'articles',
    };
    const started = await worker.startTask({ connector: 'broken', task: 0 }, config, config, TargetState.STARTED, listener);
    assert.equal(started, false);
    const failed = listener.taskState('broken');
    assert.equal(failed?.state, 'FAILED');
    assert.match(
      failed!.trace!,
      new RegExp(
        `The configuration of connector broken has placeholders that cannot be resolved:\\ntoken: Could not resolve \\$\\{file:${secretsFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:no_such_key\\}: the properties file .* has no key 'no_such_key'`,
      ),
    );
  });

  test('a connector whose placeholder cannot be resolved fails to start', async (t) => {
    const { worker, listener } = await workerWithProviders(t);
    const ok = await worker.startConnector(
      'env-less',
      { name: 'env-less', 'connector.class': 'MilvusSink', topics: 't', 'public.endpoint': '${env:MILVUS_URL}', 'collection.name': 'c' },
      TargetState.STARTED,
      listener,
    );
    assert.equal(ok, false);
    assert.equal(listener.connectors.get('env-less')?.at(-1), 'FAILED');
  });
});

describe('task.threads.per.connector', () => {
  test('by default one thread fewer than the cores the process may use, and at least one; an explicit value as it is', () => {
    assert.equal(taskThreadsPerConnector(new WorkerConfig()), Math.max(1, availableParallelism() - 1));
    assert.equal(taskThreadsPerConnector(new WorkerConfig({ 'task.threads.per.connector': '3' })), 3);
  });
});

describe('StandaloneWorker: tasks in task threads', () => {
  test('plugins handed in as objects cannot run a task (a thread finds plugins by their modules): the task fails at once, saying so', async (t) => {
    const worker = new StandaloneWorker({
      workerConfig: new WorkerConfig({ 'bootstrap.servers': '127.0.0.1:1' }),
      plugins: new Plugins({ connectors: builtinConnectors, converters: builtinConverters }),
      loggers: new Loggers(createRootLogger({ level: LogLevel.OFF })),
    });
    t.after(() => worker.stop());
    const listener = new RecordingListener();
    const config = { name: 'objects', 'connector.class': 'MilvusSink', topics: 't', 'collection.name': 'c' };
    assert.equal(await worker.startTask({ connector: 'objects', task: 0 }, config, config, TargetState.STARTED, listener), false);
    assert.equal(listener.taskState('objects')?.state, 'FAILED');
    assert.match(listener.taskState('objects')?.trace ?? '', /^Error: The plugins were handed in as objects, not loaded from their modules \(Plugins\.load\)/);
  });
});
