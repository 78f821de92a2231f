import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Everything the stack downloads or writes lives here (ignored by git). */
export const CACHE_DIR = resolve(process.env.STACK_CACHE_DIR ?? join(REPO_ROOT, '.cache', 'stack'));

export const RUNS_DIR = join(CACHE_DIR, 'run');
export const LOCKS_DIR = join(CACHE_DIR, 'locks');

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The instance name from `STACK_NAME` (default `dev`); checked so it is always a safe directory name. */
export function stackName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.STACK_NAME?.trim() || 'dev';
  if (!NAME.test(name)) {
    throw new Error(`STACK_NAME "${name}" must be 1-64 characters of letters, digits, '.', '_' or '-'`);
  }
  return name;
}

export interface RunPaths {
  root: string;
  state: string;
  env: string;
  logs: string;
  kafkaData: string;
  kafkaLog: string;
  kafkaFormatLog: string;
  serverProperties: string;
  /** log4j2.properties (Kafka 4.x) or log4j.properties (3.x, reload4j): the JVM flag differs too. */
  log4jConfig: (kafka3: boolean) => string;
  milvusData: string;
  milvusDb: string;
  milvusLog: string;
  /** the registry's working directory: its config/application.properties (credentials) and temp files */
  registryHome: string;
  registryLog: string;
  watchdogLog: string;
}

/** One directory per instance, so instances started side by side never share a file. */
export function runPaths(name: string): RunPaths {
  const root = join(RUNS_DIR, name);
  const logs = join(root, 'logs');
  const milvusData = join(root, 'milvus-data');
  return {
    root,
    state: join(root, 'state.json'),
    env: join(root, 'env'),
    logs,
    kafkaData: join(root, 'kafka-data'),
    kafkaLog: join(logs, 'kafka.log'),
    kafkaFormatLog: join(logs, 'kafka-format.log'),
    serverProperties: join(root, 'server.properties'),
    log4jConfig: (kafka3) => join(root, kafka3 ? 'log4j.properties' : 'log4j2.properties'),
    milvusData,
    // Milvus Lite wants a short plain file name (<= 36 characters).
    milvusDb: join(milvusData, 'milvus.db'),
    milvusLog: join(logs, 'milvus.log'),
    registryHome: join(root, 'registry'),
    registryLog: join(logs, 'registry.log'),
    watchdogLog: join(logs, 'watchdog.log'),
  };
}
