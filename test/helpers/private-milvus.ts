/**
 * A Milvus Lite process of one test's own, which the test may stop and start again: outages cannot be
 * staged on the shared stack's Milvus, which other tests use at the same time. It is started with the
 * stack's own code (scripts/stack: the provisioned `milvus` binary, readiness by a real RPC, stop by pid
 * with SIGTERM then SIGKILL), on a free 127.0.0.1 port and a db file in a temp directory; a restart
 * reuses both, so clients configured with the address find the same server and the same data again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { startMilvus, waitForMilvus } from '../../scripts/stack/milvus.js';
import { runPaths, type RunPaths } from '../../scripts/stack/paths.js';
import { HOST, freePort, portFree } from '../../scripts/stack/ports.js';
import { ownedAlive, pidAlive, stopProcess } from '../../scripts/stack/processes.js';
import { provision } from '../../scripts/stack/provision.js';
import { loadVersions } from '../../scripts/stack/versions.js';
import { connectMilvus } from '../../src/connectors/milvus/client/milvus-client.js';

const READY_TIMEOUT_MS = 30_000;
/** The stack gives Milvus Lite 5 s to exit on SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

export interface PrivateMilvus {
  /** `127.0.0.1:<port>`, the same across restarts */
  readonly address: string;
  /** `http://127.0.0.1:<port>`, as `public.endpoint` */
  readonly endpoint: string;
  /** the db file, the same across restarts */
  readonly dbFile: string;
  /** the pid of the running server; undefined while stopped */
  pid(): number | undefined;
  /** Starts the server again on the same db file and port; resolves once it answers listCollections. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  stop(): Promise<'not-running' | 'terminated' | 'killed'>;
  /** Stops the server and removes its directory (for t.after). */
  dispose(): Promise<void>;
  /** A fresh connected client (close it yourself); the server may have been restarted since the last one. */
  connect(): Promise<MilvusClient>;
  /** the server's log file (stdout and stderr of every start) */
  readonly logPath: string;
}

/** Servers of this test process still running when it exits are killed: a failed run leaves none behind. */
const running = new Map<number, string>();
process.once('exit', () => {
  for (const [pid, marker] of running) if (ownedAlive(pid, marker)) process.kill(pid, 'SIGKILL');
});

/**
 * The server runs detached (the stack's spawn), so a test process killed with SIGKILL, which runs no exit
 * handler, would leave it behind. A small guard kills it once the test process is gone, and ends by itself
 * when the server stops first; it checks the server's command line for `dir`, so a reused pid is left alone.
 */
function guard(milvusPid: number, dir: string): void {
  const script = [
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done',
    'if ! kill -0 "$1" 2>/dev/null && grep -qF "$3" "/proc/$2/cmdline" 2>/dev/null; then kill -KILL "$2"; sleep 1; rm -rf "$3"; fi',
  ].join('\n');
  const child = spawn('sh', ['-c', script, 'milvus-guard', String(process.pid), String(milvusPid), dir], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

export async function startPrivateMilvus(): Promise<PrivateMilvus> {
  const { milvusLib } = await provision(loadVersions(), () => undefined);
  // short path: Milvus Lite refuses long db file names; the directory name also marks the process as ours
  const dir = mkdtempSync(join(tmpdir(), 'milvus-outage-'));
  // the stack's layout for one instance, with everything Milvus touches in our temp directory
  const paths: RunPaths = {
    ...runPaths('private-milvus'),
    root: dir,
    logs: dir,
    milvusData: dir,
    milvusDb: join(dir, 'outage.db'),
    milvusLog: join(dir, 'milvus.log'),
  };
  const port = await freePort();
  const address = `${HOST}:${port}`;
  let pid: number | undefined;

  const start = async () => {
    if (pid !== undefined && ownedAlive(pid, dir)) throw new Error(`Milvus Lite (pid ${pid}) is already running`);
    // the port was ours a moment ago; give the kernel a bounded moment to release it
    const deadline = Date.now() + 10_000;
    while (!(await portFree(port))) {
      if (Date.now() > deadline) throw new Error(`Port ${port} of the private Milvus is still in use 10 s after it stopped`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    pid = startMilvus(milvusLib, paths, port);
    running.set(pid, dir);
    guard(pid, dir);
    try {
      await waitForMilvus(address, pid, paths, READY_TIMEOUT_MS);
    } catch (error) {
      await stop();
      throw error;
    }
  };

  const stop = async () => {
    const target = pid;
    if (target === undefined) return 'not-running' as const;
    const how = await stopProcess(target, dir, STOP_GRACE_MS);
    if (pidAlive(target)) throw new Error(`Milvus Lite (pid ${target}) is still alive after SIGKILL`);
    running.delete(target);
    pid = undefined;
    return how;
  };

  await start().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });

  return {
    address,
    endpoint: `http://${address}`,
    dbFile: paths.milvusDb,
    logPath: paths.milvusLog,
    pid: () => pid,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    connect: () => connectMilvus({ endpoint: address, timeoutMs: 10_000 }),
  };
}
