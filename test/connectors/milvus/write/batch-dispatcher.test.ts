import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { BatchDispatcher, type BatchDispatcherOptions } from '../../../../src/connectors/milvus/write/batch-dispatcher.js';
import type { Batch } from '../../../../src/connectors/milvus/write/sink-op-batch.js';
import { deleteOp, writeOp } from '../fixtures.js';
import { OffsetTracker } from '../../../../src/connectors/milvus/write/offset-tracker.js';

const LONG_LINGER = 60_000;
const noFailure = (error: unknown) => assert.fail(`unexpected batch failure: ${String(error)}`);

/** An executor whose batches finish only when the test says so. */
function controlledExecutor() {
  const started: Batch[] = [];
  const finishers = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  const execute = (batch: Batch) =>
    new Promise<void>((resolve, reject) => {
      started.push(batch);
      finishers.set(batch.id, { resolve, reject });
    });
  const finish = async (id: number) => {
    finishers.get(id)!.resolve();
    await new Promise((r) => setImmediate(r));
  };
  const fail = async (id: number, error: unknown) => {
    finishers.get(id)!.reject(error);
    await new Promise((r) => setImmediate(r));
  };
  return { started, execute, finish, fail };
}

function options(overrides: Partial<BatchDispatcherOptions> = {}): BatchDispatcherOptions {
  return { maxRows: 3, maxBytes: 1_000_000, lingerMs: LONG_LINGER, maxInFlight: 4, mixedKinds: true, refillWaitMs: LONG_LINGER, ...overrides };
}

function rowsOf(batch: Batch): unknown[] {
  return batch.entries.map((e) => e.pk);
}

test('a batch is sent as soon as it holds batch.max.rows rows', (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options(), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  for (let i = 0; i < 7; i++) dispatcher.add(writeOp(i, `k${i}`));
  assert.deepEqual(ex.started.map(rowsOf), [
    ['k0', 'k1', 'k2'],
    ['k3', 'k4', 'k5'],
  ]);
  dispatcher.flush();
  assert.deepEqual(rowsOf(ex.started[2]), ['k6']);
});

test('a batch never grows past batch.max.bytes, but a single larger row still goes alone', (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxRows: 100, maxBytes: 100 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a', {}, 0, 60));
  dispatcher.add(writeOp(1, 'b', {}, 0, 60)); // 120 > 100: 'a' is sealed first
  dispatcher.add(writeOp(2, 'c', {}, 0, 500)); // alone, over the limit
  dispatcher.add(writeOp(3, 'd', {}, 0, 10));
  dispatcher.flush();
  assert.deepEqual(ex.started.map(rowsOf), [['a'], ['b'], ['c'], ['d']]);
});

test('a partial batch is sent after the linger time', async (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ lingerMs: 30 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a'));
  assert.equal(ex.started.length, 0);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(ex.started.map(rowsOf), [['a']]);
});

test('with linger 0 the records of one put() still travel together', async (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ lingerMs: 0, maxRows: 100 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  for (let i = 0; i < 5; i++) dispatcher.add(writeOp(i, `k${i}`));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(ex.started.length, 1);
  assert.equal(ex.started[0].rows, 5);
});

test('while every request slot is busy, a partial batch keeps filling after its linger time and goes out when a slot frees', async (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ lingerMs: 0, maxRows: 100, maxInFlight: 1 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a'));
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(ex.started.map(rowsOf), [['a']]);
  dispatcher.add(writeOp(1, 'b'));
  await new Promise((r) => setTimeout(r, 5));
  dispatcher.add(writeOp(2, 'c'));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(ex.started.length, 1, 'no small request queues up behind the busy slot');
  await ex.finish(ex.started[0].id);
  assert.deepEqual(ex.started.map(rowsOf), [['a'], ['b', 'c']]);
});

/**
 * 3-row batches, one slot: k0-k2 went out and finished while consumption was paused for a backlog,
 * which leaves the slot free and the one-row batch k3 open with its linger time over.
 */
async function slotFreedDuringBacklog(t: TestContext, overrides: Partial<BatchDispatcherOptions> = {}) {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ lingerMs: 0, maxRows: 3, maxInFlight: 1, ...overrides }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  for (let i = 0; i < 4; i++) dispatcher.add(writeOp(i, `k${i}`));
  dispatcher.upstreamBacklog(true);
  await new Promise((r) => setTimeout(r, 5));
  await ex.finish(ex.started[0].id);
  return { ex, dispatcher };
}

test('while consumption is paused for a backlog, a freed slot waits for the open batch to fill instead of sending it partial', async (t) => {
  const { ex, dispatcher } = await slotFreedDuringBacklog(t);
  assert.equal(ex.started.length, 1, 'the one-row batch k3 does not take the freed slot');
  dispatcher.upstreamBacklog(false);
  dispatcher.add(writeOp(4, 'k4'));
  dispatcher.add(writeOp(5, 'k5'));
  assert.deepEqual(ex.started.map(rowsOf), [
    ['k0', 'k1', 'k2'],
    ['k3', 'k4', 'k5'],
  ]);
});

