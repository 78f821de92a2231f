/**
 * End to end, through the real service process: Milvus goes away and comes back. The sink retries writes
 * that fail with gRPC UNAVAILABLE (max.retries, retry.backoff.ms, retry.backoff.max.ms, errors.retry.timeout):
 * with a budget that outlasts the outage the task stays RUNNING and catches up by itself; with a small one it
 * fails with a trace naming the unavailable Milvus, and a task restart catches up. Either way the committed
 * offsets never pass what Milvus acknowledged, and every record ends up in Milvus exactly once.
 *
 * Kafka is the shared stack's; Milvus is a private Milvus Lite process (test/helpers/private-milvus.ts) that
 * the test stops (SIGTERM) and starts again on the same db file and port.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { GiveUp, sleep, waitUntil, type ConnectProcess } from '../helpers/connect-process.js';
import { quickStartFields } from '../helpers/milvus-fixtures.js';
import { startPrivateMilvus, type PrivateMilvus } from '../helpers/private-milvus.js';
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

/** How long Milvus stays away: long enough for several backoffs, for commits and for kafkajs fetches. */
const OUTAGE_MS = 10_000;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

interface OutageMilvus {
  readonly endpoint: string;
  /** the client the test reads with; a new one after each restart */
  readonly reader: () => Promise<MilvusClient>;
  /** SIGTERM (SIGKILL after 5 s); resolves with how the process ended */
  stop(): Promise<string>;
  /** Starts Milvus again on the same db file and port; resolves with the collection's load state then. */
  restart(): Promise<string>;
}

/**
 * A private Milvus for test `t`, with the quick start collection created, FLAT-indexed and loaded. The
 * test's own reader gets a fresh client after a restart rather than waiting out the reconnect backoff of
 * a channel that saw the outage.
 */
async function milvusWithCollection(t: TestContext, collection: string): Promise<OutageMilvus> {
  const milvus: PrivateMilvus = await startPrivateMilvus();
  let client: MilvusClient | undefined;
  t.after(async () => {
    await client?.closeConnection();
    await milvus.dispose();
  });
  client = await milvus.connect();
  assert.equal((await client.createCollection({ collection_name: collection, fields: quickStartFields() })).code, 0);
  assert.equal((await client.createIndex({ collection_name: collection, field_name: 'title_vector', index_type: 'FLAT', metric_type: 'COSINE' })).code, 0);
  assert.equal((await client.loadCollectionSync({ collection_name: collection })).code, 0);
  return {
    endpoint: milvus.endpoint,
    reader: async () => {
      if (!client) throw new Error('Milvus is stopped');
      return client;
    },
    async stop() {
      await client?.closeConnection();
      client = undefined;
      return milvus.stop();
    },
    async restart() {
      await milvus.start();
      client = await milvus.connect();
      // Milvus Lite 2.5.1 answers LoadStateNotLoad for the collections of its db file until something reads
      // or writes them (then LoadStateLoaded), although reads and writes work at once
      return String((await client.getLoadState({ collection_name: collection })).state);
    },
  };
}

/** count(*) at Strong consistency (every acknowledged write is visible), optionally under a filter. */
async function count(reader: () => Promise<MilvusClient>, collection: string, filter = ''): Promise<number> {
  const res = await (await reader()).query({ collection_name: collection, filter, output_fields: ['count(*)'], consistency_level: 'Strong' as never });
  if (res.status.code !== 0) throw new Error(`count ${collection}: ${res.status.reason}`);
  return Number(res.data[0]?.['count(*)']);
}

/** Every id in the collection, sorted. */
async function ids(reader: () => Promise<MilvusClient>, collection: string): Promise<number[]> {
  const res = await (await reader()).query({
    collection_name: collection,
    filter: '',
    output_fields: ['id'],
    limit: 16_384,
    consistency_level: 'Strong' as never,
  });
  if (res.status.code !== 0) throw new Error(`query ${collection}: ${res.status.reason}`);
  return res.data.map((row) => Number(row.id)).sort((a, b) => a - b);
}

async function offsetOf(service: ConnectProcess, connector: string, topic: string): Promise<number> {
  return (await committedOffsets(service, connector))[`${topic}-0`] ?? 0;
}

/** Records the task's consumer has read so far (Kafka's sink-record-read-total, from GET /metrics). */
async function recordsRead(service: ConnectProcess, connector: string): Promise<number> {
  const res = await service.request<string>('GET', '/metrics');
  const series = `kafka_connect_sink_task_metrics_sink_record_read_total{connector="${connector}",task="0"} `;
  const line = String(res.body)
    .split('\n')
    .find((l) => l.startsWith(series));
  if (line === undefined) throw new Error(`GET /metrics has no ${series.trim()}`);
  return Number(line.slice(series.length));
}

/** The service's offset.flush.interval.ms (the e2e default): the committed offset can move once per interval. */
const COMMIT_INTERVAL_MS = 200;
/** Consecutive equal reads, one commit interval apart, that make the progress settled. */
const SETTLED_READS = 5;

