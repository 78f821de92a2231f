import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { logTail, ownedAlive, pidAlive, spawnDetached, stopProcess } from '../../../scripts/stack/processes.js';
import { waitFor } from '../../helpers/wait-for.js';

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-processes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const IGNORING_TERM = 'SIGTERM handler installed';

/**
 * A node process whose command line carries `marker`; with `stubborn` it ignores SIGTERM, and writes
 * IGNORING_TERM to `<dir>/out.log` once it does.
 */
function startSleeper(dir: string, marker: string, stubborn = false): number {
  const script = `${stubborn ? `process.on('SIGTERM', () => {}); console.log('${IGNORING_TERM}');` : ''} setInterval(() => {}, 1000);`;
  return spawnDetached(process.execPath, ['-e', script, marker], { cwd: dir, env: process.env, logFile: join(dir, 'out.log') });
}

describe('stopping processes by pid', () => {
  test('a process is ours only if its command line names our run directory', async (t) => {
    const dir = scratch(t);
    const pid = startSleeper(dir, join(dir, 'marker'));
    t.after(() => stopProcess(pid, dir, 1_000));
    assert.equal(ownedAlive(pid, dir), true);
    assert.equal(ownedAlive(pid, '/some/other/run/dir'), false);
    assert.equal(await stopProcess(pid, '/some/other/run/dir', 1_000), 'not-running', 'never signals a process it does not own');
    assert.equal(pidAlive(pid), true);
  });

  test('TERM ends a well-behaved server within the grace period', async (t) => {
    const dir = scratch(t);
    const pid = startSleeper(dir, dir);
    assert.equal(await stopProcess(pid, dir, 5_000), 'terminated');
    assert.equal(ownedAlive(pid, dir), false);
  });

  test('a server that ignores TERM is killed after the grace period', async (t) => {
    const dir = scratch(t);
    const pid = startSleeper(dir, dir, true);
    // a TERM that arrived before the handler would end it: 'terminated', not the case under test
    await waitFor('the child to ignore SIGTERM', () => readFileSync(join(dir, 'out.log'), 'utf8').includes(IGNORING_TERM), 10_000);
    const started = Date.now();
    assert.equal(await stopProcess(pid, dir, 500), 'killed');
    assert.ok(Date.now() - started >= 500);
    assert.equal(ownedAlive(pid, dir), false);
  });

  test('an unknown or missing pid is reported as not running', async () => {
    assert.equal(await stopProcess(undefined, '/x', 100), 'not-running');
    assert.equal(ownedAlive(2 ** 22 + 1, '/x'), false);
  });
});

describe('logTail', () => {
  test('shows the last lines, indented, or says the log is empty or missing', (t) => {
    const dir = scratch(t);
    const file = join(dir, 'server.log');
    writeFileSync(file, 'one\ntwo\nthree\n');
    assert.equal(logTail(file, 2), '    two\n    three');
    writeFileSync(file, '');
    assert.equal(logTail(file), '    (empty)');
    assert.equal(logTail(join(dir, 'absent.log')), '    (no log written)');
  });
});
