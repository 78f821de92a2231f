import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backpressure, type BufferedWork } from '../../../../src/connectors/milvus/write/backpressure.js';

/** Held records the test sets, like a dispatcher whose requests finish when the test says so. */
class FakeWork implements BufferedWork {
  bufferedRecords = 0;
  #waiters: { records: number; resolve: () => void }[] = [];

  whenAtMost(records: number): Promise<void> {
    if (this.bufferedRecords <= records) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ records, resolve }));
  }

  /** A request finished: `records` fewer are held. */
  async finish(records: number): Promise<void> {
    this.bufferedRecords -= records;
    const waiting = this.#waiters;
    this.#waiters = waiting.filter((w) => this.bufferedRecords > w.records);
    for (const w of waiting) if (this.bufferedRecords <= w.records) w.resolve();
    await settle();
  }
}

/** A timer that fires only when the test calls `expire()`. */
function manualSleep() {
  const pending: (() => void)[] = [];
  const sleep = (_ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      pending.push(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  const expire = async () => {
    for (const resolve of pending.splice(0)) resolve();
    await settle();
  };
  return { sleep, expire };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** 200-row batches, one in flight: pause threshold 400, resume at 300 (as the task sets them). */
function setup() {
  const work = new FakeWork();
  const clock = manualSleep();
  const changes: boolean[] = [];
  const backpressure = new Backpressure(work, { highWater: 400, resumeAt: 300, maxWaitMs: 1_000, sleep: clock.sleep }, (b) => changes.push(b));
  return { work, clock, changes, backpressure };
}

/** Whether `promise` has settled by now. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await settle();
  return done;
}

test('put() returns at once while no more than the high-water mark is held', async () => {
  const { work, changes, backpressure } = setup();
  work.bufferedRecords = 400;
  assert.equal(await settled(backpressure.afterPut()), true);
  assert.deepEqual(changes, []);
});

test('over the mark, put() waits for a request to finish instead of pausing consumption', async () => {
  const { work, changes, backpressure } = setup();
  work.bufferedRecords = 432;
  const put = backpressure.afterPut();
  assert.equal(await settled(put), false, 'put() holds the consumer back while a request is in flight');
  await work.finish(200);
  assert.equal(await settled(put), true, 'and returns when it finished: the next fetch starts at once');
  assert.deepEqual(changes, [], 'consumption was never paused, so no resume waits on kafkajs');
  assert.equal(backpressure.backlogged, false);
});

test('when no room is made within the wait, consumption pauses and put() returns; it resumes once the mark is reached', async () => {
  const { work, clock, changes, backpressure } = setup();
  work.bufferedRecords = 432;
  const put = backpressure.afterPut();
  await clock.expire();
  assert.equal(await settled(put), true);
  assert.deepEqual(changes, [true]);
  assert.equal(backpressure.backlogged, true);

  // records fetched before the pause took effect: put() waits again, but pauses only once
  work.bufferedRecords += 100;
  const late = backpressure.afterPut();
  await clock.expire();
  await late;
  assert.deepEqual(changes, [true]);

  await work.finish(200);
  assert.deepEqual(changes, [true], '332 held: still above the resume mark');
  await work.finish(200);
  assert.deepEqual(changes, [true, false]);
  assert.equal(backpressure.backlogged, false);
});

test('a request finishing just as the wait ends does not pause consumption', async () => {
  const { work, clock, changes, backpressure } = setup();
  work.bufferedRecords = 432;
  const put = backpressure.afterPut();
  work.bufferedRecords = 232; // finished, its waiter not yet run
  await clock.expire();
  await put;
  assert.deepEqual(changes, []);
});