/**
 * Waits until the requests in flight when Milvus went away have failed (a retry was logged) and then the
 * committed offset and the records read stayed the same over SETTLED_READS reads one commit interval
 * apart; resolves with those values. Fails if that has not happened by `deadline` (epoch ms).
 */
async function settledProgress(service: ConnectProcess, connector: string, deadline: number): Promise<{ committed: number; read: number }> {
  let last = '';
  let same = 0;
  return waitUntil(
    'the committed offset and the records read to stop moving',
    async () => {
      if (retryWarnings(service).length === 0) return undefined;
      const now = { committed: await offsetOf(service, connector, connector), read: await recordsRead(service, connector) };
      same = JSON.stringify(now) === last ? same + 1 : 1;
      last = JSON.stringify(now);
      return same >= SETTLED_READS ? now : undefined;
    },
    { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: COMMIT_INTERVAL_MS, describe: () => ({ last, same, log: service.logTail(20) }) },
  );
}

/** The sink's retry warnings seen so far (one per retried request attempt). */
function retryWarnings(service: ConnectProcess): Array<Record<string, unknown>> {
  return service.logs().filter((line) => typeof line.msg === 'string' && /Milvus \w+ failed \(UNAVAILABLE\).*; retrying$/.test(line.msg));
}

/** Waits until `n` rows are in Milvus and offset `n` is committed; gives up at once when the task FAILED. */
async function waitForAll(
  service: ConnectProcess,
  reader: () => Promise<MilvusClient>,
  collection: string,
  connector: string,
  topic: string,
  n: number,
): Promise<void> {
  await waitUntil(
    `${n} rows in ${collection} and offset ${n} committed`,
    async () => {
      const failed = (await status(service, connector))?.tasks.find((task) => task.state === 'FAILED');
      if (failed) throw new GiveUp(`Task ${connector}-${failed.id} FAILED while catching up:\n${failed.trace}`);
      return (await count(reader, collection)) === n && (await offsetOf(service, connector, topic)) === n;
    },
    {
      timeoutMs: 45_000,
      describe: async () => ({ rows: await count(reader, collection), offset: await offsetOf(service, connector, topic), log: service.logTail(20) }),
    },
  );
}

async function assertExactlyOnce(reader: () => Promise<MilvusClient>, collection: string, n: number): Promise<void> {
  assert.equal(await count(reader, collection), n, 'count(*) at Strong consistency');
  assert.deepEqual(await ids(reader, collection), range(0, n), 'every id once, none missing');
}

/**
 * What both outage tests start from: the service, a private Milvus with collection `name`, `records` articles
 * on topic `name`, and connector `name` over them with the quick start config, writing to the private Milvus,
 * plus `config`.
 */
async function connectorOnPrivateMilvus(
  t: TestContext,
  name: string,
  records: number,
  config: Record<string, string>,
): Promise<{ service: ConnectProcess; milvus: OutageMilvus }> {
  await createTopic(name);
  // t.after hooks run in the order registered: the service stops before its Milvus goes away
  const service = await startService(t);
  const milvus = await milvusWithCollection(t, name);
  await produce(
    name,
    range(0, records).map((i) => ({ value: article(i) })),
  );
  await createConnector(t, service, name, quickStartConfig(name, name, { 'public.endpoint': milvus.endpoint, ...config }));
  return { service, milvus };
}

