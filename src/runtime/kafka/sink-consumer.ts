/**
 * One sink task's kafkajs consumer: manual commits only, one batch at a time, and the group's
 * lifecycle (assignment, rebalance, crash) turned into calls on a handler. Hands out plain records.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { TopicPartition } from '../../plugin/index.js';
import { settlesWithin, systemClock } from '../clock.js';

/** A fetched record as kafkajs decodes it; only the fields the worker reads (no copy is made). */
export interface RawMessage {
  /** int64 as a decimal string */
  readonly offset: string;
  /** epoch millis as a decimal string; negative when the record has none */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RawHeaders;
}
export type RawHeaders = Readonly<Record<string, Buffer | string | ReadonlyArray<Buffer | string> | undefined | null>>;

export interface RawBatch {
  readonly topic: string;
  readonly partition: number;
  /** in offset order, never empty */
  readonly messages: readonly RawMessage[];
  /** the partition's high watermark when fetched (int64 as a decimal string), for the consumer lag */
  readonly highWatermark?: string;
}

export interface BatchControl {
  /** Everything up to `offset` (inclusive) is consumed: the next fetch of this partition starts after it. */
  resolveOffset(offset: string): void;
  /** Keeps the membership alive during long work; false once the group is rebalancing (the generation ends). */
  heartbeat(): Promise<boolean>;
}

export interface SinkConsumerHandler {
  /** One partition's batch; never called concurrently. Unresolved records are fetched again. */
  onBatch(batch: RawBatch, control: BatchControl): Promise<void>;
  /** The full assignment of a new generation, called synchronously before any of its batches. */
  onAssigned(partitions: readonly TopicPartition[]): void;
  /** The group started rebalancing: the current assignment is about to be revoked. */
  onRebalancing(): void;
  /** kafkajs crashed; when `restarting` it rejoins by itself, otherwise the consumer is gone. */
  onCrash(error: Error, restarting: boolean): void;
}

/** What the task loop needs from a consumer (a fake implements it in unit tests). */
export interface SinkConsumer {
  start(handler: SinkConsumerHandler): Promise<void>;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** The next fetch of the partition starts at `offset`. */
  seek(partition: TopicPartition, offset: number): void;
  /** Commits with the current generation; rejects when the offsets did not reach the broker. */
  commit(offsets: Iterable<{ topic: string; partition: number; offset: number }>): Promise<void>;
  /** Leaves the group and disconnects; waits for the batch in flight to return. Idempotent. */
  stop(): Promise<void>;
}

export interface KafkaSinkConsumerOptions {
  readonly kafka: Kafka;
  readonly consumer: Parameters<Kafka['consumer']>[0];
  /** a RegExp (topics.regex) is matched again every `metadata.max.age.ms`, like a Java pattern subscription */
  readonly topics: readonly string[] | RegExp;
  readonly fromBeginning: boolean;
}

function groupByTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic);
    if (list) list.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}

/**
 * kafkajs's own rule for restarting after a crash: retries ran out, or the root cause is retriable
 * (broker unreachable, leader moved, coordinator loading…). Anything else will not heal by waiting.
 */
