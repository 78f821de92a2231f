/**
 * The records of the config topic, byte for byte as Kafka Connect 4.1 writes them
 * (KafkaConfigBackingStore): string keys, and values as the worker's internal JsonConverter
 * (schemas.enable=false) writes its structs — a JSON object with the struct's fields in order.
 *
 * | key                            | value                                                          |
 * |--------------------------------|----------------------------------------------------------------|
 * | `connector-<name>`             | `{"properties":{…}}`; null (tombstone): the connector was deleted |
 * | `task-<name>-<n>`              | `{"properties":{…}}`, visible only once a commit covers it      |
 * | `commit-<name>`                | `{"tasks":N}`: task configs 0…N-1 form the connector's task set  |
 * | `target-state-<name>`          | `{"state":"PAUSED","state.v2":"STOPPED"}`; `state` for workers before 3.5 (no STOPPED) |
 * | `restart-connector-<name>`     | `{"include-tasks":true,"only-failed":false}`                    |
 * | `tasks-fencing-<name>`         | `{"task-count":N}` (exactly-once source support)                |
 * | `session-key`                  | `{"key":"<base64>","algorithm":"HmacSHA256","creation-timestamp":ms}` |
 * | `logger-cluster-<namespace>`   | `{"level":"DEBUG"}`                                             |
 *
 * Decoding follows Kafka's reader: a record of the wrong shape is reported and skipped, never fatal.
 */
import { TargetState, type ConnectorConfig } from '../../store/types.js';
import type { RestartRequest } from '../types.js';

export const CONNECTOR_PREFIX = 'connector-';
export const TASK_PREFIX = 'task-';
export const COMMIT_TASKS_PREFIX = 'commit-';
export const TARGET_STATE_PREFIX = 'target-state-';
export const RESTART_PREFIX = 'restart-connector-';
export const TASK_COUNT_RECORD_PREFIX = 'tasks-fencing-';
export const SESSION_KEY_KEY = 'session-key';
export const LOGGER_CLUSTER_PREFIX = 'logger-cluster-';

/** The key the cluster's leader signs internal REST requests with (KIP-507). */
export interface SessionKey {
  readonly key: Buffer;
  /** a javax.crypto algorithm name, e.g. HmacSHA256 */
  readonly algorithm: string;
  readonly creationTimestamp: number;
}

export type ConfigRecord =
  | { readonly type: 'connector-config'; readonly connector: string; readonly config: ConnectorConfig }
  | { readonly type: 'connector-removed'; readonly connector: string }
  | { readonly type: 'task-config'; readonly connector: string; readonly task: number; readonly config: ConnectorConfig }
  | { readonly type: 'tasks-commit'; readonly connector: string; readonly tasks: number }
  | { readonly type: 'target-state'; readonly connector: string; readonly state: TargetState }
  | { readonly type: 'target-state-removed'; readonly connector: string }
  | { readonly type: 'restart-request'; readonly connector: string; readonly request: RestartRequest }
  | { readonly type: 'task-count'; readonly connector: string; readonly taskCount: number }
  | { readonly type: 'session-key'; readonly sessionKey: SessionKey }
  | { readonly type: 'logger-level'; readonly namespace: string; readonly level: string };

/** A record the reader cannot use; the message says which and why. */
export class ConfigRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigRecordError';
  }
}

export const configKeys = {
  connector: (name: string) => `${CONNECTOR_PREFIX}${name}`,
  task: (name: string, task: number) => `${TASK_PREFIX}${name}-${task}`,
  commit: (name: string) => `${COMMIT_TASKS_PREFIX}${name}`,
  targetState: (name: string) => `${TARGET_STATE_PREFIX}${name}`,
  restart: (name: string) => `${RESTART_PREFIX}${name}`,
  loggerLevel: (namespace: string) => `${LOGGER_CLUSTER_PREFIX}${namespace}`,
  sessionKey: () => SESSION_KEY_KEY,
} as const;

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** `{"properties":{…}}`, the value of both `connector-<name>` and `task-<name>-<n>` */
export function encodeConfig(config: ConnectorConfig): Buffer {
  return json({ properties: config });
}

export function encodeTasksCommit(tasks: number): Buffer {
  return json({ tasks });
}

/** Workers before STOPPED existed read `state`; they see a stopped connector as paused. */
export function encodeTargetState(state: TargetState): Buffer {
  return json({ state: state === TargetState.STOPPED ? TargetState.PAUSED : state, 'state.v2': state });
}

export function encodeRestartRequest(request: RestartRequest): Buffer {
  return json({ 'include-tasks': request.includeTasks, 'only-failed': request.onlyFailed });
}

export function encodeSessionKey(sessionKey: SessionKey): Buffer {
  return json({ key: sessionKey.key.toString('base64'), algorithm: sessionKey.algorithm, 'creation-timestamp': sessionKey.creationTimestamp });
}

export function encodeLoggerLevel(level: string): Buffer {
  return json({ level });
}

type JsonObject = Record<string, unknown>;