test('once a backlog has ended, a partial batch waits for a free slot at most refillWaitMs', async (t) => {
  const { ex, dispatcher } = await slotFreedDuringBacklog(t, { refillWaitMs: 40 });
  dispatcher.upstreamBacklog(false);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(ex.started.length, 1, 'still waiting for more records');
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(ex.started.map(rowsOf), [['k0', 'k1', 'k2'], ['k3']]);
});

test('flush() sends a partial batch even while a backlog is being refilled', async (t) => {
  const { ex, dispatcher } = await slotFreedDuringBacklog(t);
  dispatcher.flush();
  assert.deepEqual(ex.started.map(rowsOf), [['k0', 'k1', 'k2'], ['k3']]);
});

test('a batch that fills up while the slots are busy still queues at once, and flush() sends a partial one', async (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ lingerMs: 0, maxRows: 2, maxInFlight: 1 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  for (let i = 0; i < 5; i++) dispatcher.add(writeOp(i, `k${i}`));
  await new Promise((r) => setTimeout(r, 5));
  dispatcher.flush();
  await ex.finish(ex.started[0].id);
  await ex.finish(ex.started[1].id);
  assert.deepEqual(ex.started.map(rowsOf), [['k0', 'k1'], ['k2', 'k3'], ['k4']]);
});

test('records with the same primary key in one batch become one row, the last one wins', (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxRows: 10 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a', { v: 1 }));
  dispatcher.add(writeOp(1, 'b', { v: 1 }));
  dispatcher.add(writeOp(2, 'a', { v: 2 }));
  dispatcher.flush();
  const [batch] = ex.started;
  assert.equal(batch.rows, 2);
  assert.equal(batch.records, 3);
  const a = batch.entries.find((e) => e.pk === 'a')!;
  assert.deepEqual(
    a.ops.map((op) => op.record.kafkaOffset),
    [0, 2],
  );
});

test('no more than max.in.flight.requests batches run at once', async (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxRows: 1, maxInFlight: 2 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  for (let i = 0; i < 4; i++) dispatcher.add(writeOp(i, `k${i}`));
  assert.equal(ex.started.length, 2);
  await ex.finish(ex.started[0].id);
  assert.equal(ex.started.length, 3);
  assert.equal(dispatcher.inFlight, 2);
});

test('a batch sharing a key with one in flight waits for it, and later batches keep their order', async (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxRows: 1, maxInFlight: 8 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a', { v: 1 }));
  dispatcher.add(writeOp(1, 'a', { v: 2 }));
  dispatcher.add(writeOp(2, 'b'));
  assert.deepEqual(ex.started.map(rowsOf), [['a']]);
  await ex.finish(ex.started[0].id);
  assert.deepEqual(ex.started.map(rowsOf), [['a'], ['a'], ['b']]);
  assert.equal(ex.started[1].entries[0].ops[0].record.kafkaOffset, 1);
});

test('in insert mode a delete and a write of the same key are split into ordered batches', (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxRows: 10, mixedKinds: false }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a'));
  dispatcher.add(deleteOp(1, 'a'));
  dispatcher.flush();
  assert.deepEqual(
    ex.started.map((b) => b.entries.map((e) => e.ops.map((o) => o.kind))),
    [[['write']]],
  );
});

test('in upsert mode a delete after a write of the same key replaces it within the batch', (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxRows: 10, mixedKinds: true }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a'));
  dispatcher.add(deleteOp(1, 'a'));
  dispatcher.flush();
  assert.equal(ex.started.length, 1);
  assert.deepEqual(
    ex.started[0].entries[0].ops.map((o) => o.kind),
    ['write', 'delete'],
  );
});

test('whenIdle waits for every buffered and in-flight record', async (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxRows: 2 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  for (let i = 0; i < 3; i++) dispatcher.add(writeOp(i, `k${i}`));
  let idle = false;
  void dispatcher.whenIdle().then(() => (idle = true));
  dispatcher.flush();
  assert.equal(dispatcher.bufferedRecords, 3);
  await ex.finish(ex.started[0].id);
  assert.equal(idle, false);
  await ex.finish(ex.started[1].id);
  assert.equal(idle, true);
  assert.equal(dispatcher.bufferedRecords, 0);
});

test('a failed batch is reported once and stops further dispatching', async (t) => {
  const ex = controlledExecutor();
  const failures: unknown[] = [];
  const dispatcher = new BatchDispatcher(options({ maxRows: 1, maxInFlight: 1 }), ex.execute, (e) => failures.push(e));
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a'));
  dispatcher.add(writeOp(1, 'b'));
  await ex.fail(ex.started[0].id, new Error('boom'));
  assert.equal(failures.length, 1);
  assert.equal(ex.started.length, 1);
  await dispatcher.whenIdle(); // does not hang after a failure
});

// Routing: a connector writing several collections (collection.name with ${topic}, topic.to.collection)

const to = (collection: string, offset: number, pk: string) => writeOp(offset, pk, {}, 0, 10, collection);

