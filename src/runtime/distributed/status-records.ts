/**
 * The records of the status topic as Kafka Connect 4.1 writes them (KafkaStatusBackingStore): string
 * keys, values as the internal JsonConverter (schemas.enable=false) writes its structs.
 *
 * | key                                  | value                                                      |
 * |--------------------------------------|------------------------------------------------------------|
 * | `status-connector-<name>`            | `{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":3,"version":"4.1.1"}` |
 * | `status-task-<name>-<n>`             | the same fields                                            |
 * | `status-topic-<topic>:connector-<name>` | `{"topic":{"name":"<topic>","connector":"<name>","task":0,"discoverTimestamp":ms}}` |
 *
 * A null value (tombstone) removes the entry: Kafka writes one for a DESTROYED connector or task and
 * when the active topics of a connector are reset. `version` (the plugin version, Kafka 4.1) is null
 * when the writer did not know it. A record of the wrong shape is reported and skipped.
 */
import type { StatusRecord } from '../../store/types.js';

export const CONNECTOR_STATUS_PREFIX = 'status-connector-';
export const TASK_STATUS_PREFIX = 'status-task-';
export const TOPIC_STATUS_PREFIX = 'status-topic-';
export const TOPIC_STATUS_SEPARATOR = ':connector-';

/** Kafka's AbstractStatus.State; DESTROYED is only ever written as a tombstone. */
const STATES = new Set(['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'DESTROYED', 'RESTARTING', 'STOPPED']);

/** A status with the generation of the group that wrote it, as the status topic holds it. */
export interface TopicStatusRecord extends StatusRecord {
  readonly generation: number;
}

/** A topic a connector's task consumed from (KIP-558). */
export interface TopicStatus {
  readonly topic: string;
  readonly connector: string;
  readonly task: number;
  readonly discoverTimestamp: number;
}

export type StatusTopicRecord =
  | { readonly type: 'connector'; readonly connector: string; readonly status: TopicStatusRecord | null }
  | { readonly type: 'task'; readonly connector: string; readonly task: number; readonly status: TopicStatusRecord | null }
  | { readonly type: 'topic'; readonly connector: string; readonly topic: string; readonly status: TopicStatus | null };

export class StatusRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusRecordError';
  }
}

export const statusKeys = {
  connector: (name: string) => `${CONNECTOR_STATUS_PREFIX}${name}`,
  task: (name: string, task: number) => `${TASK_STATUS_PREFIX}${name}-${task}`,
  topic: (connector: string, topic: string) => `${TOPIC_STATUS_PREFIX}${topic}${TOPIC_STATUS_SEPARATOR}${connector}`,
} as const;

/** Kafka's field order, nulls written out. */
export function encodeStatus(status: TopicStatusRecord): Buffer {
  return Buffer.from(
    JSON.stringify({
      state: status.state,
      trace: status.trace ?? null,
      worker_id: status.workerId,
      generation: status.generation,
      version: status.version ?? null,
    }),
    'utf8',
  );
}

export function encodeTopicStatus(status: TopicStatus): Buffer {
  return Buffer.from(
    JSON.stringify({ topic: { name: status.topic, connector: status.connector, task: status.task, discoverTimestamp: status.discoverTimestamp } }),
    'utf8',
  );
}

function parseObject(key: string, value: Buffer): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new StatusRecordError(`Failed to deserialize status ${key}: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new StatusRecordError(`Invalid status type for ${key}: expected a JSON object`);
  return data as Record<string, unknown>;
}

function decodeStatus(key: string, value: Buffer): TopicStatusRecord {
  const fields = parseObject(key, value);
  const { state, trace, worker_id: workerId, generation, version } = fields;
  if (typeof state !== 'string' || !STATES.has(state)) throw new StatusRecordError(`Status ${key} has an invalid state: ${String(state)}`);
  if (trace !== null && trace !== undefined && typeof trace !== 'string') throw new StatusRecordError(`Status ${key}: 'trace' should be a string`);
  if (typeof workerId !== 'string') throw new StatusRecordError(`Status ${key}: 'worker_id' should be a string`);
  if (typeof generation !== 'number' || !Number.isInteger(generation)) throw new StatusRecordError(`Status ${key}: 'generation' should be an integer`);
  if (version !== null && version !== undefined && typeof version !== 'string') throw new StatusRecordError(`Status ${key}: 'version' should be a string`);
  return {
    state,
    trace: trace ?? null,
    workerId,
    generation,
    ...(typeof version === 'string' ? { version } : {}),
  };
}

function decodeTopicStatus(key: string, value: Buffer): TopicStatus {
  const inner = parseObject(key, value).topic as Record<string, unknown> | null | undefined;
  if (inner === null || typeof inner !== 'object') throw new StatusRecordError(`Invalid topic status value for ${key}: no 'topic' object`);
  const { name, connector, task, discoverTimestamp } = inner;
  if (typeof name !== 'string' || typeof connector !== 'string' || !Number.isInteger(task) || !Number.isInteger(discoverTimestamp)) {
    throw new StatusRecordError(`Invalid topic status value for ${key}`);
  }
  return { topic: name, connector, task: task as number, discoverTimestamp: discoverTimestamp as number };
}

/** `status-task-<connector>-<n>`: the name may contain '-', the last part is the task number. */
function taskId(key: string): { connector: string; task: number } {
  const parts = key.split('-');
  const last = parts.at(-1) ?? '';
  if (parts.length < 4 || !/^[+-]?\d{1,10}$/.test(last)) throw new StatusRecordError(`Discarding record with invalid task status key ${key}`);
  return { connector: parts.slice(2, -1).join('-'), task: Number(last) };
}

/** `status-topic-<topic>:connector-<name>` (a topic name cannot contain ':'). */
function topicKey(key: string): { topic: string; connector: string } {
  const colon = key.indexOf(':');
  const topic = colon < 0 ? '' : key.slice(TOPIC_STATUS_PREFIX.length, colon);
  const rest = colon < 0 ? '' : key.slice(colon);
  if (topic === '' || !rest.startsWith(TOPIC_STATUS_SEPARATOR) || rest.length === TOPIC_STATUS_SEPARATOR.length) {
    throw new StatusRecordError(`Discarding record with invalid topic status key ${key}`);
  }
  return { topic, connector: rest.slice(TOPIC_STATUS_SEPARATOR.length) };
}

/** One record of the status topic. Throws StatusRecordError for a record the reader must skip. */
export function decodeStatusRecord(key: string, value: Buffer | null): StatusTopicRecord {
  const present = value !== null && value.length > 0 ? value : null;
  if (key.startsWith(CONNECTOR_STATUS_PREFIX)) {
    const connector = key.slice(CONNECTOR_STATUS_PREFIX.length);
    if (connector === '') throw new StatusRecordError(`Discarding record with invalid connector status key ${key}`);
    return { type: 'connector', connector, status: present && decodeStatus(key, present) };
  }
  if (key.startsWith(TASK_STATUS_PREFIX)) {
    return { type: 'task', ...taskId(key), status: present && decodeStatus(key, present) };
  }
  if (key.startsWith(TOPIC_STATUS_PREFIX)) {
    return { type: 'topic', ...topicKey(key), status: present && decodeTopicStatus(key, present) };
  }
  throw new StatusRecordError(`Discarding record with invalid key ${key}`);
}
