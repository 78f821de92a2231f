/**
 * Preloaded (`node --require`) into the test runner and, through it, every test file's process.
 * CommonJS and --require because node 20's `--test` runner process does not run --import preloads.
 * If the process that started us disappears without stopping us (scripts/test.mjs killed with
 * SIGKILL), we end ourselves and, in the runner, which leads its own process group, that whole
 * group: a test run never leaves a process behind.
 */
'use strict';
const { readFileSync } = require('node:fs');

/** The current parent pid (`process.ppid` is fixed at startup and never sees a reparenting). */
function currentParent() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    try {
      process.kill(process.ppid, 0);
      return process.ppid;
    } catch {
      return -1;
    }
  }
}

const parent = currentParent();
const timer = setInterval(() => {
  if (currentParent() === parent) return;
  try {
    process.kill(-process.pid, 'SIGKILL'); // only succeeds for a group leader (the runner)
  } catch {
    // not a group leader
  }
  process.kill(process.pid, 'SIGKILL');
}, 1_000);
timer.unref();
