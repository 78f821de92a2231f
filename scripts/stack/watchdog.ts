/**
 * Stops a stack instance when the process that owns it dies without stopping it (a test run
 * killed with SIGKILL, a closed terminal), so no broker is left behind.
 * Usage: node --import tsx scripts/stack/watchdog.ts <name> <owner pid> <run dir>
 * The run dir is on the command line so `down` can recognise this process as ours.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { down, readState } from './instance.js';
import { pidAlive } from './processes.js';

const [name, ownerArg] = process.argv.slice(2);
const owner = Number(ownerArg);
if (!name || !Number.isInteger(owner) || owner <= 0) {
  process.stderr.write('usage: watchdog.ts <name> <owner pid> <run dir>\n');
  process.exit(2);
}

for (;;) {
  await sleep(1_000);
  // The state file disappears when the instance is stopped normally: nothing left to guard.
  if (readState(name)?.pids.watchdog !== process.pid) process.exit(0);
  if (!pidAlive(owner)) {
    process.stdout.write(`${new Date().toISOString()} owner pid ${owner} is gone; stopping instance ${name}\n`);
    // down() would otherwise try to stop this very process first.
    const result = await down(name, { skipWatchdog: true });
    process.stdout.write(`${new Date().toISOString()} stopped: ${JSON.stringify(result)}\n`);
    process.exit(0);
  }
}