test('Milvus down for 10 s with a retry budget that outlasts it: the task stays RUNNING, commits nothing unacknowledged, and catches up exactly once', async (t) => {
  const N1 = 3000;
  const N2 = 500;
  const name = uniqueName('outage_retry');
  const { service, milvus } = await connectorOnPrivateMilvus(t, name, N1, {
    // retry until errors.retry.timeout runs out: 60 s, far beyond the outage
    'max.retries': '-1',
    'errors.retry.timeout': '60000',
    'retry.backoff.ms': '200',
    'retry.backoff.max.ms': '2000',
    // small requests, so that the outage begins with writes in flight and more records waiting
    'batch.max.rows': '100',
    'consumer.override.max.poll.records': '100',
  });
  const { reader } = milvus;
  await waitForState(service, name, 'RUNNING', 'RUNNING');
  await waitUntil('the first rows in Milvus', async () => (await count(reader, name)) > 0, { intervalMs: 50 });

  assert.equal(await milvus.stop(), 'terminated', 'Milvus Lite exits on SIGTERM');
  const killedAt = Date.now();
  await produce(
    name,
    range(N1, N1 + N2).map((i) => ({ value: article(i) })),
  );

  // Throughout the outage the task is RUNNING; once the requests in flight have failed and the next commit
  // is done the committed offset no longer moves: nothing is acknowledged while Milvus is away.
  // (settled 6 s after the kill at the latest, so that at least 4 s of the outage are left to watch)
  const { committed: committedEarly, read: readEarly } = await settledProgress(service, name, killedAt + OUTAGE_MS - 4000);
  t.diagnostic(`progress settled ${Date.now() - killedAt} ms after Milvus went away`);
  while (Date.now() - killedAt < OUTAGE_MS) {
    const s = await status(service, name);
    assert.equal(s?.tasks[0]?.state, 'RUNNING', `the task left RUNNING during the outage:\n${s?.tasks[0]?.trace ?? ''}\n${service.logTail(20)}`);
    await sleep(500);
  }
  const committedLate = await offsetOf(service, name, name);
  assert.equal(committedLate, committedEarly, 'the committed offset moved while Milvus was down');
  // consumption is paused while a request backs off: the records produced during the outage stay in Kafka
  const readLate = await recordsRead(service, name);
  assert.equal(readLate, readEarly, 'the consumer kept reading while the sink was backing off');
  assert.ok(readLate < N1 + N2, `all ${readLate} records were read although consumption should be paused`);
  assert.ok(committedLate < N1 + N2, `offset ${committedLate} committed although Milvus went away before the last records were consumed`);
  const retries = retryWarnings(service);
  assert.ok(retries.length > 0, `no retry of an UNAVAILABLE Milvus request was logged:\n${service.logTail(20)}`);
  // exponential backoff, not a busy loop: 200, 400, 800, 1600 ms, then 2 s (±20% jitter) between attempts
  const delays = retries.map((line) => Number(line.delayMs));
  assert.ok(Math.max(...delays) >= 1600, `the backoff never grew towards retry.backoff.max.ms: ${delays.join(', ')}`);
  assert.ok(Math.max(...delays) <= 2400, `a backoff exceeded retry.backoff.max.ms (with jitter): ${delays.join(', ')}`);

  await milvus.restart();
  const backAt = Date.now();
  // What was committed had been acknowledged before Milvus went away, so it is there as soon as Milvus is
  // back, before the sink's retries (of rows above the committed offset, unless it committed too early) land.
  assert.equal(await count(reader, name, `id < ${committedLate}`), committedLate, `rows below the committed offset ${committedLate} are missing`);
  t.diagnostic(
    `offset ${committedLate} committed and ${readLate} of ${N1 + N2} records read during the outage; ${retries.length} retries logged, delays up to ${Math.max(...delays)} ms`,
  );

  await waitForAll(service, reader, name, name, name, N1 + N2);
  t.diagnostic(`caught up ${Date.now() - backAt} ms after Milvus was back`);
  await assertExactlyOnce(reader, name, N1 + N2);
  assert.equal((await status(service, name))?.tasks[0]?.state, 'RUNNING');
});

test('Milvus down with a small retry budget: the task FAILS saying Milvus is unavailable; after Milvus is back a task restart catches up exactly once', async (t) => {
  const N1 = 500;
  const N2 = 500;
  const name = uniqueName('outage_fail');
  const { service, milvus } = await connectorOnPrivateMilvus(t, name, N1, {
    'max.retries': '2',
    'retry.backoff.ms': '100',
    // a task restarted after Milvus Lite restarted finds the collection NotLoad (see restart()); load it
    'auto.load': 'true',
    'retry.backoff.max.ms': '200',
    'batch.max.rows': '100',
    'consumer.override.max.poll.records': '100',
  });
  const { reader } = milvus;
  await waitForAll(service, reader, name, name, name, N1);

  assert.equal(await milvus.stop(), 'terminated', 'Milvus Lite exits on SIGTERM');
  await produce(
    name,
    range(N1, N1 + N2).map((i) => ({ value: article(i) })),
  );
  const failed = await waitUntil(
    'the task FAILED',
    async () => {
      const task = (await status(service, name))?.tasks[0];
      return task?.state === 'FAILED' ? task : undefined;
    },
    { timeoutMs: 20_000, describe: async () => ({ status: await status(service, name), log: service.logTail(20) }) },
  );
  assert.match(failed.trace ?? '', /Milvus \w+ failed \(UNAVAILABLE\)/, 'the trace names the unavailable Milvus');
  assert.match(failed.trace ?? '', /still failing after 3 attempt\(s\)/, 'the trace says the retries ran out (max.retries=2)');
  assert.equal((await status(service, name))?.connector.state, 'RUNNING', 'only the task fails');

  // the failed task committed exactly what Milvus had acknowledged before it went away
  assert.equal(await offsetOf(service, name, name), N1);
  // Nothing here reads the collection before the task restarts: the restarted task meets Milvus Lite's
  // post-restart LoadStateNotLoad and loads the collection itself (auto.load=true).
  const loadState = await milvus.restart();
  t.diagnostic(`load state after the Milvus restart: ${loadState}`);

  const restart = await service.request('POST', `/connectors/${name}/tasks/0/restart`);
  assert.equal(
    restart.status,
    204,
    `task restart answered ${restart.status} ${JSON.stringify(restart.body)}\n${(await status(service, name))?.tasks[0]?.trace}`,
  );
  // the restarted task resumes from the committed offset: a commit past an unacknowledged record would
  // show here as a missing id
  await waitForAll(service, reader, name, name, name, N1 + N2);
  await assertExactlyOnce(reader, name, N1 + N2);
  assert.equal((await status(service, name))?.tasks[0]?.state, 'RUNNING');
});
