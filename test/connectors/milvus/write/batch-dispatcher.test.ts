import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { BatchDispatcher, type BatchDispatcherOptions } from '../../../../src/connectors/milvus/write/batch-dispatcher.js';
import type { Batch } from '../../../../src/connectors/milvus/write/sink-op-batch.js';
import { deleteOp, writeOp } from '../fixtures.js';

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
