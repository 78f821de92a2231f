import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKafka, waitForKafka } from './kafka.js';
import { withLock } from './lock.js';
import { startMilvus, waitForMilvus } from './milvus.js';
import { RUNS_DIR, runPaths, type RunPaths } from './paths.js';
import { HOST, allocatePorts, envPort } from './ports.js';
import { ownedAlive, stopProcess } from './processes.js';
import { provision } from './provision.js';
import { registryEndpoint, startRegistry, waitForRegistry } from './registry.js';
import { loadVersions } from './versions.js';

/** What `state.json` in an instance's run directory records. */
export interface StackState {
  name: string;
  runDir: string;
  kafkaBootstrap: string;
  milvusAddress: string;
  /** Confluent Schema Registry API (Apicurio Registry's ccompat/v7) */
  schemaRegistryUrl: string;
  /** `user:password` the registry requires (basic auth) */
  schemaRegistryUserInfo: string;
  ports: { kafka: number; kafkaController: number; milvus: number; registry: number };
  pids: { kafka?: number; milvus?: number; registry?: number; watchdog?: number };
  versions: { kafka: string; milvusLite: string; apicurioRegistry: string };
  startedAt: string;
}

export interface UpOptions {
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  /** Called as soon as the state file holds pids, so a caller interrupted mid-start can stop them. */
  onState?: (state: StackState) => void;
}

const KAFKA_STOP_GRACE_MS = 30_000;
const MILVUS_STOP_GRACE_MS = 5_000;
const REGISTRY_STOP_GRACE_MS = 10_000;
const PORTS_LOCK_TIMEOUT_MS = 60_000;

