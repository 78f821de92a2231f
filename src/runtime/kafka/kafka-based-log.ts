/**
 * A shared log over one topic that every worker reads in full (Kafka's KafkaBasedLog): it reads every
 * partition from the beginning, hands each record to one callback in offset order, tails the topic
 * from then on, and writes records with acks=all.
 *
 * The reader is a plain fetch loop on @platformatic/kafka's public `fetch` and `listOffsets`, the
 * equivalent of the Java consumer's assign + seekToBeginning: it never joins a consumer group and
 * commits nothing, so no group is ever created on the broker. (kafkajs can only consume through a
 * group, which would leave one behind per worker and topic.)
 *
 * `readToEnd()` has Kafka's meaning: it first waits for this log's own writes in flight, then reads the
 * end offsets and resolves once every record before them has been handed to the callback.
 */
import {
  Admin,
  Consumer,
  FetchIsolationLevels,
  ListOffsetTimestamps,
  Producer,
  ProduceAcks,
  compatibilityPartitioner,
  type fetchV17,
} from '@platformatic/kafka';
import type { Logger } from 'pino';
import { platformaticOptions, type KafkaClientSettings } from './platformatic-options.js';

/** One record of the log, as read back. */
export interface LogRecord {
  /** the key as UTF-8 text (Connect's internal topics have string keys); null when the record has none */
  readonly key: string | null;
  /** null for a tombstone */
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: number;
}

/** Where a written record landed. */
export interface LogPosition {
  readonly partition: number;
  readonly offset: number;
}

/** A write the broker did not acknowledge. `retriable`: the same write may succeed if sent again. */
export class LogWriteError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: { cause: unknown; retriable: boolean }) {
    super(message, { cause: options.cause });
    this.name = 'LogWriteError';
    this.retriable = options.retriable;
  }
}

/** The log was stopped (or never started) while a caller waited on it. */
export class LogStoppedError extends Error {
  constructor(topic: string) {
    super(`The log of topic ${topic} is not running`);
    this.name = 'LogStoppedError';
  }
}

export interface KafkaBasedLogOptions {
  readonly topic: string;
  /** parsed Kafka client properties (client-config.ts); `clientId` names both clients */
  readonly client: KafkaClientSettings;
  /** Called once per record, in offset order within each partition, never concurrently. */
  readonly onRecord: (record: LogRecord) => void;
  readonly logger: Logger;
  /** `isolation.level=read_committed`: skip records of aborted transactions (Kafka's config log with exactly-once source support) */
  readonly readCommitted?: boolean;
  /** the broker holds an empty fetch this long (`fetch.max.wait.ms`, 500 by default) */
  readonly fetchMaxWaitMs?: number;
  /** how long start() waits for the topic's partitions to appear; Kafka waits 30 s */
  readonly topicWaitMs?: number;
  /** retries of a failed write inside the client before send() rejects */
  readonly sendRetries?: number;
  /** pause after a failed fetch before the next one */
  readonly retryBackoffMs?: number;
  /** how long stop() lets writes in flight finish before closing the producer */
  readonly closeTimeoutMs?: number;
}

interface PendingSend {
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly resolve: (position: LogPosition) => void;
  readonly reject: (error: Error) => void;
}

