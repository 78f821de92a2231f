/**
 * When and what a sink task commits (Kafka's WorkerSinkTask commitOffsets / closePartitions): every
 * `offset.flush.interval.ms` or when the plugin task asks, whatever preCommit says is safe; before
 * partitions close; and repeatedly while draining at stop.
 */
import type { Logger } from 'pino';
import type { OffsetMap, SinkTask, TopicPartition } from '../../plugin/index.js';
import { settlesWithin, withTimeout, type Clock } from '../clock.js';
import type { ErrantRecordTracker } from './error-handling.js';
import type { SinkConsumer } from '../kafka/sink-consumer.js';
import type { SinkTaskMetrics } from '../metrics.js';
import type { ConnectorTaskId } from '../status/status.js';
import type { SinkTaskOffsets } from './sink-task-offsets.js';
import type { SinkTaskPauses } from './sink-task-pauses.js';

/** Runs `fn` after every call into the plugin task queued before it, and before any queued after it. */
export type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>;

export interface SinkTaskCommitterOptions {
  readonly id: ConnectorTaskId;
  readonly task: SinkTask;
  readonly consumer: SinkConsumer;
  readonly offsets: SinkTaskOffsets;
  readonly pauses: SinkTaskPauses;
  readonly errant: ErrantRecordTracker;
  /** partitions the plugin task has open (open() called, close() not yet); closing removes them */
  readonly opened: Map<string, TopicPartition>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: SinkTaskMetrics;
  /** worker `offset.flush.interval.ms` */
  readonly offsetFlushIntervalMs: number;
  /** worker `offset.flush.timeout.ms`: the longest wait for one commit */
  readonly offsetFlushTimeoutMs: number;
  /** worker `task.shutdown.graceful.timeout.ms` */
  readonly shutdownTimeoutMs: number;
  /** aborted on stop or failure: no more scheduled commits */
  readonly halt: AbortSignal;
  /** aborted when the graceful stop window is over: draining ends */
  readonly abandon: AbortSignal;
  readonly exclusive: Exclusive;
  readonly failed: () => boolean;
  readonly fail: (error: unknown) => void;
}

/** Between two commits while draining at stop: the sink writes in the background meanwhile. */
const DRAIN_COMMIT_PAUSE_MS = 100;

export class SinkTaskCommitter {
  readonly #o: SinkTaskCommitterOptions;
  #commitRequested = false;
  #nextCommitAt = 0;

  constructor(options: SinkTaskCommitterOptions) {
    this.#o = options;
  }

