/**
 * Connector, task and active-topic statuses in the status topic, shared by the cluster (Kafka's
 * KafkaStatusBackingStore), in Kafka Connect's record format (status-records.ts).
 *
 * Reads are synchronous, from a cache fed by the topic. Writes are sent in the background (the
 * StatusStore interface is synchronous, as Kafka's is) and are visible to this worker's reads at once:
 * an own write shadows the topic's value for its key until the log has read past it, after which the
 * topic decides again (so a later write of another worker wins, as it does everywhere else).
 *
 * Kafka's rules for a cluster where statuses race during rebalances:
 * - `putConnectorSafe` / `putTaskSafe` write only if there is no status yet, or it was written by this
 *   same worker, or by a generation not newer than the new status's;
 * - a status read from the topic that says UNASSIGNED does not replace a RUNNING one of the same or a
 *   newer generation (a worker that had not seen the task start elsewhere);
 * - a write that fails with a retriable error is sent again, unless the entry was deleted meanwhile,
 *   a write of another generation happened since, or (for safe writes) the entry changed under it.
 */
import type { Logger } from 'pino';
import type { StatusRecord, StatusStore } from '../../store/types.js';
import { KafkaBasedLog, LogWriteError, type LogRecord } from '../kafka/kafka-based-log.js';
import type { KafkaClientSettings } from '../kafka/platformatic-options.js';
import { ensureInternalTopics, type InternalTopic } from './internal-topics.js';
import {
  StatusRecordError,
  decodeStatusRecord,
  encodeStatus,
  encodeTopicStatus,
  statusKeys,
  type TopicStatus,
  type TopicStatusRecord,
} from './status-records.js';

export interface KafkaStatusStoreOptions {
  /** `internalTopics(workerProps).status` */
  readonly topic: InternalTopic;
  /** parsed worker client properties; Kafka names this client `<client.id base>statuses` */
  readonly client: KafkaClientSettings;
  readonly logger: Logger;
  /** pause before a failed write is sent again */
  readonly retryBackoffMs?: number;
  readonly fetchMaxWaitMs?: number;
}

interface OwnWrite<T> {
  /** null: a tombstone */
  readonly value: T | null;
  readonly sequence: number;
  /** where it landed, once acknowledged */
  offset?: number;
}

/** One key's status: the topic's view, and this worker's own write until the topic has caught up with it. */
class Entry<T> {
  /** the value last read from the topic */
  fromTopic: T | null = null;
  lastReadOffset = -1;
  own: OwnWrite<T> | undefined;
  /** counts this worker's writes of the key (Kafka's CacheEntry sequence) */
  sequence = 0;
  /** a tombstone for it was read: writes still in flight for it are not sent again */
  deleted = false;

  get value(): T | null {
    return this.own === undefined ? this.fromTopic : this.own.value;
  }

  read(value: T | null, offset: number): void {
    this.fromTopic = value;
    this.lastReadOffset = offset;
    if (this.own?.offset !== undefined && offset >= this.own.offset) this.own = undefined;
  }

  wrote(value: T | null): number {
    this.sequence += 1;
    this.own = { value, sequence: this.sequence };
    return this.sequence;
  }

  acknowledged(sequence: number, offset: number): void {
    if (this.own?.sequence !== sequence) return;
    this.own.offset = offset;
    if (this.lastReadOffset >= offset) this.own = undefined;
  }

  failed(sequence: number): void {
    if (this.own?.sequence === sequence) this.own = undefined;
  }
}

const DESTROYED = null;

/**
 * A tombstone was read: the entry goes (Kafka's remove). Writes still in flight for it are not sent
 * again, and a later write starts a fresh entry.
 */
function drop<K>(entries: Map<K, Entry<unknown>>, key: K): void {
  const entry = entries.get(key);
  if (entry !== undefined) entry.deleted = true;
  entries.delete(key);
}

function canWriteSafely(current: TopicStatusRecord | null, status: TopicStatusRecord): boolean {
  return current === null || current.workerId === status.workerId || current.generation <= status.generation;
}

export class KafkaStatusStore implements StatusStore {
  readonly #topic: InternalTopic;
  readonly #client: KafkaClientSettings;
  readonly #logger: Logger;
  readonly #retryBackoffMs: number;
  readonly #log: KafkaBasedLog;

  readonly #connectors = new Map<string, Entry<TopicStatusRecord>>();
  readonly #tasks = new Map<string, Map<number, Entry<TopicStatusRecord>>>();
  readonly #topics = new Map<string, Map<string, Entry<TopicStatus>>>();
  /** the generation of the last status written (Kafka's: a retry of an older generation is dropped) */
  #generation = 0;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #running = false;

