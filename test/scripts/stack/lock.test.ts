import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

// The lock directory lives in the stack cache; point it at a scratch folder before loading.
const cache = mkdtempSync(join(tmpdir(), 'stack-lock-'));
process.env.STACK_CACHE_DIR = cache;
const { withLock } = await import('../../../scripts/stack/lock.js');
after(() => rmSync(cache, { recursive: true, force: true }));

describe('withLock', () => {
  test('holders of the same lock run one after the other', async () => {
    const events: string[] = [];
    const hold = (name: string) =>
      withLock('downloads', 10_000, async () => {
        events.push(`${name} in`);
        await sleep(150);
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    assert.deepEqual(
      events.map((e) => e.split(' ')[1]),
      ['in', 'out', 'in', 'out'],
    );
    assert.equal(existsSync(join(cache, 'locks', 'downloads.lock')), false, 'released afterwards');
  });

  test('is released when the action fails', async () => {
    await assert.rejects(
      withLock('failing', 1_000, async () => Promise.reject(new Error('download broke'))),
      /download broke/,
    );
    assert.equal(await withLock('failing', 1_000, async () => 'next holder'), 'next holder');
  });

  test('a lock left by a process that died is taken over', async () => {
    const dir = join(cache, 'locks', 'stale.lock');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'owner'), String(2 ** 22 + 1)); // above pid_max: never a live process
    assert.equal(await withLock('stale', 1_000, async () => 'taken over'), 'taken over');
  });

  test('a lock held by a live process times out with a message naming the holder', async () => {
    const dir = join(cache, 'locks', 'busy.lock');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'owner'), String(process.ppid));
    await assert.rejects(
      withLock('busy', 300, async () => 'never'),
      new RegExp(`held by pid ${process.ppid}`),
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