function parse(key: string, value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new ConfigRecordError(`Record ${key} is not JSON: ${(error as Error).message}`);
  }
}

function object(key: string, value: unknown): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigRecordError(`Record ${key} is in the wrong format: expected a JSON object, found ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return value as JsonObject;
}

function properties(key: string, value: JsonObject): ConnectorConfig {
  const props = value.properties;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new ConfigRecordError(`Record ${key}: 'properties' field should be a map`);
  }
  const config: Record<string, string> = {};
  for (const [name, v] of Object.entries(props as JsonObject)) {
    // Java's Map<String, String> may hold a null; a config here has none, so the key is left out
    if (v === null) continue;
    if (typeof v !== 'string') throw new ConfigRecordError(`Record ${key}: property ${name} should be a string`);
    config[name] = v;
  }
  return Object.freeze(config);
}

/** Kafka reads the schemaless number as Integer or Long and casts; anything else is refused. */
function int(key: string, value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ConfigRecordError(`Record ${key}: '${field}' field should be an integer`);
  return value;
}

function targetState(key: string, value: JsonObject): TargetState {
  let state = value['state.v2'];
  // a worker before 3.5 wrote only `state`
  if (typeof state !== 'string') state = value.state;
  if (typeof state !== 'string') throw new ConfigRecordError(`Record ${key}: 'state' field should be a string`);
  if (!Object.hasOwn(TargetState, state)) throw new ConfigRecordError(`Record ${key}: invalid target state ${state}`);
  return state as TargetState;
}

/** `task-<connector>-<n>`: the connector name may contain '-'; the last part is the task number. */
function taskId(key: string): { connector: string; task: number } {
  const parts = key.split('-');
  const last = parts.at(-1) ?? '';
  if (parts.length < 3 || !/^[+-]?\d{1,10}$/.test(last)) throw new ConfigRecordError(`Record ${key} couldn't be parsed as a task config key`);
  return { connector: parts.slice(1, -1).join('-'), task: Number(last) };
}

/** One record of the config topic. Throws ConfigRecordError for a record the reader must skip. */
export function decodeConfigRecord(key: string, value: Buffer | null): ConfigRecord {
  const data = value === null || value.length === 0 ? null : parse(key, value);
  if (key.startsWith(TARGET_STATE_PREFIX)) {
    const connector = key.slice(TARGET_STATE_PREFIX.length);
    if (data === null) return { type: 'target-state-removed', connector };
    return { type: 'target-state', connector, state: targetState(key, object(key, data)) };
  }
  if (key.startsWith(CONNECTOR_PREFIX)) {
    const connector = key.slice(CONNECTOR_PREFIX.length);
    if (data === null) return { type: 'connector-removed', connector };
    return { type: 'connector-config', connector, config: properties(key, object(key, data)) };
  }
  if (key.startsWith(TASK_PREFIX)) {
    const id = taskId(key);
    if (data === null) throw new ConfigRecordError(`Ignoring task configuration for task ${id.connector}-${id.task} because it is unexpectedly null`);
    return { type: 'task-config', ...id, config: properties(key, object(key, data)) };
  }
  if (key.startsWith(COMMIT_TASKS_PREFIX)) {
    const connector = key.slice(COMMIT_TASKS_PREFIX.length);
    return { type: 'tasks-commit', connector, tasks: int(key, object(key, data).tasks, 'tasks') };
  }
  if (key.startsWith(RESTART_PREFIX)) {
    const connector = key.slice(RESTART_PREFIX.length);
    const request = object(key, data);
    // Kafka defaults a missing or odd flag to false
    return {
      type: 'restart-request',
      connector,
      request: { includeTasks: request['include-tasks'] === true, onlyFailed: request['only-failed'] === true },
    };
  }
  if (key.startsWith(TASK_COUNT_RECORD_PREFIX)) {
    const connector = key.slice(TASK_COUNT_RECORD_PREFIX.length);
    return { type: 'task-count', connector, taskCount: int(key, object(key, data)['task-count'], 'task-count') };
  }
  if (key === SESSION_KEY_KEY) {
    const fields = object(key, data);
    const { key: encoded, algorithm } = fields;
    if (typeof encoded !== 'string') throw new ConfigRecordError(`Record ${key}: 'key' field should be a string`);
    if (typeof algorithm !== 'string') throw new ConfigRecordError(`Record ${key}: 'algorithm' field should be a string`);
    const creationTimestamp = int(key, fields['creation-timestamp'], 'creation-timestamp');
    return { type: 'session-key', sessionKey: { key: Buffer.from(encoded, 'base64'), algorithm, creationTimestamp } };
  }
  if (key.startsWith(LOGGER_CLUSTER_PREFIX)) {
    const namespace = key.slice(LOGGER_CLUSTER_PREFIX.length);
    const level = object(key, data).level;
    if (typeof level !== 'string') throw new ConfigRecordError(`Record ${key}: 'level' field should be a string`);
    return { type: 'logger-level', namespace, level };
  }
  throw new ConfigRecordError(`Discarding config update record with invalid key: ${key}`);
}