interface EndWaiter {
  readonly ends: readonly bigint[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

type LogState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

const IS_CONTROL_BATCH = 0x20;
const EARLIEST = ListOffsetTimestamps.EARLIEST;
const LATEST = ListOffsetTimestamps.LATEST;

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return `${error.message}: ${error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ')}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** @platformatic/kafka marks each error in a chain with `canRetry`; any `false` makes the whole chain final. */
function retriable(error: unknown): boolean {
  const finder = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy;
  return typeof finder === 'function' ? !finder.call(error, 'canRetry', false) : false;
}

function hasProtocolError(error: unknown, id: string): boolean {
  const finder = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy;
  return typeof finder === 'function' && Boolean(finder.call(error, 'apiId', id));
}

/** The partition the Java producer's default partitioner gives a key: murmur2 of its UTF-8 bytes, made positive, modulo the count. */
export function partitionForKey(key: string, partitions: number): number {
  return compatibilityPartitioner({ topic: '' }, Buffer.from(key, 'utf8')) % partitions;
}

export class KafkaBasedLog {
  readonly #topic: string;
  readonly #settings: KafkaClientSettings;
  readonly #onRecord: (record: LogRecord) => void;
  readonly #logger: Logger;
  readonly #isolationLevel: number;
  readonly #fetchMaxWaitMs: number;
  readonly #topicWaitMs: number;
  readonly #sendRetries: number;
  readonly #retryBackoffMs: number;
  readonly #closeTimeoutMs: number;

  #state: LogState = 'new';
  #consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  /** reads start and end offsets on connections of its own: the consumer's wait in a long fetch */
  #admin: Admin | undefined;
  /** next offset to read, by partition */
  #positions: bigint[] = [];
  #waiters: EndWaiter[] = [];
  #loop: Promise<void> | undefined;
  /** ends a backoff pause early when the log stops */
  #wake: (() => void) | undefined;
  #queue: PendingSend[] = [];
  #draining: Promise<void> | undefined;
  /** every send not yet acknowledged or failed: readToEnd() and stop() wait for them */
  readonly #unsettled = new Set<Promise<unknown>>();

  constructor(options: KafkaBasedLogOptions) {
    this.#topic = options.topic;
    this.#settings = options.client;
    this.#onRecord = options.onRecord;
    this.#logger = options.logger;
    this.#isolationLevel = options.readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED;
    this.#fetchMaxWaitMs = options.fetchMaxWaitMs ?? 500;
    this.#topicWaitMs = options.topicWaitMs ?? 30_000;
    this.#sendRetries = options.sendRetries ?? 3;
    this.#retryBackoffMs = options.retryBackoffMs ?? 1_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  }

  get topic(): string {
    return this.#topic;
  }

  /** The partitions read (all the topic had at start, as in Kafka). */
  get partitionCount(): number {
    return this.#positions.length;
  }

  /**
   * Finds the topic's partitions (waiting for a topic just created), reads every one from its first
   * offset to the end offsets of this moment, then keeps tailing. Resolves after that first read.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error(`The log of topic ${this.#topic} was already started`);
    this.#state = 'starting';
    const options = platformaticOptions(this.#settings);
    // A group id is mandatory for the client's constructor; it is never used: this consumer joins no group.
    // Its requests are not retried inside the client: the loops here retry with a pause that stop() cuts
    // short, where the client's own retries would outlive a close.
    this.#consumer = new Consumer({ ...options, groupId: `${options.clientId}-unused`, autocommit: false, retries: 0 });
    this.#admin = new Admin({ ...options, retries: 0 });
    this.#producer = new Producer({ ...options, acks: ProduceAcks.ALL, idempotent: false, retries: this.#sendRetries });
    try {
      const partitions = await this.#partitions();
      this.#positions = await this.#retrying('start offsets', () => this.#offsets(partitions, EARLIEST));
      this.#loop = this.#fetchLoop();
      await this.#readToEndOffsets();
      if (this.#state !== 'starting') throw new LogStoppedError(this.#topic);
      this.#state = 'running';
      this.#logger.info(`Started the log of topic ${this.#topic} (${partitions} partition(s))`);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /**
   * Stops reading, fails every readToEnd() still waiting, lets writes in flight finish (bounded) and
   * closes both clients. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') {
      await this.#loop;
      return;
    }
    this.#state = 'stopping';
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new LogStoppedError(this.#topic));
    this.#wake?.();
    if (this.#unsettled.size > 0) {
      await Promise.race([Promise.allSettled([...this.#unsettled]), new Promise((resolve) => setTimeout(resolve, this.#closeTimeoutMs).unref())]);
    }
    for (const pending of this.#queue.splice(0)) pending.reject(new LogStoppedError(this.#topic));
    // closing the consumer's connections ends a fetch in flight
    const closing = [this.#consumer?.close(true), this.#admin?.close(), this.#producer?.close()];
    const results = await Promise.allSettled([...closing, this.#loop]);
    this.#state = 'stopped';
    for (const result of results) {
      if (result.status === 'rejected') this.#logger.warn(`Closing the log of topic ${this.#topic}: ${describe(result.reason)}`);
    }
  }

  /**
   * Writes one record with acks=all; resolves with where it landed once the broker acknowledged it.
   * Records keep their order: they go in one produce request at a time, later sends batched behind it.
   * The partition is the Java producer's for the key, so a key lands where a JVM worker puts it.
   */
  send(key: string, value: Buffer | null): Promise<LogPosition> {
    if (this.#state !== 'running') return Promise.reject(new LogStoppedError(this.#topic));
    const partition = partitionForKey(key, this.partitionCount);
    const sent = new Promise<LogPosition>((resolve, reject) => {
      this.#queue.push({ key: Buffer.from(key, 'utf8'), value, partition, resolve, reject });
      this.#kickDrain();
    });
    const settled = sent.then(
      () => undefined,
      () => undefined,
    );
    this.#unsettled.add(settled);
    void settled.then(() => this.#unsettled.delete(settled));
    return sent;
  }

  /** One drain at a time; a send queued while the last one was finishing starts the next. */
  #kickDrain(): void {
    if (this.#draining !== undefined) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#queue.length > 0) this.#kickDrain();
    });
  }

  /**
   * Resolves once every record up to the end offsets of this moment (after this log's own writes in
   * flight settled) has been handed to the callback. `signal` bounds the wait.
   */
  async readToEnd(signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'running') throw new LogStoppedError(this.#topic);
    // Kafka's flush: this log's own writes count as written before the end offsets are read
    await Promise.all([...this.#unsettled]);
    await this.#readToEndOffsets(signal);
  }

  async #readToEndOffsets(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const ends = await this.#endOffsets(signal);
    await new Promise<void>((resolve, reject) => {
      if (this.#state === 'stopping' || this.#state === 'stopped') {
        reject(new LogStoppedError(this.#topic));
        return;
      }
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(signal?.reason as Error);
      };
      const waiter: EndWaiter = {
        ends,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#settleWaiters();
    });
  }

  #endOffsets(signal?: AbortSignal): Promise<bigint[]> {
    return this.#retrying('end offsets', () => this.#offsets(this.partitionCount, LATEST), signal);
  }

  /** Retried until it succeeds, the log stops or `signal` aborts: Kafka's reader keeps retrying offsets too. */
  async #retrying<T>(what: string, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (this.#state === 'stopping' || this.#state === 'stopped') throw new LogStoppedError(this.#topic);
        signal?.throwIfAborted();
        this.#logger.warn(`Reading the ${what} of topic ${this.#topic} failed, retrying: ${describe(error)}`);
        await this.#pause();
      }
    }
  }

  async #offsets(partitions: number, timestamp: bigint): Promise<bigint[]> {
    const admin = this.#admin as Admin;
    const listed = await admin.listOffsets({
      topics: [{ name: this.#topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp })) }],
      // end offsets are the high watermark, as Kafka's admin client reads them, also for a read_committed log
      isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
    });
    const offsets = new Map(listed.find((t) => t.name === this.#topic)?.partitions.map((p) => [p.partitionIndex, p.offset]) ?? []);
    return Array.from({ length: partitions }, (_, p) => {
      const offset = offsets.get(p);
      if (offset === undefined) throw new Error(`No ${timestamp === EARLIEST ? 'start' : 'end'} offset for partition ${p} of topic ${this.#topic}`);
      return offset;
    });
  }

  /** The topic's partition count, waiting (bounded) for a topic that was just created to show up. */
  async #partitions(): Promise<number> {
    const consumer = this.#consumer as Consumer<Buffer, Buffer, Buffer, Buffer>;
    const deadline = Date.now() + this.#topicWaitMs;
    let pause = 100;
    let lastError: unknown;
    for (;;) {
      try {
        const metadata = await consumer.metadata({ topics: [this.#topic], forceUpdate: true });
        const count = metadata.topics.get(this.#topic)?.partitionsCount ?? 0;
        if (count > 0) return count;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() + pause > deadline) {
        throw new Error(
          `Could not look up partition metadata for topic '${this.#topic}' in the allotted period. This could indicate a connectivity issue, unavailable topic partitions, or if this is your first use of the topic it may have taken too long to create.${lastError === undefined ? '' : ` Last error: ${describe(lastError)}`}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(2 * pause, 1_000);
    }
  }

  async #fetchLoop(): Promise<void> {
    while (this.#state === 'starting' || this.#state === 'running') {
      try {
        await this.#fetchOnce();
        this.#settleWaiters();
      } catch (error) {
        if (this.#state !== 'starting' && this.#state !== 'running') return;
        if (hasProtocolError(error, 'OFFSET_OUT_OF_RANGE')) {
          await this.#resetOutOfRange().catch((e: unknown) => this.#logger.warn(`Resetting offsets of topic ${this.#topic}: ${describe(e)}`));
          continue;
        }
        this.#consumer?.clearMetadata();
        this.#logger.warn(`Reading topic ${this.#topic} failed, retrying: ${describe(error)}`);
        await this.#pause();
      }
    }
  }

  /** One fetch per partition leader, all in parallel; records are handed over as each answer arrives. */
  async #fetchOnce(): Promise<void> {
    const consumer = this.#consumer as Consumer<Buffer, Buffer, Buffer, Buffer>;
    const metadata = await consumer.metadata({ topics: [this.#topic] });
    const topic = metadata.topics.get(this.#topic);
    if (topic === undefined) throw new Error(`Topic ${this.#topic} is gone`);
    const byLeader = new Map<number, number[]>();
    for (let p = 0; p < this.partitionCount; p++) {
      const leader = topic.partitions[p]?.leader;
      if (leader === undefined || leader < 0) throw new Error(`Partition ${p} of topic ${this.#topic} has no leader`);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    await Promise.all(
      [...byLeader].map(async ([node, partitions]) => {
        const response = await consumer.fetch({
          node,
          maxWaitTime: this.#fetchMaxWaitMs,
          minBytes: 1,
          isolationLevel: this.#isolationLevel,
          topics: [
            {
              topicId: topic.id,
              partitions: partitions.map((partition) => ({
                partition,
                fetchOffset: this.#positions[partition],
                partitionMaxBytes: 1_048_576,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
            },
          ],
        });
        if (this.#state === 'starting' || this.#state === 'running') this.#deliver(response);
      }),
    );
  }

  #deliver(response: fetchV17.FetchResponse): void {
    for (const topicResponse of response.responses) {
      for (const { partitionIndex: partition, records: batches } of topicResponse.partitions) {
        for (const batch of batches ?? []) {
          const requested = this.#positions[partition];
          // the last offset of a batch survives compaction even when its records do not
          const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          if ((batch.attributes & IS_CONTROL_BATCH) === 0) {
            for (const record of batch.records) {
              const offset = batch.firstOffset + BigInt(record.offsetDelta);
              // a fetch answers with whole batches, which may start before the offset asked for
              if (offset < requested) continue;
              this.#positions[partition] = offset + 1n;
              this.#handOver({ key: record.key === null ? null : record.key.toString('utf8'), value: record.value, partition, offset: Number(offset) });
            }
          }
          if (next > this.#positions[partition]) this.#positions[partition] = next;
        }
      }
    }
  }

  #handOver(record: LogRecord): void {
    try {
      this.#onRecord(record);
    } catch (error) {
      // one bad record must not stop the log that every later record needs
      this.#logger.error({ err: error }, `Handling record ${record.offset} of partition ${record.partition} of topic ${this.#topic} failed`);
    }
  }

  /** auto.offset.reset=earliest, as Kafka forces for this log: a position outside the log restarts at its beginning. */
  async #resetOutOfRange(): Promise<void> {
    const [starts, ends] = await Promise.all([this.#offsets(this.partitionCount, EARLIEST), this.#offsets(this.partitionCount, LATEST)]);
    this.#positions = this.#positions.map((position, p) => {
      if (position >= starts[p] && position <= ends[p]) return position;
      this.#logger.warn(`Offset ${position} of partition ${p} of topic ${this.#topic} is out of range; reading again from ${starts[p]}`);
      return starts[p];
    });
  }

  #settleWaiters(): void {
    if (this.#waiters.length === 0) return;
    const reached = (waiter: EndWaiter) => waiter.ends.every((end, p) => this.#positions[p] >= end);
    const done = this.#waiters.filter(reached);
    this.#waiters = this.#waiters.filter((waiter) => !reached(waiter));
    for (const waiter of done) waiter.resolve();
  }

  async #pause(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#retryBackoffMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  async #drain(): Promise<void> {
    const producer = this.#producer as Producer<Buffer, Buffer, Buffer, Buffer>;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      try {
        const result = await producer.send({
          messages: batch.map(({ key, value, partition }) => ({ topic: this.#topic, key, value: value ?? undefined, partition })),
        });
        const base = new Map((result.offsets ?? []).map(({ partition, offset }) => [partition, offset]));
        const seen = new Map<number, number>();
        for (const pending of batch) {
          const index = seen.get(pending.partition) ?? 0;
          seen.set(pending.partition, index + 1);
          const first = base.get(pending.partition);
          pending.resolve({ partition: pending.partition, offset: first === undefined ? -1 : Number(first) + index });
        }
      } catch (error) {
        const failure = new LogWriteError(`Writing to topic ${this.#topic} failed: ${describe(error)}`, { cause: error, retriable: retriable(error) });
        for (const pending of batch) pending.reject(failure);
      }
    }
  }
}