  /** Starts the `offset.flush.interval.ms` schedule; returns what cancels it. */
  schedule(): () => void {
    const { clock, offsetFlushIntervalMs } = this.#o;
    this.#nextCommitAt = clock.now() + offsetFlushIntervalMs;
    return clock.every(Math.min(offsetFlushIntervalMs, 1000), () => this.#onTimer());
  }

  /** SinkTaskContext.requestCommit: commit at the next opportunity instead of at the interval. */
  request(): void {
    this.#commitRequested = true;
    queueMicrotask(() => this.#onTimer());
  }

  #onTimer(): void {
    if (this.#o.halt.aborted) return;
    if (!this.#commitRequested && this.#o.clock.now() < this.#nextCommitAt) return;
    this.#commitRequested = false;
    this.#nextCommitAt = this.#o.clock.now() + this.#o.offsetFlushIntervalMs;
    void this.commit();
  }

  /** Commits every open partition when its turn comes; a failure is logged and the next commit tries again. */
  commit(): Promise<void> {
    return this.#o.exclusive(() => this.#commitLocked(false, this.#o.opened)).catch((error) => {
      this.#o.log.error({ err: error }, `Commit of offsets failed for ${this.#o.id.connector}-${this.#o.id.task}; it is tried again at the next commit`);
    });
  }

  /**
   * Runs inside exclusive.
   * Invariant: commit offsets only after put() resolved — preCommit receives the offsets after records
   * already handed to put() (or skipped as errant and dead-lettered), and only what it returns, capped at
   * those offsets and limited to assigned partitions, is committed.
   */
  async #commitLocked(closing: boolean, partitions: ReadonlyMap<string, TopicPartition>): Promise<void> {
    const { clock, log, metrics, offsets } = this.#o;
    if (this.#o.failed() && !closing) return;
    const reportFailure = await this.#o.errant.settled();
    if (reportFailure !== null) return this.#o.fail(reportFailure);
    const current = offsets.snapshot(partitions.keys());
    const started = clock.now();
    const seconds = () => (clock.now() - started) / 1000;
    let safe: OffsetMap;
    try {
      safe = await this.#o.task.preCommit(new Map(current));
    } catch (error) {
      metrics.offsetCommit(seconds(), false);
      if (closing) return log.warn({ err: error }, 'Offset commit failed during close');
      log.error({ err: error }, 'Offset commit failed, rewinding to last committed offsets');
      for (const { topic, partition, offset } of offsets.rewind(partitions)) this.#o.consumer.seek({ topic, partition }, offset);
      return;
    }
    const toCommit = offsets.toCommit(safe, current, closing, (key, offset) =>
      log.warn(`Ignoring invalid task provided offset ${key}/${offset}: the partition is not assigned or nothing was consumed`),
    );
    if (toCommit.length === 0) return;
    const timeout = this.#o.offsetFlushTimeoutMs;
    try {
      await withTimeout(clock, this.#o.consumer.commit(toCommit), timeout, `Timed out after ${timeout} ms (offset.flush.timeout.ms) waiting for the offset commit`);
    } catch (error) {
      metrics.offsetCommit(seconds(), false);
      throw error;
    }
    metrics.offsetCommit(seconds(), true);
    offsets.committed(toCommit);
    log.debug(`Committed offsets ${toCommit.map((o) => `${o.topic}-${o.partition}=${o.offset}`).join(', ')}`);
  }

  /** Runs inside exclusive: commit what is safe for partitions going away (unless just done), then close them. */
  async closePartitions(partitions: ReadonlyMap<string, TopicPartition>, commit = true): Promise<void> {
    if (partitions.size === 0) return;
    const closing = new Map(partitions);
    try {
      if (commit) {
        await this.#flushTask();
        await this.#commitLocked(true, closing);
      }
    } catch (error) {
      this.#o.log.error({ err: error }, 'Commit of offsets failed while closing partitions; they will be consumed again');
    }
    for (const key of closing.keys()) this.#o.opened.delete(key);
    this.#o.metrics.partitionsClosed(closing.values());
    await this.#o.task.close([...closing.values()]);
    this.#o.offsets.forget(closing.keys());
    this.#o.pauses.forget(closing.keys());
  }

  /**
   * The plugin task's optional flush(): what it can still write gets committed rather than delivered
   * again. Waits at most `withinMs` when given (the graceful stop window), else as long as the task does.
   */
  async #flushTask(withinMs?: number): Promise<void> {
    if (typeof this.#o.task.flush !== 'function') return;
    try {
      const flushed = this.#o.task.flush();
      // a flush still running when the window is over goes on; preCommit reports what it achieved
      if (withinMs === undefined) await flushed;
      else await settlesWithin(this.#o.clock, flushed, withinMs);
    } catch (error) {
      // the task reports its failure again from preCommit, which decides what is committed
      this.#o.log.debug({ err: error }, 'Task flush before the commit failed');
    }
  }

  /**
   * Runs inside exclusive, at stop: flushes the task, then commits again and again while the sink still
   * has writes in flight, for at most half the graceful window, so that what the sink acknowledges during
   * shutdown is committed rather than delivered again; then closes.
   */
  async drainThenClose(): Promise<void> {
    const { clock, opened } = this.#o;
    const until = clock.now() + this.#o.shutdownTimeoutMs / 2;
    let drained = false;
    try {
      await this.#flushTask(Math.max(0, until - clock.now()));
      while (!this.#o.failed()) {
        await this.#commitLocked(false, opened);
        drained = this.#o.offsets.allCommitted(opened.keys());
        if (drained || clock.now() >= until) break;
        await clock.sleep(DRAIN_COMMIT_PAUSE_MS, this.#o.abandon);
      }
    } catch (error) {
      this.#o.log.warn({ err: error }, 'Offset commit failed while draining at stop; the final commit tries again');
    }
    // everything handed to put() is committed (so nothing is in flight): no second, identical commit
    await this.closePartitions(opened, !drained);
  }
}
