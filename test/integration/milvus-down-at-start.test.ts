/**
 * End to end, through the real service process: a connector whose Milvus is down is accepted, created
 * and updated; its task is RUNNING and waits (saying so in its metrics), commits nothing, and once
 * Milvus comes back writes every record within 30 s, none lost.
 *
 * Kafka is the shared stack's; Milvus is a private Milvus Lite (test/helpers/private-milvus.ts).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { GiveUp, makeDir, removeDir, waitUntil } from '../helpers/connect-process.js';
import { quickStartFields } from '../helpers/milvus-fixtures.js';
import { startPrivateMilvus } from '../helpers/private-milvus.js';
import {
  article,
  committedOffsets,
  createConnector,
  createTopic,
  produce,
  quickStartConfig,
  startService,
  status,
  uniqueName,
  waitForState,
} from './e2e-fixture.js';

const RECORDS = 300;

async function count(client: MilvusClient, collection: string): Promise<number> {
  const res = await client.query({ collection_name: collection, filter: '', output_fields: ['count(*)'], consistency_level: 'Strong' as never });
  if (res.status.code !== 0) throw new Error(`count ${collection}: ${res.status.reason}`);
  return Number(res.data[0]?.['count(*)']);
}

/**
 * A private Milvus holding the quick start's collection `name` (indexed, loaded), with `RECORDS` records
 * produced to topic `name` meanwhile, then stopped: what a connector meets when its Milvus is down.
 * `restart()` brings it back and answers with a client for reading; both are closed after the test.
 */
async function downMilvusWithRecords(t: TestContext, name: string): Promise<{ endpoint: string; restart(): Promise<MilvusClient> }> {
  const milvus = await startPrivateMilvus();
  let reader: MilvusClient | undefined;
  t.after(async () => {
    await reader?.closeConnection();
    await milvus.dispose();
  });
  const setup = await milvus.connect();
  assert.equal((await setup.createCollection({ collection_name: name, fields: quickStartFields() })).code, 0);
  assert.equal((await setup.createIndex({ collection_name: name, field_name: 'title_vector', index_type: 'FLAT', metric_type: 'COSINE' })).code, 0);
  assert.equal((await setup.loadCollectionSync({ collection_name: name })).code, 0);
  await setup.closeConnection();
  await produce(
    name,
    Array.from({ length: RECORDS }, (_, i) => ({ value: article(i) })),
  );
  await milvus.stop();
  return {
    endpoint: milvus.endpoint,
    restart: async () => {
      await milvus.start();
      reader = await milvus.connect();
      return reader;
    },
  };
}

test('a connector created and updated while Milvus is down runs, waits, and writes every record within 30 s of Milvus coming back', async (t) => {
  const name = uniqueName('down_at_start');
  await createTopic(name);
  const service = await startService(t);
  const milvus = await downMilvusWithRecords(t, name);

  // auto.load: a restarted Milvus Lite 2.5 reports its collections NotLoad until something reads them, so
  // a task that reaches it before anyone else would fail as on a collection nobody loaded (milvus-outage)
  const config = quickStartConfig(name, name, { 'public.endpoint': milvus.endpoint, token: 'root:Milvus', 'auto.load': 'true' });
  await createConnector(t, service, name, config);
  await waitForState(service, name, 'RUNNING', 'RUNNING');
  const updated = await service.request('PUT', `/connectors/${name}/config`, { ...config, 'batch.max.rows': '100' });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  // the updated task reports RUNNING once its thread has built it; the one it replaced may still be
  // waiting for Milvus in the same thread meanwhile, so the metric alone does not say which task waits
  await waitUntil('the updated task RUNNING and waiting for Milvus, saying so in its metrics', async () => {
    const metrics = String((await service.request<string>('GET', '/metrics')).body);
    const waiting = new RegExp(`kafka_connect_plugins_milvus_tasks_waiting\\{connector="${name}"\\} 1`).test(metrics);
    return waiting && (await status(service, name))?.tasks[0]?.state === 'RUNNING';
  });
  const running = await status(service, name);
  assert.equal(running?.tasks[0]?.state, 'RUNNING');
  assert.equal(running?.tasks[0]?.trace, undefined, 'waiting leaves no trace in the status');
  assert.equal((await committedOffsets(service, name))[`${name}-0`] ?? 0, 0, 'nothing committed before Milvus answered');

  const client = await milvus.restart();
  await waitUntil(
    `${RECORDS} rows in Milvus and offset ${RECORDS} committed`,
    async () => {
      const failed = (await status(service, name))?.tasks.find((task) => task.state === 'FAILED');
      if (failed) throw new GiveUp(`Task FAILED:\n${failed.trace}`);
      return (await count(client, name)) === RECORDS && (await committedOffsets(service, name))[`${name}-0`] === RECORDS;
    },
    { timeoutMs: 30_000, describe: async () => ({ rows: await count(client, name), log: service.logTail(10) }) },
  );
  assert.ok(
    service.logs().some((line) => (line.level === 40 || line.level === 'warn' ? /Waiting for Milvus/.test(String(line.msg)) : false)),
    'a WARN says what the task waits for',
  );
});

test('the standalone start with a connector file succeeds while Milvus is down, and the connector recovers by itself', async (t) => {
  const name = uniqueName('down_at_boot');
  await createTopic(name);
  const milvus = await downMilvusWithRecords(t, name);

  // `milvus-connect worker.properties connector.properties`, as connect-standalone.sh is started
  const dir = makeDir();
  t.after(() => removeDir(dir));
  const connectorFile = join(dir, `${name}.properties`);
  // auto.load: a restarted Milvus Lite 2.5 reports its collections NotLoad until something reads them, so
  // a task that reaches it before anyone else would fail as on a collection nobody loaded (milvus-outage)
  const config = quickStartConfig(name, name, { 'public.endpoint': milvus.endpoint, token: 'root:Milvus', 'auto.load': 'true' });
  writeFileSync(
    connectorFile,
    `${Object.entries({ name, ...config })
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  const service = await startService(t, { dir, connectorFiles: [connectorFile] });
  await waitForState(service, name, 'RUNNING', 'RUNNING');

  const client = await milvus.restart();
  await waitUntil(
    `${RECORDS} rows in Milvus once it is back`,
    async () => {
      const failed = (await status(service, name))?.tasks.find((task) => task.state === 'FAILED');
      if (failed) throw new GiveUp(`Task FAILED:\n${failed.trace}`);
      return (await count(client, name)) === RECORDS;
    },
    { timeoutMs: 30_000, describe: async () => ({ rows: await count(client, name), log: service.logTail(10) }) },
  );
});