  constructor(options: KafkaStatusStoreOptions) {
    this.#topic = options.topic;
    this.#client = options.client;
    this.#logger = options.logger;
    this.#retryBackoffMs = options.retryBackoffMs ?? 500;
    this.#log = new KafkaBasedLog({
      topic: options.topic.topic,
      client: options.client,
      logger: options.logger,
      onRecord: (record) => this.#read(record),
      // failed writes are retried here, under the rules above, not inside the client
      sendRetries: 0,
      ...(options.fetchMaxWaitMs === undefined ? {} : { fetchMaxWaitMs: options.fetchMaxWaitMs }),
    });
  }

  /** Creates the topic if it is missing (refusing one that is not compacted) and reads it to the end. */
  async start(): Promise<void> {
    await ensureInternalTopics({ client: this.#client, logger: this.#logger }, this.#topic);
    await this.#log.start();
    this.#running = true;
  }

  /** Stops retrying, lets writes in flight finish (bounded, by the log) and closes the log. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    await this.#log.stop();
  }

  // ---- StatusStore ------------------------------------------------------------------------------

  getConnector(name: string): StatusRecord | undefined {
    return this.#connectors.get(name)?.value ?? undefined;
  }

  /** Writes unconditionally (Kafka's put). A status without a generation gets the last one written. */
  putConnector(name: string, status: StatusRecord): void {
    this.#putStatus(statusKeys.connector(name), this.#connectorEntry(name), this.#withGeneration(status), false);
  }

  /** Kafka's putSafe: skipped when another worker wrote a newer generation. True when the write was sent. */
  putConnectorSafe(name: string, status: StatusRecord): boolean {
    return this.#putStatus(statusKeys.connector(name), this.#connectorEntry(name), this.#withGeneration(status), true);
  }

  getTask(connector: string, task: number): StatusRecord | undefined {
    return this.#tasks.get(connector)?.get(task)?.value ?? undefined;
  }

  putTask(connector: string, task: number, status: StatusRecord): void {
    this.#putStatus(statusKeys.task(connector, task), this.#taskEntry(connector, task), this.#withGeneration(status), false);
  }

  putTaskSafe(connector: string, task: number, status: StatusRecord): boolean {
    return this.#putStatus(statusKeys.task(connector, task), this.#taskEntry(connector, task), this.#withGeneration(status), true);
  }

  tasks(connector: string): Array<{ task: number; status: StatusRecord }> {
    const entries = this.#tasks.get(connector);
    if (entries === undefined) return [];
    return [...entries]
      .flatMap(([task, entry]) => (entry.value === null ? [] : [{ task, status: entry.value as StatusRecord }]))
      .sort((a, b) => a.task - b.task);
  }

  /** Kafka writes a DESTROYED task as a tombstone. */
  removeTask(connector: string, task: number): void {
    this.#send(statusKeys.task(connector, task), this.#taskEntry(connector, task), DESTROYED, encodeStatus, () => true);
  }

  /** Tombstones for the connector's status and every task status known for it. */
  removeConnector(name: string): void {
    for (const task of [...(this.#tasks.get(name)?.keys() ?? [])]) this.removeTask(name, task);
    this.#send(statusKeys.connector(name), this.#connectorEntry(name), DESTROYED, encodeStatus, () => true);
  }

  // ---- active topics (KIP-558) ------------------------------------------------------------------

  getTopic(connector: string, topic: string): TopicStatus | undefined {
    return this.#topics.get(connector)?.get(topic)?.value ?? undefined;
  }

  /** The topics the connector's tasks consumed from, sorted by topic. */
  activeTopics(connector: string): TopicStatus[] {
    return [...(this.#topics.get(connector)?.values() ?? [])]
      .flatMap((entry) => (entry.value === null ? [] : [entry.value]))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  }

  putTopic(status: TopicStatus): void {
    const entry = this.#topicEntry(status.connector, status.topic);
    this.#send(statusKeys.topic(status.connector, status.topic), entry, status, encodeTopicStatus, () => true);
  }

  deleteTopic(connector: string, topic: string): void {
    this.#send(statusKeys.topic(connector, topic), this.#topicEntry(connector, topic), null, encodeTopicStatus, () => true);
  }

  /** Connectors with a status, sorted. */
  connectors(): string[] {
    return [...this.#connectors].flatMap(([name, entry]) => (entry.value === null ? [] : [name])).sort();
  }

  /** Resolves once every write sent so far was acknowledged or failed (Kafka's flush). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Reads the topic to its current end, this worker's writes in flight included. */
  readToEnd(signal?: AbortSignal): Promise<void> {
    return this.#log.readToEnd(signal);
  }

  // ---- writing ----------------------------------------------------------------------------------

  #withGeneration(status: StatusRecord): TopicStatusRecord {
    return Object.freeze({ ...status, trace: status.trace ?? null, generation: status.generation ?? this.#generation });
  }

  #putStatus(key: string, entry: Entry<TopicStatusRecord>, status: TopicStatusRecord, safe: boolean): boolean {
    this.#generation = status.generation;
    // as in Kafka, the safety rule looks at what the topic says, not at this worker's writes in flight
    if (safe && !canWriteSafely(entry.fromTopic, status)) {
      this.#logger.debug(
        `Not writing ${status.state} (generation ${status.generation}) for ${key}: worker ${entry.fromTopic?.workerId} wrote generation ${entry.fromTopic?.generation}`,
      );
      return false;
    }
    // a retry is dropped when another generation wrote since, or (safe writes) the entry changed under it
    const mayRetry = (sequence: number) =>
      status.generation === this.#generation && (!safe || (entry.sequence === sequence && canWriteSafely(entry.fromTopic, status)));
    this.#send(key, entry, status, encodeStatus, mayRetry);
    return true;
  }

  #send<T>(key: string, entry: Entry<T>, value: T | null, encode: (value: T) => Buffer, mayRetry: (sequence: number) => boolean): void {
    if (!this.#running) {
      this.#logger.warn(`Not writing status ${key}: the status store is not running`);
      return;
    }
    const sequence = entry.wrote(value);
    const bytes = value === null ? null : encode(value);
    const attempt = (): void => {
      const sent = this.#log.send(key, bytes).then(
        (position) => entry.acknowledged(sequence, position.offset),
        (error: unknown) => {
          if (error instanceof LogWriteError && error.retriable && this.#running && !entry.deleted && mayRetry(sequence)) {
            this.#logger.debug(`Writing status ${key} failed, sending it again: ${error.message}`);
            const timer = setTimeout(() => {
              this.#retryTimers.delete(timer);
              if (this.#running && !entry.deleted && mayRetry(sequence)) attempt();
              else entry.failed(sequence);
            }, this.#retryBackoffMs);
            this.#retryTimers.add(timer);
            return;
          }
          entry.failed(sequence);
          if (this.#running) this.#logger.error({ err: error }, `Failed to write status update ${key}`);
        },
      );
      this.#inFlight.add(sent);
      void sent.finally(() => this.#inFlight.delete(sent));
    };
    attempt();
  }

  // ---- reading the topic ------------------------------------------------------------------------

  #read({ key, value, offset }: LogRecord): void {
    if (key === null) {
      this.#logger.warn(`Discarding status record without a key at offset ${offset}`);
      return;
    }
    let record: ReturnType<typeof decodeStatusRecord>;
    try {
      record = decodeStatusRecord(key, value);
    } catch (error) {
      if (!(error instanceof StatusRecordError)) throw error;
      this.#logger.warn(error.message);
      return;
    }
    switch (record.type) {
      case 'connector':
        if (record.status === null) {
          // Kafka drops the connector's task statuses with it
          drop(this.#connectors, record.connector);
          for (const entry of this.#tasks.get(record.connector)?.values() ?? []) entry.deleted = true;
          this.#tasks.delete(record.connector);
          return;
        }
        this.#connectorEntry(record.connector).read(record.status, offset);
        return;
      case 'task': {
        const entry = this.#taskEntry(record.connector, record.task);
        const current = entry.fromTopic;
        if (record.status !== null && record.status.state === 'UNASSIGNED' && current?.state === 'RUNNING' && current.generation >= record.status.generation) {
          this.#logger.trace(
            `Ignoring stale status ${key} UNASSIGNED (generation ${record.status.generation}) in favour of RUNNING (generation ${current.generation})`,
          );
          entry.read(current, offset);
          return;
        }
        if (record.status === null) {
          const tasks = this.#tasks.get(record.connector);
          if (tasks !== undefined) drop(tasks, record.task);
          return;
        }
        entry.read(record.status, offset);
        return;
      }
      case 'topic':
        if (record.status === null) {
          const topics = this.#topics.get(record.connector);
          if (topics !== undefined) drop(topics, record.topic);
          return;
        }
        this.#topicEntry(record.connector, record.topic).read(record.status, offset);
        return;
    }
  }

  #connectorEntry(name: string): Entry<TopicStatusRecord> {
    let entry = this.#connectors.get(name);
    if (entry === undefined) this.#connectors.set(name, (entry = new Entry()));
    return entry;
  }

  #taskEntry(connector: string, task: number): Entry<TopicStatusRecord> {
    let tasks = this.#tasks.get(connector);
    if (tasks === undefined) this.#tasks.set(connector, (tasks = new Map()));
    let entry = tasks.get(task);
    if (entry === undefined) tasks.set(task, (entry = new Entry()));
    return entry;
  }

  #topicEntry(connector: string, topic: string): Entry<TopicStatus> {
    let topics = this.#topics.get(connector);
    if (topics === undefined) this.#topics.set(connector, (topics = new Map()));
    let entry = topics.get(topic);
    if (entry === undefined) topics.set(topic, (entry = new Entry()));
    return entry;
  }
}
