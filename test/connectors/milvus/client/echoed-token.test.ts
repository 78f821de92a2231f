/**
 * The scrubber's promise, end to end: a Milvus (or a proxy in front of it) that quotes back the
 * credentials it refused never gets the token into a task's status or the process's log output. The
 * stand-in server is a real gRPC server (grpc-js) serving the SDK's own MilvusService definition; it
 * refuses every call with UNAUTHENTICATED and a message quoting the authorization metadata it got,
 * as sent (base64) and decoded.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { Server, ServerCredentials, status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { BUILTIN_CONNECTORS_MODULE } from '../../../../src/connectors/index.js';
import { BUILTIN_CONVERTERS_MODULE } from '../../../../src/converters/index.js';
import { createRootLogger, Loggers, LogLevel } from '../../../../src/runtime/loggers.js';
import { Plugins } from '../../../../src/runtime/plugins.js';
import { StandaloneWorker } from '../../../../src/runtime/worker/standalone-worker.js';
import { TargetState } from '../../../../src/runtime/status/status.js';
import { WorkerConfig } from '../../../../src/runtime/config/worker-config.js';
import { RecordingListener } from '../../../integration/worker-fixture.js';
import { sdkMilvusService } from '../fixtures.js';
import { waitFor } from '../../../helpers/wait-for.js';

const TOKEN = 'echo-admin:Distinctive-Secret-7f3a9c';
const TOKEN_BASE64 = Buffer.from(TOKEN).toString('base64');

/** A gRPC server that refuses every MilvusService call, quoting the credentials it received. */
async function echoingServer(t: TestContext): Promise<{ endpoint: string; received: string[] }> {
  const service = await sdkMilvusService();
  const received: string[] = [];
  const refuse = (call: { metadata: { get(key: string): unknown[] } }, callback: (error: object) => void) => {
    const sent = String(call.metadata.get('authorization')[0] ?? '');
    received.push(sent);
    callback({ code: status.UNAUTHENTICATED, details: `credentials "${Buffer.from(sent, 'base64').toString()}" (authorization: ${sent}) are not valid` });
  };
  const server = new Server();
  server.addService(service, Object.fromEntries(Object.keys(service).map((method) => [method, refuse])) as UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  t.after(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
  return { endpoint: `http://127.0.0.1:${port}`, received };
}

/** Everything the process writes to stdout and stderr from now until the test ends (still passed on). */
function captureOutput(t: TestContext): string[] {
  const written: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return original(chunk, ...rest);
    }) as typeof stream.write;
    t.after(() => {
      stream.write = original;
    });
  }
  return written;
}

describe('a token the server echoes back', () => {
  test('reaches neither the FAILED trace nor any log line, as itself or base64-encoded', async (t) => {
    const { endpoint, received } = await echoingServer(t);
    const output = captureOutput(t);
    const logLines: string[] = [];
    const worker = new StandaloneWorker({
      // nothing listens here: the task fails before a consumer would need the broker
      workerConfig: new WorkerConfig({ 'bootstrap.servers': '127.0.0.1:1' }),
      plugins: await Plugins.load([BUILTIN_CONNECTORS_MODULE, BUILTIN_CONVERTERS_MODULE]),
      loggers: new Loggers(createRootLogger({ level: LogLevel.DEBUG, destination: { write: (line: string) => void logLines.push(line) } })),
    });
    t.after(() => worker.stop());
    const listener = new RecordingListener();
    const config = {
      name: 'echo',
      'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
      topics: 'articles',
      'public.endpoint': endpoint,
      token: TOKEN,
      'collection.name': 'articles',
      'milvus.timeout.ms': '3000',
    };
    assert.equal(await worker.startConnector('echo', config, TargetState.STARTED, listener), true);
    const [taskConfig] = await worker.connectorTaskConfigs('echo', 1);
    // the task is created at once and starts in the background, where the server refuses it
    assert.equal(await worker.startTask({ connector: 'echo', task: 0 }, config, taskConfig, TargetState.STARTED, listener), true);
    const failed = await waitFor('the task FAILED', () => (listener.taskState('echo')?.state === 'FAILED' ? listener.taskState('echo') : undefined));

    assert.ok(received.includes(TOKEN_BASE64), 'the server got the token, so it had it to echo');
    assert.match(failed?.trace ?? '', /UNAUTHENTICATED/, 'the trace still says what went wrong');
    assert.match(failed?.trace ?? '', /credentials "\[hidden\]" \(authorization: \[hidden\]\)/);
    assert.ok(logLines.length > 0, 'the worker logged');
    for (const [where, text] of [
      ['trace', failed?.trace ?? ''],
      ['log', logLines.join('')],
      ['stdout/stderr', output.join('')],
    ] as const) {
      assert.ok(!text.includes(TOKEN), `the ${where} shows the token`);
      assert.ok(!text.includes('Distinctive-Secret-7f3a9c'), `the ${where} shows the password`);
      assert.ok(!text.includes(TOKEN_BASE64), `the ${where} shows the token base64-encoded`);
    }
  });
});
