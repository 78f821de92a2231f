/**
 * The benchmark's private Kafka + Milvus Lite, through the same code as `npm run stack:up|down`, under
 * its own instance name so it never touches a developer's `dev` stack or a test run's. A watchdog stops
 * it if this process dies without stopping it (kill -9, closed terminal).
 */
import { rmSync } from 'node:fs';
import { down, readState, recordWatchdog, up, type StackState } from '../scripts/stack/instance.js';
import { REPO_ROOT, runPaths } from '../scripts/stack/paths.js';
import { ownedAlive, spawnDetached } from '../scripts/stack/processes.js';
import { say } from './progress.js';

export interface BenchStack {
  readonly name: string;
  readonly kafkaBootstrap: string;
  readonly milvusAddress: string;
  readonly versions: StackState['versions'];
  readonly logs: string;
  /** The broker's and Milvus Lite's processes, whose CPU the REST phases report beside the service's. */
  readonly pids: readonly number[];
  /** Stops the instance (idempotent); logs are kept when `keepLogs`. */
  stop(keepLogs: boolean): Promise<void>;
}

export async function startStack(name: string): Promise<BenchStack> {
  const paths = runPaths(name);
  let started = false;
  let stopping: Promise<void> | undefined;
  const stop = (keepLogs: boolean): Promise<void> =>
    (stopping ??= (async () => {
      if (!started) return;
      const result = await down(name);
      if (result) say(`stack ${name} stopped (kafka: ${result.kafka}, milvus: ${result.milvus})`);
      if (keepLogs) say(`stack logs kept in ${paths.logs}`);
      else rmSync(paths.root, { recursive: true, force: true });
    })());
  // last resort if this process ends without stop() (an uncaught error): TERM the servers synchronously;
  // the watchdog would also notice, a second later
  process.once('exit', () => {
    if (!started || stopping) return;
    const state = readState(name);
    for (const pid of [state?.pids.kafka, state?.pids.milvus]) {
      if (pid !== undefined && ownedAlive(pid, paths.root)) process.kill(pid, 'SIGTERM');
    }
  });
  say(`starting a private stack "${name}" (Kafka + Milvus Lite)…`);
  const state = await up(name, {
    log: (line) => say(`stack: ${line}`),
    onState: () => {
      started = true;
    },
  });
  started = true;
  const watchdog = spawnDetached(process.execPath, ['--import', 'tsx', `${REPO_ROOT}/scripts/stack/watchdog.ts`, name, String(process.pid), paths.root], {
    cwd: REPO_ROOT,
    env: process.env,
    logFile: paths.watchdogLog,
  });
  recordWatchdog(name, watchdog);
  say(`stack up: kafka ${state.kafkaBootstrap}, milvus ${state.milvusAddress}`);
  const pids = [state.pids.kafka, state.pids.milvus].filter((pid): pid is number => pid !== undefined);
  return { name, kafkaBootstrap: state.kafkaBootstrap, milvusAddress: state.milvusAddress, versions: state.versions, logs: paths.logs, pids, stop };
}
