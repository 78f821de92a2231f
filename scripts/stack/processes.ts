import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** True if a process with this pid exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProc(pid, 'stat');
  // "pid (comm) S ...": a zombie has exited and only waits to be reaped.
  return stat === undefined || !/\) Z /.test(stat);
}

/**
 * True if `pid` is alive AND its command line mentions `marker` (the instance's run directory).
 * A pid saved in a state file can be reused by an unrelated process after a reboot or a crash;
 * checking the command line keeps us from ever signalling a process we did not start.
 */
export function ownedAlive(pid: number | undefined, marker: string): boolean {
  if (pid === undefined || !pidAlive(pid)) return false;
  const cmdline = readProc(pid, 'cmdline');
  if (cmdline === undefined) return !existsSync('/proc');
  return cmdline.split('\0').some((arg) => arg.includes(marker));
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

export interface DetachedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
}

/**
 * Starts a server in its own process group with stdout/stderr appended to `logFile`, so it
 * outlives the command that started it and a Ctrl-C in the terminal does not reach it: only
 * `stop` (by pid) ends it.
 */
export function spawnDetached(command: string, args: string[], options: DetachedOptions): number {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    // A spawn error (e.g. ENOENT) is reported asynchronously; readiness notices the dead pid.
    child.on('error', () => undefined);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** TERM, wait up to `graceMs`, then KILL. Resolves once the process is gone. */
export async function stopProcess(pid: number | undefined, marker: string, graceMs: number): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!ownedAlive(pid, marker)) return 'not-running';
  const target = pid as number;
  signal(target, 'SIGTERM');
  if (await waitGone(target, graceMs)) return 'terminated';
  signal(target, 'SIGKILL');
  await waitGone(target, 5_000);
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await sleep(100);
  }
  return !pidAlive(pid);
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 40): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    if (text === '') return '    (empty)';
    return text
      .split('\n')
      .slice(-lines)
      .map((line) => `    ${line}`)
      .join('\n');
  } catch {
    return '    (no log written)';
  }
}