test('records of different collections never share a batch: each collection fills its own', (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options(), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(to('a', 0, 'k0'));
  dispatcher.add(to('b', 1, 'k1'));
  dispatcher.add(to('a', 2, 'k2'));
  dispatcher.add(to('b', 3, 'k3'));
  dispatcher.add(to('a', 4, 'k4'));
  assert.deepEqual(
    ex.started.map((b) => [b.collection, rowsOf(b)]),
    [['a', ['k0', 'k2', 'k4']]],
  );
  dispatcher.flush();
  assert.deepEqual(
    ex.started.map((b) => [b.collection, rowsOf(b)]),
    [
      ['a', ['k0', 'k2', 'k4']],
      ['b', ['k1', 'k3']],
    ],
  );
  for (const batch of ex.started) for (const entry of batch.entries) for (const op of entry.ops) assert.equal(op.collection, batch.collection);
});

test('the in-flight bound holds over all collections, not per collection', async (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxInFlight: 1 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  for (let i = 0; i < 3; i++) dispatcher.add(to('a', i, `k${i}`));
  for (let i = 3; i < 6; i++) dispatcher.add(to('b', i, `k${i}`));
  assert.deepEqual(
    ex.started.map((b) => b.collection),
    ['a'],
  );
  assert.equal(dispatcher.inFlight, 1);
  await ex.finish(ex.started[0].id);
  assert.deepEqual(
    ex.started.map((b) => b.collection),
    ['a', 'b'],
  );
});

test('the same primary key in two collections is two rows: their batches do not wait for each other', (t) => {
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ maxRows: 1 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(to('a', 0, 'k'));
  dispatcher.add(to('b', 1, 'k'));
  dispatcher.add(to('a', 2, 'k')); // the same row of 'a' as the first: waits for it
  assert.deepEqual(
    ex.started.map((b) => [b.collection, b.records]),
    [
      ['a', 1],
      ['b', 1],
    ],
  );
});

test('the write mode is asked per collection (an insert collection never merges a write and a delete)', async (t) => {
  const ex = controlledExecutor();
  const asked: string[] = [];
  const mixedKinds = (collection: string) => {
    asked.push(collection);
    return collection !== 'inserts';
  };
  const dispatcher = new BatchDispatcher(options({ maxRows: 10, mixedKinds }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(writeOp(0, 'a', {}, 0, 10, 'inserts'));
  dispatcher.add(deleteOp(1, 'a', 0, 'inserts'));
  dispatcher.add(writeOp(2, 'a', {}, 0, 10, 'upserts'));
  dispatcher.add(deleteOp(3, 'a', 0, 'upserts'));
  dispatcher.flush();
  // the delete of 'inserts' waits for the insert of its key; the batches sealed after it wait their turn
  await ex.finish(ex.started[0].id);
  assert.deepEqual(
    ex.started.map((b) => [b.collection, b.entries.map((e) => e.ops.map((op) => op.kind))]),
    [
      ['inserts', [['write']]],
      ['inserts', [['delete']]],
      ['upserts', [['write', 'delete']]],
    ],
  );
  assert.deepEqual(asked, ['inserts', 'inserts', 'upserts']);
});

test('each collection lingers on its own, and every lingered batch goes once its time is over', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ex = controlledExecutor();
  const dispatcher = new BatchDispatcher(options({ lingerMs: 30 }), ex.execute, noFailure);
  t.after(() => dispatcher.close());
  dispatcher.add(to('a', 0, 'k0'));
  t.mock.timers.tick(20);
  dispatcher.add(to('b', 1, 'k1'));
  t.mock.timers.tick(10);
  assert.deepEqual(
    ex.started.map((b) => b.collection),
    ['a'],
  );
  t.mock.timers.tick(20);
  assert.deepEqual(
    ex.started.map((b) => b.collection),
    ['a', 'b'],
  );
});

test("a partition's offset is committed only past records acknowledged in every collection they went to", async (t) => {
  const ex = controlledExecutor();
  const tracker = new OffsetTracker();
  const dispatcher = new BatchDispatcher(
    options({ maxRows: 10 }),
    async (batch) => {
      await ex.execute(batch);
      for (const entry of batch.entries) for (const op of entry.ops) tracker.done(op.record.topic, op.record.kafkaPartition, op.record.kafkaOffset);
    },
    noFailure,
  );
  t.after(() => dispatcher.close());
  // one partition (t-0) whose records go to two collections, e.g. through topic.to.collection and a fallback
  for (let offset = 0; offset < 4; offset++) {
    tracker.track('t', 0, offset);
    dispatcher.add(to(offset % 2 === 0 ? 'a' : 'b', offset, `k${offset}`));
  }
  dispatcher.flush();
  const committable = () => tracker.committable(new Map([['t-0', { topic: 't', partition: 0, offset: 4 }]])).get('t-0')?.offset;
  const [a, b] = ex.started;
  await ex.finish(b.id);
  assert.equal(committable(), 0, "offsets 1 and 3 are written, but 0 (in 'a') is not");
  await ex.finish(a.id);
  assert.equal(committable(), 4);
});
