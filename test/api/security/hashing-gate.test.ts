import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HashingGate } from '../../../src/api/security/hashing-gate.js';

/** Work that runs until the test ends it, recording that it started. */
function heldWork(started: string[], label: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      started.push(label);
      await done;
      return label;
    },
    finish: () => finish(),
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('HashingGate', () => {
  test('runs at most `concurrency` pieces of work at once and starts the waiting ones in arrival order', async () => {
    const gate = new HashingGate({ concurrency: 2, queue: 2, perClient: 10 });
    const started: string[] = [];
    const works = ['a', 'b', 'c', 'd'].map((label) => heldWork(started, label));
    const runs = works.map((w) => gate.run('client', w.work));
    await settled();
    assert.deepEqual(started, ['a', 'b']);
    works[1].finish();
    await settled();
    assert.deepEqual(started, ['a', 'b', 'c']);
    works[0].finish();
    works[2].finish();
    works[3].finish();
    assert.deepEqual(await Promise.all(runs), ['a', 'b', 'c', 'd']);
  });

  test('refuses work beyond the queue without running it, and takes work again once places free', async () => {
    const gate = new HashingGate({ concurrency: 1, queue: 1, perClient: 10 });
    const started: string[] = [];
    const first = heldWork(started, 'first');
    const second = heldWork(started, 'second');
    const running = [gate.run('x', first.work), gate.run('y', second.work)];
    assert.equal(
      gate.run('z', async () => started.push('refused')),
      null,
    );
    first.finish();
    second.finish();
    await Promise.all(running);
    assert.deepEqual(started, ['first', 'second']);
    assert.equal(await gate.run('z', async () => 'later'), 'later');
  });

  test('one client holds only its share, so another client still gets in while it floods', async () => {
    const gate = new HashingGate({ concurrency: 1, queue: 5, perClient: 2 });
    const started: string[] = [];
    const flood = Array.from({ length: 10 }, (_, i) => heldWork(started, `flood${i}`));
    const admitted = flood.map((w) => gate.run('attacker', w.work)).filter((run) => run !== null);
    assert.equal(admitted.length, 2);
    const other = gate.run('someone else', async () => 'in');
    assert.notEqual(other, null);
    for (const w of flood) w.finish();
    assert.equal(await other, 'in');
    await Promise.all(admitted);
    assert.deepEqual(started, ['flood0', 'flood1']);
  });

  test('a failing piece of work frees its place', async () => {
    const gate = new HashingGate({ concurrency: 1, queue: 0, perClient: 1 });
    await assert.rejects(
      gate.run('c', async () => {
        throw new Error('scrypt failed');
      }) as Promise<unknown>,
      /scrypt failed/,
    );
    assert.equal(await gate.run('c', async () => 'again'), 'again');
  });
});
