import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors.js';
import { LOCKS_DIR } from './paths.js';
import { pidAlive } from './processes.js';

/**
 * Runs `action` while holding a cross-process lock (a directory, created atomically by mkdir).
 * Several people share one checkout and one cache: two `stack:up` runs must not download into the
 * same folder at once, nor pick the same ports. A lock left by a process that died is taken over.
 */
export async function withLock<T>(name: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
  mkdirSync(LOCKS_DIR, { recursive: true });
  const dir = join(LOCKS_DIR, `${name}.lock`);
  const owner = join(dir, 'owner');
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readOwner(owner);
    if (holder !== undefined && !pidAlive(holder)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new StackError(`Timed out after ${timeoutMs / 1000} s waiting for lock ${dir} (held by pid ${holder ?? '?'}).`);
    }
    if (!announced) {
      process.stderr.write(`stack: waiting for ${name} lock held by pid ${holder ?? '?'}\n`);
      announced = true;
    }
    await sleep(250);
  }
  try {
    return await action();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // Created but not yet written: the holder is between mkdir and writeFile.
    return undefined;
  }
}
