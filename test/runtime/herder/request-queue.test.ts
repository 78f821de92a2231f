import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientGoneError } from '../../../src/runtime/errors.js';
import { RequestQueue } from '../../../src/runtime/herder/request-queue.js';

describe('RequestQueue', () => {
  test('requests of one connector run one at a time, in arrival order, whatever the outcome of the one before', async () => {
    const queue = new RequestQueue();
    const order: string[] = [];
    let release!: () => void;
    const first = queue.run('a', async () => {
      order.push('first starts');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('first ends');
      throw new Error('first failed');
    });
    const second = queue.run('a', async () => order.push('second'));
    const other = queue.run('b', async () => order.push('other connector'));
    await other;
    release();
    await assert.rejects(first, /first failed/);
    await second;
    assert.deepEqual(order, ['first starts', 'other connector', 'first ends', 'second']);
  });

  test('a request whose client has gone before its turn is not executed', async () => {
    const queue = new RequestQueue();
    let release!: () => void;
    const running = new Promise<void>((started) => {
      void queue.run(
        'a',
        () =>
          new Promise<void>((resolve) => {
            release = resolve;
            started();
          }),
      );
    });
    const gone = new AbortController();
    let executed = false;
    const abandoned = queue.run('a', async () => (executed = true), gone.signal);
    const next = queue.run('a', async () => 'next runs');
    gone.abort();
    await running;
    release();
    await assert.rejects(abandoned, ClientGoneError);
    assert.equal(executed, false);
    assert.equal(await next, 'next runs');
  });

  test('the oldest running stage is what a timed-out request waited behind', async () => {
    let now = 1_000;
    const queue = new RequestQueue(() => now);
    assert.equal(queue.current(), null);
    let release!: () => void;
    const slow = queue.stage('stopping task a-0', () => new Promise<void>((resolve) => (release = resolve)));
    now = 2_000;
    await queue.stage('validating', async () => assert.deepEqual(queue.current(), { description: 'stopping task a-0', startedAt: 1_000 }));
    release();
    await slow;
    assert.equal(queue.current(), null);
  });

  test('idle() waits for requests queued while it waits', async () => {
    const queue = new RequestQueue();
    const done: string[] = [];
    void queue.run('a', async () => {
      void queue.run('a', async () => done.push('queued meanwhile'));
      done.push('first');
    });
    await queue.idle();
    assert.deepEqual(done, ['first', 'queued meanwhile']);
    assert.equal(queue.busy, false);
  });
});