export function readState(name: string): StackState | undefined {
  try {
    return JSON.parse(readFileSync(runPaths(name).state, 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

function writeState(paths: RunPaths, state: StackState): void {
  writeFileSync(paths.state, `${JSON.stringify(state, null, 2)}\n`);
}

/** The servers of an instance, alive and started by us. */
export function instanceAlive(state: StackState): { kafka: boolean; milvus: boolean; registry: boolean } {
  return {
    kafka: ownedAlive(state.pids.kafka, state.runDir),
    milvus: ownedAlive(state.pids.milvus, state.runDir),
    registry: ownedAlive(state.pids.registry, state.runDir),
  };
}

/**
 * Starts instance `name`: provision (cached), fresh data directories, free ports, broker, Milvus
 * Lite and the schema registry (all three at once), then waits until each answers real requests. If it is already running, returns it as is.
 * On any failure, whatever was started is stopped again before the error propagates.
 */
export async function up(name: string, options: UpOptions = {}): Promise<StackState> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const readyTimeoutMs = options.readyTimeoutMs ?? Number(env.STACK_READY_TIMEOUT_MS ?? 120_000);
  const paths = runPaths(name);

  const existing = readState(name);
  if (existing) {
    const alive = instanceAlive(existing);
    if (alive.kafka && alive.milvus && alive.registry) {
      log(`instance ${name} is already running`);
      return existing;
    }
    log(`instance ${name} has a stale state file; cleaning it up`);
    await down(name);
  }

  const versions = loadVersions();
  const { kafkaLibs, milvusLib, registryJar } = await provision(versions, log);

  // Fresh data per run: Kafka refuses to format a directory that already holds a cluster.
  for (const dir of [paths.kafkaData, paths.milvusData, paths.registryHome, paths.logs]) rmSync(dir, { recursive: true, force: true });
  for (const dir of [paths.root, paths.kafkaData, paths.milvusData, paths.registryHome, paths.logs]) mkdirSync(dir, { recursive: true });

  // Reserve ports under a lock and record them before releasing it, so an instance starting
  // at the same moment sees them as taken even though nothing is bound to them yet.
  const state = await withLock('ports', PORTS_LOCK_TIMEOUT_MS, async () => {
    const [kafka, kafkaController, milvus, registry] = await allocatePorts(
      [
        { fixed: envPort(env, 'STACK_KAFKA_PORT'), label: 'the Kafka broker (STACK_KAFKA_PORT)' },
        { fixed: envPort(env, 'STACK_KAFKA_CONTROLLER_PORT'), label: 'the KRaft controller (STACK_KAFKA_CONTROLLER_PORT)' },
        { fixed: envPort(env, 'STACK_MILVUS_PORT'), label: 'Milvus (STACK_MILVUS_PORT)' },
        { fixed: envPort(env, 'STACK_REGISTRY_PORT'), label: 'the schema registry (STACK_REGISTRY_PORT)' },
      ],
      reservedPorts(name),
    );
    const endpoint = registryEndpoint(registry);
    const fresh: StackState = {
      name,
      runDir: paths.root,
      kafkaBootstrap: `${HOST}:${kafka}`,
      milvusAddress: `${HOST}:${milvus}`,
      schemaRegistryUrl: endpoint.url,
      schemaRegistryUserInfo: endpoint.userInfo,
      ports: { kafka, kafkaController, milvus, registry },
      pids: {},
      versions: { kafka: versions.kafka, milvusLite: versions.milvusLite, apicurioRegistry: versions.apicurioRegistry },
      startedAt: new Date().toISOString(),
    };
    writeState(paths, fresh);
    return fresh;
  });

  try {
    log(
      `starting Kafka ${versions.kafka} on ${state.kafkaBootstrap}, Milvus Lite ${versions.milvusLite} on ${state.milvusAddress} ` +
        `and Apicurio Registry ${versions.apicurioRegistry} on ${state.schemaRegistryUrl}…`,
    );
    const endpoint = { url: state.schemaRegistryUrl, userInfo: state.schemaRegistryUserInfo };
    state.pids.milvus = startMilvus(milvusLib, paths, state.ports.milvus);
    writeState(paths, state);
    state.pids.registry = startRegistry(registryJar, paths, state.ports.registry, endpoint);
    writeState(paths, state);
    state.pids.kafka = startKafka(versions, kafkaLibs, paths, { broker: state.ports.kafka, controller: state.ports.kafkaController });
    writeState(paths, state);
    options.onState?.(state);
    const started = Date.now();
    await Promise.all([
      waitForKafka(state.kafkaBootstrap, state.pids.kafka, paths, readyTimeoutMs),
      waitForMilvus(state.milvusAddress, state.pids.milvus, paths, readyTimeoutMs),
      waitForRegistry(endpoint, state.pids.registry, paths, readyTimeoutMs),
    ]);
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await down(name);
    throw error;
  }
  writeFileSync(
    paths.env,
    `KAFKA_BOOTSTRAP=${state.kafkaBootstrap}\nMILVUS_ADDRESS=${state.milvusAddress}\n` +
      `SCHEMA_REGISTRY_URL=${state.schemaRegistryUrl}\nSCHEMA_REGISTRY_USER_INFO=${state.schemaRegistryUserInfo}\n`,
    { mode: 0o600 },
  );
  return state;
}

/** Ports recorded by every other instance that still has a state file. */
function reservedPorts(except: string): Set<number> {
  const taken = new Set<number>();
  for (const other of listInstances()) {
    if (other === except) continue;
    const state = readState(other);
    if (state) for (const port of Object.values(state.ports)) taken.add(port);
  }
  return taken;
}

export interface DownResult {
  kafka: string;
  milvus: string;
  registry: string;
  watchdog: string;
}

/**
 * Stops instance `name` by the pids in its state file (Kafka first: TERM starts a controlled
 * shutdown), removes its data, state and env files, and keeps its logs for inspection.
 */
export async function down(name: string, options: { skipWatchdog?: boolean } = {}): Promise<DownResult | undefined> {
  const paths = runPaths(name);
  const state = readState(name);
  if (!state) return undefined;
  const watchdog = options.skipWatchdog ? 'self' : await stopProcess(state.pids.watchdog, paths.root, 2_000);
  const [kafka, milvus, registry] = await Promise.all([
    stopProcess(state.pids.kafka, paths.root, KAFKA_STOP_GRACE_MS),
    stopProcess(state.pids.milvus, paths.root, MILVUS_STOP_GRACE_MS),
    stopProcess(state.pids.registry, paths.root, REGISTRY_STOP_GRACE_MS),
  ]);
  for (const path of [paths.env, paths.state, paths.kafkaData, paths.milvusData, paths.registryHome]) rmSync(path, { recursive: true, force: true });
  return { kafka, milvus, registry, watchdog };
}

/** Records the pid of the watchdog that stops this instance when its owner dies. */
export function recordWatchdog(name: string, pid: number): void {
  const state = readState(name);
  if (!state) return;
  state.pids.watchdog = pid;
  writeState(runPaths(name), state);
}

/** Every instance that has a run directory (running, stale or stopped with logs kept). */
export function listInstances(): string[] {
  if (!existsSync(RUNS_DIR)) return [];
  return readdirSync(RUNS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function envFile(name: string): string {
  return join(runPaths(name).root, 'env');
}
