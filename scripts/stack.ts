/**
 * The local stack: a real Kafka broker (KRaft, jars from Maven), Milvus Lite (the C++ Milvus core
 * from the PyPI wheel) and a schema registry speaking Confluent's API (Apicurio Registry, from Maven
 * Central), bound to 127.0.0.1 on free ports, one instance per STACK_NAME.
 *
 *   npm run stack:up       provision (cached), start, wait until ready, print the addresses
 *   npm run stack:down     stop this instance by pid (TERM, then KILL), drop its data
 *   npm run stack:status   every instance under .cache/stack/run and whether its processes live
 *
 * Env: STACK_NAME (default dev), STACK_KAFKA_PORT / STACK_KAFKA_CONTROLLER_PORT / STACK_MILVUS_PORT /
 * STACK_REGISTRY_PORT (default: free ports), STACK_MAVEN_REPOSITORY (a Maven Central mirror), STACK_READY_TIMEOUT_MS (default 120000), STACK_CACHE_DIR.
 * `up --owner-pid <pid>` also starts a watchdog that stops the instance once that pid is gone.
 */
import { relative } from 'node:path';
import { down, instanceAlive, listInstances, readState, recordWatchdog, up } from './stack/instance.js';
import { StackError } from './stack/errors.js';
import { REPO_ROOT, runPaths, stackName } from './stack/paths.js';
import { spawnDetached } from './stack/processes.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`stack: ${line}\n`);
const shown = (path: string) => relative(process.cwd(), path) || '.';

async function commandUp(name: string, ownerPid: number | undefined): Promise<void> {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    note(`${signal} received; stopping instance ${name}`);
    void down(name).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const wasRunning = readState(name) !== undefined;
  const state = await up(name, { log: note });
  if (interrupted) return;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (ownerPid !== undefined && !(wasRunning && state.pids.watchdog)) {
    const paths = runPaths(name);
    const pid = spawnDetached(process.execPath, ['--import', 'tsx', `${REPO_ROOT}/scripts/stack/watchdog.ts`, name, String(ownerPid), paths.root], {
      cwd: REPO_ROOT,
      env: process.env,
      logFile: paths.watchdogLog,
    });
    recordWatchdog(name, pid);
  }
  const paths = runPaths(name);
  say(`stack "${name}" is up`);
  say(`  KAFKA_BOOTSTRAP=${state.kafkaBootstrap}`);
  say(`  MILVUS_ADDRESS=${state.milvusAddress}`);
  say(`  SCHEMA_REGISTRY_URL=${state.schemaRegistryUrl}   (basic auth: SCHEMA_REGISTRY_USER_INFO in the env file)`);
  say(`  env file: ${shown(paths.env)}   (load it with: set -a; . ${shown(paths.env)}; set +a)`);
  say(`  logs:     ${shown(paths.logs)}`);
  say(`  stop:     STACK_NAME=${name} npm run stack:down`);
}

async function commandDown(name: string): Promise<void> {
  const result = await down(name);
  if (!result) {
    say(`stack "${name}" is not running (no state file in ${shown(runPaths(name).root)})`);
    return;
  }
  say(`stack "${name}" stopped (kafka: ${result.kafka}, milvus: ${result.milvus}, registry: ${result.registry}); logs kept in ${shown(runPaths(name).logs)}`);
}

function commandStatus(current: string): void {
  const names = listInstances();
  if (names.length === 0) {
    say('no stack instances');
    return;
  }
  for (const name of names) {
    const state = readState(name);
    const marker = name === current ? ' (STACK_NAME)' : '';
    if (!state) {
      say(`${name}${marker}: stopped`);
      continue;
    }
    const alive = instanceAlive(state);
    const all = alive.kafka && alive.milvus && alive.registry;
    const overall = all ? 'running' : alive.kafka || alive.milvus || alive.registry ? 'degraded' : 'dead (run stack:down to clean up)';
    say(`${name}${marker}: ${overall}`);
    say(`  kafka   ${state.kafkaBootstrap}  pid ${state.pids.kafka ?? '-'}  ${alive.kafka ? 'alive' : 'not running'}`);
    say(`  milvus  ${state.milvusAddress}  pid ${state.pids.milvus ?? '-'}  ${alive.milvus ? 'alive' : 'not running'}`);
    say(`  registry ${state.schemaRegistryUrl ?? '-'}  pid ${state.pids.registry ?? '-'}  ${alive.registry ? 'alive' : 'not running'}`);
  }
}

function parseOwner(args: string[]): number | undefined {
  const index = args.indexOf('--owner-pid');
  if (index === -1) return undefined;
  const pid = Number(args[index + 1]);
  if (!Number.isInteger(pid) || pid <= 0) throw new StackError('--owner-pid needs a process id');
  return pid;
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const name = stackName();
  switch (command) {
    case 'up':
      return commandUp(name, parseOwner(args));
    case 'down':
      return commandDown(name);
    case 'status':
      return commandStatus(name);
    default:
      throw new StackError(`usage: stack.ts up [--owner-pid <pid>] | down | status   (got ${command ?? 'nothing'})`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof StackError) {
    note(error.message);
  } else {
    note(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  process.exitCode = 1;
});
