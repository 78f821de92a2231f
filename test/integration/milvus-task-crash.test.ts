/**
 * A task's thread killed while records flow from the real broker into the real Milvus (Milvus Lite of
 * the test stack): what was committed at the kill is in Milvus, and after the restart Milvus holds every
 * record exactly once (primary-key upsert) with the committed offset past the last one. The worker runs
 * the shipped Milvus sink with one addition, a switch that ends its thread mid-stream
 * (test/helpers/crashing-milvus-sink.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_CONVERTERS_MODULE } from '../../src/converters/index.js';
import { createRootLogger, Loggers, LogLevel } from '../../src/runtime/loggers.js';
import { Plugins } from '../../src/runtime/plugins.js';
import { StandaloneWorker } from '../../src/runtime/worker/standalone-worker.js';
import { CRASHING_MILVUS_SINK, CRASHING_MILVUS_SINK_MODULE } from '../helpers/crashing-milvus-sink.js';
import { countRows, queryRows } from '../helpers/milvus-fixtures.js';
import { article, produce, quickStartConfig, topicAndCollection, uniqueName } from './e2e-fixture.js';
import { RecordingListener, testWorkerConfig, waitFor } from './worker-fixture.js';

const N = 3000;
const CRASH_AFTER = 1000;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

test('a task thread killed mid-stream loses nothing: what was committed is in Milvus, and after the restart every row is there once', async (t) => {
  const name = uniqueName('thread_crash');
  await topicAndCollection(t, name);
  await produce(
    name,
    range(0, N / 2).map((i) => ({ key: String(i), value: article(i) })),
  );
  const worker = new StandaloneWorker({
    workerConfig: testWorkerConfig(),
    plugins: await Plugins.load([BUILTIN_CONVERTERS_MODULE, CRASHING_MILVUS_SINK_MODULE]),
    loggers: new Loggers(createRootLogger({ level: LogLevel.ERROR })),
  });
  t.after(() => worker.stop());
  const listener = new RecordingListener();
  const id = { connector: name, task: 0 };
  // small polls and batches, so that the kill lands with some batches written and some in flight
  const config = {
    name,
    ...quickStartConfig(name, name, { 'consumer.override.max.poll.records': '100', 'batch.max.rows': '100' }),
    'connector.class': CRASHING_MILVUS_SINK,
  };
  const offsets = async () => (await worker.sinkConnectorOffsets(name, config)).offsets[0]?.offset?.kafka_offset ?? 0;

  const crashing = { ...config, 'test.crash.after.records': String(CRASH_AFTER) };
  assert.equal(await worker.startConnector(name, crashing, 'STARTED', listener), true);
  assert.equal(await worker.startTask(id, crashing, crashing, 'STARTED', listener), true);
  const failed = await waitFor('the task FAILED by its thread exiting', () =>
    listener.taskState(name)?.state === 'FAILED' ? listener.taskState(name) : undefined,
  );
  assert.match(failed.trace ?? '', new RegExp(`^ConnectError: The thread of task ${name}-0 exited with code 9 `));

  // Invariant: an offset is committed only after Milvus acknowledged every record before it
  const committed = await offsets();
  const written = await countRows(name);
  t.diagnostic(`at the kill: offset ${committed} committed, ${written} rows in Milvus, ${CRASH_AFTER} records handed to put()`);
  assert.equal(await countRows(name, `id < ${committed}`), committed, 'every record below the committed offset is in Milvus');
  assert.ok(committed < N / 2, 'the kill came mid-stream');

  // the rest of the stream arrives meanwhile; the task is restarted without the switch, as the herder restarts a task
  await produce(
    name,
    range(N / 2, N).map((i) => ({ key: String(i), value: article(i) })),
  );
  await worker.stopTask(id);
  assert.equal(await worker.startTask(id, config, config, 'STARTED', listener), true);
  // the new consumer gets the partition once the broker dropped the dead thread's one (session timeout)
  await waitFor(`offset ${N} committed`, async () => (await offsets()) === N, 120_000);
  assert.equal(await countRows(name), N, 'each record once: replays after the kill were upserts of the same primary keys');
  const ids = (await queryRows(name, ['id'])).map((r) => Number(r.id)).sort((a, b) => a - b);
  assert.deepEqual(ids, range(0, N));
  assert.equal(listener.taskState(name)?.state, 'RUNNING');
});