export function isTransientKafkaError(error: unknown): boolean {
  if ((error as Error | null)?.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  let root = error as { cause?: unknown; retriable?: unknown } | null;
  while (root?.cause) root = root.cause as typeof root;
  return root?.retriable === true;
}

function isRebalancing(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION';
}

export class KafkaSinkConsumer implements SinkConsumer {
  readonly #options: KafkaSinkConsumerOptions;
  readonly #consumer: Consumer;
  /** kafkajs silently skips a commit while its runner is not running; its COMMIT_OFFSETS event tells */
  #commitsAcknowledged = 0;
  #crashes = 0;
  /** a new generation's runner flags itself running only after the join resolves */
  #generationReady: Promise<void> = Promise.resolve();
  #handler: SinkConsumerHandler | null = null;
  /** topics subscribed to; for a pattern, the topics it matched when last looked at */
  #subscribed: ReadonlySet<string> | null = null;
  /** while a pattern subscription is renewed the group is left and joined again */
  #resubscribing: Promise<void> | null = null;
  #stopPatternRefresh: () => void = () => {};
  #stopRequested = false;
  #stopped: Promise<void> | null = null;
  /** the last start(): a stop waits for it, because kafkajs opens connections a disconnect during a join misses */
  #starting: Promise<void> | null = null;

  constructor(options: KafkaSinkConsumerOptions) {
    this.#options = options;
    // kafkajs restarts a crashed consumer 100 ms later on its own; once stop() ran, such a restart
    // would bring back a group member for a task that no longer exists (a zombie holding partitions)
    const restartOnFailure = options.consumer.retry?.restartOnFailure;
    const consumer = options.kafka.consumer({
      ...options.consumer,
      retry: {
        ...options.consumer.retry,
        restartOnFailure: async (error: Error) => !this.#stopRequested && (restartOnFailure ? restartOnFailure(error) : true),
      },
    });
    this.#consumer = consumer;
    const { events } = consumer;
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.#generationReady = nextMacrotask();
      const assigned: TopicPartition[] = [];
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) assigned.push({ topic, partition });
      }
      this.#handler?.onAssigned(assigned);
    });
    consumer.on(events.REBALANCING, () => this.#handler?.onRebalancing());
    consumer.on(events.CRASH, ({ payload }) => {
      this.#crashes++;
      this.#handler?.onCrash(payload.error, payload.restart);
    });
    // kafkajs disconnects before it reports a crash; a disconnect nobody asked for and no crash report
    // after it means the consumer died quietly (its crash handler itself failed): nothing consumes now
    consumer.on(events.DISCONNECT, () => {
      if (this.#stopRequested || this.#resubscribing || this.#handler === null) return;
      const crashes = this.#crashes;
      setTimeout(() => {
        if (this.#crashes === crashes && !this.#stopRequested) {
          this.#handler?.onCrash(new Error('The Kafka consumer disconnected without reporting why, and does not restart'), false);
        }
      }, 1000).unref();
    });
    consumer.on(events.COMMIT_OFFSETS, () => {
      this.#commitsAcknowledged++;
    });
  }

  /** May be called again after it failed (broker unreachable); a stop() in between wins. */
  start(handler: SinkConsumerHandler): Promise<void> {
    const starting = this.#start(handler);
    this.#starting = starting;
    return starting;
  }

  async #start(handler: SinkConsumerHandler): Promise<void> {
    if (this.#stopRequested) return;
    this.#handler = handler;
    await this.#consumer.connect();
    // a stop() during connect() disconnected a consumer that had not opened its connections yet; kafkajs
    // opens them anyway, and each one's request queue timer then keeps the stopped task alive for good
    if (this.#stopRequested) return this.#consumer.disconnect();
    if (this.#subscribed === null) {
      const { topics } = this.#options;
      await this.#subscribe(topics instanceof RegExp ? await this.#matching(topics) : topics);
    }
    if (this.#stopRequested) return this.#consumer.disconnect();
    await this.#run(handler);
    const { topics, consumer } = this.#options;
    if (topics instanceof RegExp && !this.#stopRequested) {
      const every = consumer.metadataMaxAge ?? 300000;
      const timer = setInterval(() => void this.#refreshPattern(topics, handler), every);
      timer.unref();
      this.#stopPatternRefresh = () => clearInterval(timer);
    }
  }

  async #subscribe(topics: readonly string[]): Promise<void> {
    await this.#consumer.subscribe({ topics: [...topics], fromBeginning: this.#options.fromBeginning });
    this.#subscribed = new Set(topics);
  }

  async #run(handler: SinkConsumerHandler): Promise<void> {
    if (this.#stopRequested) return;
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#eachBatch(payload, handler),
    });
    // a stop() that raced with the join must not leave a member behind
    if (this.#stopRequested) await this.#consumer.disconnect();
  }

  async #matching(pattern: RegExp): Promise<string[]> {
    const admin = this.#options.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((topic) => pattern.test(topic)).sort();
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * kafkajs resolves a pattern once, at subscribe time. Topics created later are picked up here: the
   * consumer leaves, subscribes to the new list and joins again; the task loop sees one more assignment.
   */
  async #refreshPattern(pattern: RegExp, handler: SinkConsumerHandler): Promise<void> {
    if (this.#resubscribing || this.#stopRequested) return;
    let done!: () => void;
    this.#resubscribing = new Promise((resolve) => (done = resolve));
    try {
      const topics = await this.#matching(pattern);
      if (topics.every((topic) => this.#subscribed?.has(topic)) || this.#stopRequested) return;
      this.#consumer.logger().info('Topics matching the subscription pattern changed, joining the group again', { pattern: pattern.source, topics });
      await this.#consumer.stop();
      await this.#subscribe(topics);
      await this.#run(handler);
    } catch (error) {
      this.#consumer.logger().error('Could not renew the pattern subscription; trying again later', { error: (error as Error).message });
    } finally {
      this.#resubscribing = null;
      done();
    }
  }

  #eachBatch(payload: EachBatchPayload, handler: SinkConsumerHandler): Promise<void> {
    const { batch } = payload;
    const control: BatchControl = {
      resolveOffset: payload.resolveOffset,
      heartbeat: async () => {
        try {
          await payload.heartbeat();
          return true;
        } catch (error) {
          // anything else is the fetch loop's to handle on its own next heartbeat
          return !isRebalancing(error);
        }
      },
    };
    return handler.onBatch({ topic: batch.topic, partition: batch.partition, messages: batch.messages, highWatermark: batch.highWatermark }, control);
  }

  pause(partitions: readonly TopicPartition[]): void {
    if (partitions.length > 0) this.#ifRunning(() => this.#consumer.pause(groupByTopic(partitions)));
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (partitions.length > 0) this.#ifRunning(() => this.#consumer.resume(groupByTopic(partitions)));
  }

  seek(partition: TopicPartition, offset: number): void {
    this.#ifRunning(() => this.#consumer.seek({ topic: partition.topic, partition: partition.partition, offset: String(offset) }));
  }

  /** Between a crash and kafkajs's restart there is no consumer group; the next assignment re-applies state. */
  #ifRunning(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if ((error as Error).name !== 'KafkaJSNonRetriableError') throw error;
    }
  }

  async commit(offsets: Iterable<{ topic: string; partition: number; offset: number }>): Promise<void> {
    const entries = [...offsets].map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) }));
    if (entries.length === 0) return;
    await this.#resubscribing;
    await this.#generationReady;
    const before = this.#commitsAcknowledged;
    await this.#consumer.commitOffsets(entries);
    if (this.#commitsAcknowledged === before) throw new Error('The consumer is not a member of its group right now; offsets were not committed');
  }

  stop(): Promise<void> {
    this.#stopRequested = true;
    this.#stopPatternRefresh();
    this.#stopped ??= (async () => {
      // a disconnect while connect() or the group join is in flight leaves the connections kafkajs opens
      // afterwards (the coordinator's among them) open for good, each holding the stopped task in memory;
      // once the start settled (it checks #stopRequested at every step), one disconnect closes them all
      if (this.#starting) await settlesWithin(systemClock, this.#starting, START_SETTLE_WAIT_MS);
      await this.#resubscribing;
      await this.#consumer.disconnect();
    })();
    return this.#stopped;
  }
}

/**
 * How long a stop waits for a start in flight before it disconnects anyway: a broker that accepts
 * connections but never answers must not keep the consumer from being closed.
 */
const START_SETTLE_WAIT_MS = 15_000;
