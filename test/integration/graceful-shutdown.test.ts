/**
 * SIGTERM in the middle of a stream, against the real service, Kafka and Milvus: the process exits 0
 * within shutdown.timeout.ms; what it committed is exactly what Milvus holds (nothing committed that
 * is missing, nothing written left to be delivered again); after a restart every record is in Milvus
 * exactly once.
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { makeDir, removeDir, sleep, waitUntil } from '../helpers/connect-process.js';
import { countRows, queryRows, quickStartFields } from '../helpers/milvus-fixtures.js';
import { stackAddresses } from '../helpers/stack.js';
import { article, collectionFor, createTopic, produce, quickStartConfig, startService, uniqueName, waitForCount, waitForState } from './e2e-fixture.js';

const PARTITIONS = 2;
const TOTAL = 3000;
const CHUNK = 50;
const SHUTDOWN_TIMEOUT_MS = 20_000;

/** Record `id` goes to partition id % 2, so its offset there is floor(id / 2). */
const partitionOf = (id: number) => id % PARTITIONS;
const offsetOf = (id: number) => Math.floor(id / PARTITIONS);

async function committedOffsets(groupId: string, topic: string): Promise<number[]> {
  const kafka = new Kafka({ clientId: 'shutdown-test', brokers: [stackAddresses().kafkaBootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Array.from({ length: PARTITIONS }, (_, p) => Math.max(0, Number(partitions.find((x) => x.partition === p)?.offset ?? -1)));
  } finally {
    await admin.disconnect();
  }
}

test('SIGTERM mid-stream: exit 0 in time, commits match what Milvus holds, a restart completes the stream exactly once', async (t) => {
  const topic = uniqueName('shutdown');
  const name = uniqueName('shutdown_sink');
  await createTopic(topic, PARTITIONS);
  await collectionFor(t, topic, { fields: quickStartFields() });
  const dir = makeDir();
  t.after(() => removeDir(dir));
  const workerProps = {
    // no periodic commit during the test: what is committed is what the shutdown committed
    'offset.flush.interval.ms': '600000',
    'task.shutdown.graceful.timeout.ms': '10000',
    'shutdown.timeout.ms': String(SHUTDOWN_TIMEOUT_MS),
  };
  const first = await startService(t, { dir, workerProps });
  const created = await first.request('POST', '/connectors', { name, config: quickStartConfig(topic, topic, { 'batch.max.rows': '100' }) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await waitForState(first, name, 'RUNNING', 'RUNNING');

  // a steady stream in the background, whatever happens to the service
  let produced = 0;
  const stream = (async () => {
    while (produced < TOTAL) {
      const ids = Array.from({ length: CHUNK }, (_, i) => produced + i);
      await produce(
        topic,
        ids.map((id) => ({ key: String(id), value: article(id), partition: partitionOf(id) })),
      );
      produced += CHUNK;
      await sleep(40);
    }
  })();

  await waitUntil('some of the stream in Milvus', async () => (await countRows(topic)) >= 400, { timeoutMs: 60_000 });
  const signalled = Date.now();
  const exit = await first.stop(60_000);
  const took = Date.now() - signalled;
  assert.deepEqual(exit, { code: 0, signal: null }, first.logTail(30));
  assert.ok(took < SHUTDOWN_TIMEOUT_MS, `shutdown took ${took} ms`);
  assert.ok(produced < TOTAL, 'the signal came mid-stream');
  assert.ok(first.logs().some((l) => l.msg === 'Kafka Connect stopped'));

  // every record is in Milvus or still uncommitted: per partition, Milvus holds exactly the committed prefix
  const committed = await committedOffsets(`connect-${name}`, topic);
  const written = new Set((await queryRows(topic, ['id'])).map((r) => Number(r.id)));
  for (let p = 0; p < PARTITIONS; p++) {
    const inMilvus = [...written]
      .filter((id) => partitionOf(id) === p)
      .map(offsetOf)
      .sort((a, b) => a - b);
    const firstMissing = inMilvus.findIndex((offset, i) => offset !== i) === -1 ? inMilvus.length : inMilvus.findIndex((offset, i) => offset !== i);
    assert.ok(committed[p] > 0, `partition ${p}: the shutdown committed what was written`);
    assert.ok(committed[p] <= firstMissing, `partition ${p}: committed ${committed[p]} but offset ${firstMissing} is not in Milvus`);
    // the drain at stop commits what Milvus acknowledged: nothing written is left to be delivered again
    assert.deepEqual([committed[p], inMilvus.length], [firstMissing, firstMissing], `partition ${p}: Milvus holds exactly the committed prefix`);
  }

  await stream;
  const second = await startService(t, { dir, workerProps });
  await waitForState(second, name, 'RUNNING', 'RUNNING');
  await waitForCount(second, topic, name, TOTAL, 120_000);
  const ids = (await queryRows(topic, ['id'])).map((r) => Number(r.id));
  assert.equal(ids.length, TOTAL);
  assert.equal(new Set(ids).size, TOTAL, 'each record exactly once');
  assert.deepEqual(
    ids.sort((a, b) => a - b),
    Array.from({ length: TOTAL }, (_, i) => i),
  );
  assert.deepEqual(await second.stop(60_000), { code: 0, signal: null });
});

test('a shutdown that cannot finish is cut off at shutdown.timeout.ms with exit status 1', async (t) => {
  // a "Milvus" that accepts connections and never answers: validating against it takes the full 5 s
  const sockets = new Set<Socket>();
  const blackhole = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    blackhole.close();
  });
  const port = (blackhole.address() as { port: number }).port;
  const service = await startService(t, { workerProps: { 'shutdown.timeout.ms': '1000' } });
  const config = quickStartConfig('c', 't', { 'public.endpoint': `http://127.0.0.1:${port}` });
  // the REST server finishes requests in flight before it closes; this one outlasts the bound
  const inFlight = service.request('PUT', '/connector-plugins/MilvusSinkConnector/config/validate', { name: 'slow', ...config }).catch(() => undefined);
  // the validation has dialled the black hole: the request is in the server, waiting for an answer
  await waitUntil('the validation to dial Milvus', () => sockets.size > 0, { intervalMs: 20 });
  const signalled = Date.now();
  const exit = await service.stop(30_000);
  const took = Date.now() - signalled;
  assert.deepEqual(exit, { code: 1, signal: null });
  assert.ok(took >= 1000 && took < 4000, `exited after ${took} ms`);
  assert.ok(
    service.logs().some((l) => String(l.msg).startsWith('Shutdown did not finish within 1000 ms (shutdown.timeout.ms)')),
    service.logTail(10),
  );
  await inFlight;
});
