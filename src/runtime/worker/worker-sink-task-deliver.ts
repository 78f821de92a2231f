/**
 * Hands one fetched batch to the plugin task (Kafka's WorkerSinkTask deliverMessages): in slices of
 * `max.poll.records`, converted, put() with redelivery of retriable failures, then marked consumed so
 * that the next commit may include it.
 */
import type { Logger } from 'pino';
import { ConnectError, type SinkRecord, type SinkTask } from '../../plugin/index.js';
import { outcomeUnlessAborted, type Clock } from '../clock.js';
import { isRetriable, retryDelay, type ErrantRecordTracker, type ErrorReporter } from './error-handling.js';
import type { BatchControl, RawBatch } from '../kafka/sink-consumer.js';
import type { SinkTaskMetrics } from '../metrics.js';
import type { ConnectorTaskId, StatusListener } from '../status/status.js';
import type { Exclusive, SinkTaskCommitter } from './worker-sink-task-commit.js';
import { convertMessages, type ConversionContext, type ConverterHandle } from './convert-messages.js';
import type { SinkTaskOffsets } from './sink-task-offsets.js';
import type { SinkTaskPauses } from './sink-task-pauses.js';

export const EXIT_MESSAGE = 'Exiting WorkerSinkTask due to unrecoverable exception.';

export interface SinkTaskDeliveryOptions {
  readonly id: ConnectorTaskId;
  readonly task: SinkTask;
  readonly keyConverter: ConverterHandle;
  readonly valueConverter: ConverterHandle;
  readonly errors: ErrorReporter;
  readonly listener: StatusListener;
  /** `max.poll.records`: put() receives at most this many records */
  readonly maxPollRecords: number;
  readonly topicTracking: boolean;
  readonly offsets: SinkTaskOffsets;
  readonly pauses: SinkTaskPauses;
  readonly committer: SinkTaskCommitter;
  readonly errant: ErrantRecordTracker;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: SinkTaskMetrics;
  /** aborted on stop or failure: no more deliveries, backoffs end */
  readonly halt: AbortSignal;
  /** aborted when the graceful stop window is over: the batch in flight returns without its put() */
  readonly abandon: AbortSignal;
  readonly exclusive: Exclusive;
  readonly fail: (error: unknown) => void;
  /** whether records of this partition may be handed over now */
  readonly deliverable: (key: string) => boolean;
  /** the group is rebalancing: stop handing records over, commit, let kafkajs rejoin */
  readonly generationEnding: () => boolean;
}

export class SinkTaskDelivery {
  readonly #o: SinkTaskDeliveryOptions;
  readonly #conversion: ConversionContext;
  /** ends a retry backoff early when waiting longer is pointless (rebalance, pause) */
  #backoff: AbortController | null = null;
  readonly #topicsSeen = new Set<string>();

  constructor(options: SinkTaskDeliveryOptions) {
    this.#o = options;
    const { keyConverter, valueConverter, errors, clock, metrics, halt, fail } = options;
    this.#conversion = { keyConverter, valueConverter, errors, clock, metrics, halt, fail };
  }

  interruptBackoff(): void {
    this.#backoff?.abort();
  }

  /** Delivers the batch of partition `key` until it is done or the partition is no longer deliverable. */
  async process(key: string, batch: RawBatch, control: BatchControl): Promise<void> {
    const { messages } = batch;
    const { offsets, metrics } = this.#o;
    offsets.fetched(key, Number(messages[0].offset));
    if (this.#o.topicTracking && !this.#topicsSeen.has(batch.topic)) {
      this.#topicsSeen.add(batch.topic);
      this.#o.listener.onTopicActive(this.#o.id.connector, batch.topic);
    }
    const max = this.#o.maxPollRecords;
    for (let from = 0; from < messages.length; from += max) {
      const to = Math.min(from + max, messages.length);
      metrics.recordsRead(to - from);
      const records = await convertMessages(batch, from, to, this.#conversion);
      if (records === null) return;
      if (records.length > 0 && !(await this.#deliver(records))) return;
      const last = messages[to - 1];
      control.resolveOffset(last.offset);
      offsets.consumed(batch.topic, batch.partition, key, Number(last.offset) + 1);
      if (batch.highWatermark !== undefined) metrics.lag(batch.topic, batch.partition, Number(batch.highWatermark) - Number(last.offset) - 1);
      if (this.#o.generationEnding()) {
        // commit what is safe while this generation still owns the partitions; the rest is fetched again
        await this.#o.committer.commit();
        return;
      }
      if (!this.#o.deliverable(key)) return;
    }
  }

  /**
   * put() with Kafka's semantics: a RetriableError pauses the task's partitions and redelivers the same
   * records after a backoff until `errors.retry.timeout`; anything else fails the task. True once accepted.
   */
  async #deliver(records: readonly SinkRecord[]): Promise<boolean> {
    const { clock, errant, fail, pauses } = this.#o;
    const startedAt = clock.now();
    try {
      for (let attempt = 1; ; attempt++) {
        // null: accepted; undefined: abandoned because the graceful stop window is over
        const error = await outcomeUnlessAborted(this.#o.exclusive(() => this.#put(records)), this.#o.abandon);
        if (error === undefined) return false;
        if (errant.failure !== null) {
          fail(errant.failure);
          return false;
        }
        if (error === null) return true;
        if (!isRetriable(error)) {
          fail(new ConnectError(EXIT_MESSAGE, { cause: error }));
          return false;
        }
        const delay = retryDelay(this.#o.errors.config, attempt, startedAt, clock.now());
        if (delay === null) {
          const { retryTimeoutMs } = this.#o.errors.config;
          fail(new ConnectError(`${EXIT_MESSAGE} put() kept failing with retriable errors (errors.retry.timeout=${retryTimeoutMs})`, { cause: error }));
          return false;
        }
        this.#o.metrics.retried();
        this.#o.log.warn({ err: error }, `RetriableException from SinkTask ${this.#o.id.connector}-${this.#o.id.task}: redelivering ${records.length} records in ${delay} ms`);
        pauses.setRetrying(true);
        this.#backoff = new AbortController();
        await clock.sleep(delay, AbortSignal.any([this.#o.halt, this.#backoff.signal]));
        this.#backoff = null;
        if (this.#o.halt.aborted || pauses.targetPaused || this.#o.generationEnding()) return false;
      }
    } finally {
      pauses.setRetrying(false);
    }
  }

  /** Runs inside exclusive: one put(), timed when it succeeds (Kafka's put-batch-time). */
  async #put(records: readonly SinkRecord[]): Promise<void> {
    const started = this.#o.clock.now();
    await this.#o.task.put(records);
    this.#o.metrics.recordsPut(records.length, (this.#o.clock.now() - started) / 1000);
  }
}
