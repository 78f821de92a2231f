/**
 * One sink task's loop (Kafka's WorkerSinkTask): batch → convert → SinkTask.put → commit offsets.
 * The target state pauses and resumes consumption; a RetriableError pauses, backs off and redelivers;
 * any other error fails the task with its trace. Calls into the plugin task never overlap.
 *
 * The task owns its whole loop: its lifecycle (start, target state, failure, stop), the consumer's
 * callbacks, delivery (convert and put a batch in slices of `max.poll.records`, redeliver on
 * RetriableError) and commits (every `offset.flush.interval.ms` or when the plugin task asks, before
 * partitions close, and while draining at stop). Only what keeps state of its own lives beside it:
 * SinkTaskOffsets (positions and commits per partition) and SinkTaskPauses (why partitions are paused).
 */
import type { Logger } from 'pino';
import {
  ConnectError,
  type OffsetMap,
  type PluginLogger,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
  topicPartitionKey,
} from '../../plugin/index.js';
import { outcomeUnlessAborted, settlesWithin, systemClock, withTimeout, type Clock } from '../clock.js';
import { isTransientKafkaError, type BatchControl, type RawBatch, type SinkConsumer, type SinkConsumerHandler } from '../kafka/sink-consumer.js';
import { NO_SINK_TASK_METRICS, type SinkTaskMetrics } from '../metrics.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from '../status/status.js';
import { convertMessages, type ConversionContext, type ConverterHandle } from './convert-messages.js';
import { ErrantRecordTracker, formatTrace, isRetriable, retryDelay, type ErrorReporter } from './error-handling.js';
import { SinkTaskOffsets } from './sink-task-offsets.js';
import { SinkTaskPauses } from './sink-task-pauses.js';
import type { TransformationChain } from './transformation-chain.js';
export interface WorkerSinkTaskOptions {
  readonly id: ConnectorTaskId;
  readonly task: SinkTask;
  /** for error reports and the DLQ `class.name` header */
  readonly taskClassName: string;
  readonly taskConfig: Readonly<Record<string, string>>;
  readonly consumer: SinkConsumer;
  readonly keyConverter: ConverterHandle;
  readonly valueConverter: ConverterHandle;
  /** the connector's header converter (Kafka: header.converter, worker default SimpleHeaderConverter) */
  readonly headerConverter?: ConverterHandle;
  /** the connector's transformations, applied after conversion (closed by `release`) */
  readonly transformations?: TransformationChain;
  readonly errors: ErrorReporter;
  readonly listener: StatusListener;
  /** `org.apache.kafka.connect.runtime.WorkerSinkTask`, bound to connector and task */
  readonly logger: Logger;
  /** what the plugin task logs through */
  readonly taskLogger: PluginLogger;
  readonly initialState: TargetState;
  /** worker `offset.flush.interval.ms` */
  readonly offsetFlushIntervalMs: number;
  /** worker `offset.flush.timeout.ms`: the longest wait for one commit */
  readonly offsetFlushTimeoutMs: number;
  /** worker `task.shutdown.graceful.timeout.ms` */
  readonly shutdownTimeoutMs: number;
  /** how often to heartbeat while one batch is being processed */
  readonly heartbeatIntervalMs: number;
  /** `max.poll.records`: put() receives at most this many records */
  readonly maxPollRecords: number;
  readonly topicTracking: boolean;
  /** releases what the worker built for this task (DLQ producer); called once, last */
  readonly release?: () => Promise<void>;
  readonly clock?: Clock;
  /** where the task's counters go (records, put and commit times, lag); none by default */
  readonly metrics?: SinkTaskMetrics;
}

export const EXIT_MESSAGE = 'Exiting WorkerSinkTask due to unrecoverable exception.';

/** The Java consumer's default close timeout. */
const CONSUMER_CLOSE_TIMEOUT_MS = 30_000;

/** Between two commits while draining at stop: the sink writes in the background meanwhile. */
const DRAIN_COMMIT_PAUSE_MS = 100;

export class WorkerSinkTask implements SinkConsumerHandler {
  readonly #o: WorkerSinkTaskOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #metrics: SinkTaskMetrics;
  /** aborted on stop or failure: no more deliveries, backoffs end */
  readonly #halt = new AbortController();
  /** aborted when the graceful stop window is over: the batch in flight returns without its put() */
  readonly #abandon = new AbortController();
  /** partitions the group assigned, by `topic-partition` key */
  #assignment = new Map<string, TopicPartition>();
  /** partitions the plugin task has open (open() called, close() not yet) */
  readonly #opened = new Map<string, TopicPartition>();
  readonly #offsets = new SinkTaskOffsets();
  readonly #pauses: SinkTaskPauses;
  readonly #errant: ErrantRecordTracker;
  readonly #conversion: ConversionContext;
  readonly #topicsSeen = new Set<string>();
  /** the group is rebalancing: stop handing records over, commit, let kafkajs rejoin */
  #generationEnding = false;
  #failed = false;
  #stopping = false;
  /** ends a retry backoff early when waiting longer is pointless (rebalance, pause) */
  #backoff: AbortController | null = null;
  #commitRequested = false;
  #nextCommitAt = 0;
  /** serialises every call into the plugin task, and the commits that follow preCommit */
  #queue: Promise<unknown> = Promise.resolve();
  #cancelTimer: () => void = () => {};
  #released: Promise<void> | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: WorkerSinkTaskOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger;
    this.#metrics = options.metrics ?? NO_SINK_TASK_METRICS;
    this.#errant = new ErrantRecordTracker(options.errors, options.taskClassName);
    this.#pauses = new SinkTaskPauses(options.consumer, () => this.#assignment, options.initialState === TargetState.PAUSED);
    const { keyConverter, valueConverter, headerConverter, transformations, errors } = options;
    this.#conversion = {
      keyConverter,
      valueConverter,
      ...(headerConverter ? { headerConverter } : {}),
      ...(transformations ? { transformations } : {}),
      errors,
      clock: this.#clock,
      metrics: this.#metrics,
      halt: this.#halt.signal,
      fail: (error: unknown) => this.#fail(error),
    };
  }

  get id(): ConnectorTaskId {
    return this.#o.id;
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** Starts the plugin task, then the consumer in the background. False when the task failed to start. */
  async start(): Promise<boolean> {
    const { task, taskConfig } = this.#o;
    try {
      await this.#exclusive(() => task.start(taskConfig, this.#createContext()));
    } catch (error) {
      this.#fail(error);
      return false;
    }
    if (this.#stopping) return true;
    this.#report(this.#pauses.targetPaused ? State.PAUSED : State.RUNNING);
    this.#scheduleCommits();
    void this.#runConsumer();
    return true;
  }

  /** kafkajs gives up on a broker it cannot reach at start; keep trying like a Java consumer does. */
  async #runConsumer(): Promise<void> {
    for (let attempt = 1; !this.#halt.signal.aborted; attempt++) {
      try {
        await this.#o.consumer.start(this);
        return;
      } catch (error) {
        if (!isTransientKafkaError(error)) return this.#fail(new ConnectError('The Kafka consumer could not start', { cause: error }));
        const delay = Math.min(1000 * 2 ** Math.min(attempt - 1, 5), 30000);
        this.#log.warn({ err: error }, `Could not start the Kafka consumer, retrying in ${delay} ms`);
        await this.#clock.sleep(delay, this.#halt.signal);
      }
    }
  }

  /** PAUSED keeps the consumer in its group with every partition paused; STARTED resumes. */
  transitionTo(state: TargetState): void {
    if (this.#failed || this.#stopping || state === TargetState.STOPPED) return;
    const paused = state === TargetState.PAUSED;
    this.#pauses.setTargetPaused(paused);
    if (paused) this.#backoff?.abort();
    this.#report(paused ? State.PAUSED : State.RUNNING);
  }

  /**
   * Waits for the work in flight (at most `task.shutdown.graceful.timeout.ms`), commits what the task
   * says is safe, closes and stops the task. Reports UNASSIGNED unless it had failed. The consumer leaves
   * the group afterwards, in the background: `closed()` tells when.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#halt.abort();
    await this.#release();
    if (!this.#failed) this.#report(State.UNASSIGNED);
  }

  /** Resolves once the task was stopped, its consumer has left the group (or gave up) and its resources are released. */
  async closed(): Promise<void> {
    await this.#release();
    await this.#closed;
  }

  // ---- consumer callbacks ---------------------------------------------------------------------

  onAssigned(partitions: readonly TopicPartition[]): void {
    const next = new Map<string, TopicPartition>();
    for (const tp of partitions) next.set(topicPartitionKey(tp.topic, tp.partition), tp);
    // a new generation fetches from the committed offsets; kept partitions go on where put() left off
    for (const [key, tp] of next) {
      const position = this.#offsets.position(key);
      if (position !== undefined) this.#o.consumer.seek(tp, position);
    }
    this.#assignment = next;
    this.#generationEnding = false;
    this.#pauses.reassigned();
    this.#log.info(`Assigned partitions [${[...next.keys()].join(', ')}]`);
    if (this.#halt.signal.aborted) return;
    // queued before any put() of the new generation, so open() always comes first
    void this.#exclusive(() => this.#reconcileOpened()).catch((error) => this.#fail(new ConnectError(EXIT_MESSAGE, { cause: error })));
  }

  /** Runs inside #exclusive: close what was revoked (after committing it), open what was added. */
  async #reconcileOpened(): Promise<void> {
    const revoked = new Map([...this.#opened].filter(([key]) => !this.#assignment.has(key)));
    if (revoked.size > 0) {
      this.#log.info(`Revoked partitions [${[...revoked.keys()].join(', ')}]`);
      await this.#closePartitions(revoked);
    }
    const added = [...this.#assignment].filter(([key]) => !this.#opened.has(key));
    if (added.length === 0 || this.#halt.signal.aborted) return;
    for (const [key, tp] of added) this.#opened.set(key, tp);
    await this.#o.task.open(added.map(([, tp]) => tp));
  }

  onRebalancing(): void {
    this.#endGeneration();
    // the ending generation may still accept this commit; the assignment that follows commits again
    void this.#commit();
  }

  onCrash(error: Error, restarting: boolean): void {
    if (restarting) this.#log.warn({ err: error }, 'The Kafka consumer crashed; kafkajs restarts it and rejoins the group');
    else this.#fail(new ConnectError('The Kafka consumer stopped after an unrecoverable error', { cause: error }));
  }

  /** Never throws: a throw would make kafkajs fetch the batch again on its own terms. */
  async onBatch(batch: RawBatch, control: BatchControl): Promise<void> {
    const key = topicPartitionKey(batch.topic, batch.partition);
    if (!this.#deliverable(key)) return;
    const stopHeartbeat = this.#clock.every(this.#o.heartbeatIntervalMs, () => {
      void control.heartbeat().then((ok) => {
        if (!ok) this.#endGeneration();
      });
    });
    try {
      await this.#process(key, batch, control);
    } catch (error) {
      this.#fail(new ConnectError(EXIT_MESSAGE, { cause: error }));
    } finally {
      stopHeartbeat();
    }
  }

  #deliverable(key: string): boolean {
    return !this.#halt.signal.aborted && !this.#pauses.targetPaused && !this.#generationEnding && !this.#pauses.pausedByTask(key) && this.#assignment.has(key);
  }

  /** The group is rebalancing: records still in hand are fetched again by whoever owns them next. */
  #endGeneration(): void {
    this.#generationEnding = true;
    this.#backoff?.abort();
  }

  // ---- delivery (Kafka's deliverMessages) -------------------------------------------------------

  /** Delivers the batch of partition `key` until it is done or the partition is no longer deliverable. */
  async #process(key: string, batch: RawBatch, control: BatchControl): Promise<void> {
    const { messages } = batch;
    const offsets = this.#offsets;
    const metrics = this.#metrics;
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
      if (this.#generationEnding) {
        // commit what is safe while this generation still owns the partitions; the rest is fetched again
        await this.#commit();
        return;
      }
      if (!this.#deliverable(key)) return;
    }
  }

  /**
   * put() with Kafka's semantics: a RetriableError pauses the task's partitions and redelivers the same
   * records after a backoff until `errors.retry.timeout`; anything else fails the task. True once accepted.
   */
  async #deliver(records: readonly SinkRecord[]): Promise<boolean> {
    const clock = this.#clock;
    const startedAt = clock.now();
    try {
      for (let attempt = 1; ; attempt++) {
        // null: accepted; undefined: abandoned because the graceful stop window is over
        const error = await outcomeUnlessAborted(
          this.#exclusive(() => this.#put(records)),
          this.#abandon.signal,
        );
        if (error === undefined) return false;
        if (this.#errant.failure !== null) {
          this.#fail(this.#errant.failure);
          return false;
        }
        if (error === null) return true;
        if (!isRetriable(error)) {
          this.#fail(new ConnectError(EXIT_MESSAGE, { cause: error }));
          return false;
        }
        const delay = retryDelay(this.#o.errors.config, attempt, startedAt, clock.now());
        if (delay === null) {
          const { retryTimeoutMs } = this.#o.errors.config;
          this.#fail(new ConnectError(`${EXIT_MESSAGE} put() kept failing with retriable errors (errors.retry.timeout=${retryTimeoutMs})`, { cause: error }));
          return false;
        }
        this.#metrics.retried();
        this.#log.warn(
          { err: error },
          `RetriableException from SinkTask ${this.#o.id.connector}-${this.#o.id.task}: redelivering ${records.length} records in ${delay} ms`,
        );
        this.#pauses.setRetrying(true);
        this.#backoff = new AbortController();
        await clock.sleep(delay, AbortSignal.any([this.#halt.signal, this.#backoff.signal]));
        this.#backoff = null;
        if (this.#halt.signal.aborted || this.#pauses.targetPaused || this.#generationEnding) return false;
      }
    } finally {
      this.#pauses.setRetrying(false);
    }
  }

  /** Runs inside exclusive: one put(), timed when it succeeds (Kafka's put-batch-time). */
  async #put(records: readonly SinkRecord[]): Promise<void> {
    const started = this.#clock.now();
    await this.#o.task.put(records);
    this.#metrics.recordsPut(records.length, (this.#clock.now() - started) / 1000);
  }

  // ---- commits (Kafka's commitOffsets / closePartitions) ----------------------------------------

  /** Starts the `offset.flush.interval.ms` schedule. */
  #scheduleCommits(): void {
    const { offsetFlushIntervalMs } = this.#o;
    this.#nextCommitAt = this.#clock.now() + offsetFlushIntervalMs;
    this.#cancelTimer = this.#clock.every(Math.min(offsetFlushIntervalMs, 1000), () => this.#onCommitTimer());
  }

  /** SinkTaskContext.requestCommit: commit at the next opportunity instead of at the interval. */
  #requestCommit(): void {
    this.#commitRequested = true;
    queueMicrotask(() => this.#onCommitTimer());
  }

  #onCommitTimer(): void {
    if (this.#halt.signal.aborted) return;
    if (!this.#commitRequested && this.#clock.now() < this.#nextCommitAt) return;
    this.#commitRequested = false;
    this.#nextCommitAt = this.#clock.now() + this.#o.offsetFlushIntervalMs;
    void this.#commit();
  }

  /** Commits every open partition when its turn comes; a failure is logged and the next commit tries again. */
  #commit(): Promise<void> {
    return this.#exclusive(() => this.#commitLocked(false, this.#opened)).catch((error) => {
      this.#log.error({ err: error }, `Commit of offsets failed for ${this.#o.id.connector}-${this.#o.id.task}; it is tried again at the next commit`);
    });
  }

  /**
   * Runs inside exclusive.
   * Invariant: commit offsets only after put() resolved — preCommit receives the offsets after records
   * already handed to put() (or skipped as errant and dead-lettered), and only what it returns, capped at
   * those offsets and limited to assigned partitions, is committed.
   */
  async #commitLocked(closing: boolean, partitions: ReadonlyMap<string, TopicPartition>): Promise<void> {
    const clock = this.#clock;
    const log = this.#log;
    const metrics = this.#metrics;
    const offsets = this.#offsets;
    if (this.#failed && !closing) return;
    const reportFailure = await this.#errant.settled();
    if (reportFailure !== null) return this.#fail(reportFailure);
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
      await withTimeout(
        clock,
        this.#o.consumer.commit(toCommit),
        timeout,
        `Timed out after ${timeout} ms (offset.flush.timeout.ms) waiting for the offset commit`,
      );
    } catch (error) {
      metrics.offsetCommit(seconds(), false);
      throw error;
    }
    metrics.offsetCommit(seconds(), true);
    offsets.committed(toCommit);
    log.debug(`Committed offsets ${toCommit.map((o) => `${o.topic}-${o.partition}=${o.offset}`).join(', ')}`);
  }

  /** Runs inside exclusive: commit what is safe for partitions going away (unless just done), then close them. */
  async #closePartitions(partitions: ReadonlyMap<string, TopicPartition>, commit = true): Promise<void> {
    if (partitions.size === 0) return;
    const closing = new Map(partitions);
    try {
      if (commit) {
        await this.#flushTask();
        await this.#commitLocked(true, closing);
      }
    } catch (error) {
      this.#log.error({ err: error }, 'Commit of offsets failed while closing partitions; they will be consumed again');
    }
    for (const key of closing.keys()) this.#opened.delete(key);
    this.#metrics.partitionsClosed(closing.values());
    await this.#o.task.close([...closing.values()]);
    this.#offsets.forget(closing.keys());
    this.#pauses.forget(closing.keys());
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
      else await settlesWithin(this.#clock, flushed, withinMs);
    } catch (error) {
      // the task reports its failure again from preCommit, which decides what is committed
      this.#log.debug({ err: error }, 'Task flush before the commit failed');
    }
  }

  /**
   * Runs inside exclusive, at stop: flushes the task, then commits again and again while the sink still
   * has writes in flight, for at most half the graceful window, so that what the sink acknowledges during
   * shutdown is committed rather than delivered again; then closes.
   */
  async #drainThenClose(): Promise<void> {
    const clock = this.#clock;
    const until = clock.now() + this.#o.shutdownTimeoutMs / 2;
    let drained = false;
    try {
      await this.#flushTask(Math.max(0, until - clock.now()));
      while (!this.#failed) {
        await this.#commitLocked(false, this.#opened);
        drained = this.#offsets.allCommitted(this.#opened.keys());
        if (drained || clock.now() >= until) break;
        await clock.sleep(DRAIN_COMMIT_PAUSE_MS, this.#abandon.signal);
      }
    } catch (error) {
      this.#log.warn({ err: error }, 'Offset commit failed while draining at stop; the final commit tries again');
    }
    // everything handed to put() is committed (so nothing is in flight): no second, identical commit
    await this.#closePartitions(this.#opened, !drained);
  }

  // ---- failure, shutdown ----------------------------------------------------------------------

  #fail(error: unknown): void {
    if (this.#failed || this.#stopping) {
      if (!this.#failed) this.#log.warn({ err: error }, 'Task threw an uncaught and unrecoverable exception during shutdown');
      return;
    }
    this.#failed = true;
    this.#halt.abort();
    this.#log.error({ err: error }, 'Task threw an uncaught and unrecoverable exception. Task is being killed and will not recover until manually restarted');
    this.#o.listener.onTaskState(this.#o.id, State.FAILED, formatTrace(error));
    void this.#release();
  }

  /**
   * Once: after the work in flight, commit what is safe, close and stop the plugin task; all of it within
   * `task.shutdown.graceful.timeout.ms`, after which the task is abandoned (what it did not commit is
   * delivered again, and it is stopped, never concurrently, when its last call returns). Then, in the
   * background, the consumer leaves the group and what the worker built for the task is released.
   */
  #release(): Promise<void> {
    this.#released ??= (async () => {
      this.#cancelTimer();
      void this.#exclusive(() => this.#drainThenClose()).catch((e) => this.#log.warn({ err: e }, 'Could not close the partitions'));
      const stopped = this.#exclusive(() => this.#o.task.stop()).catch((e) => this.#log.error({ err: e }, 'Error stopping the task'));
      if (!(await settlesWithin(this.#clock, stopped, this.#o.shutdownTimeoutMs))) {
        this.#abandon.abort();
        this.#log.error(`Graceful stop of task ${this.#o.id.connector}-${this.#o.id.task} failed: still busy after ${this.#o.shutdownTimeoutMs} ms`);
      }
      this.#closed = this.#leaveGroup();
    })();
    return this.#released;
  }

  async #leaveGroup(): Promise<void> {
    const left = this.#o.consumer.stop().catch((e) => this.#log.warn({ err: e }, 'Error stopping the Kafka consumer'));
    // kafkajs cannot leave in the middle of a join; like the Java client's close(), wait a bounded time
    if (!(await settlesWithin(this.#clock, left, CONSUMER_CLOSE_TIMEOUT_MS))) {
      this.#log.warn(`The Kafka consumer is still finishing a group join after ${CONSUMER_CLOSE_TIMEOUT_MS} ms; it leaves the group when the join completes`);
    }
    await this.#o.release?.().catch((e) => this.#log.warn({ err: e }, 'Error releasing the task resources'));
    this.#metrics.close();
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  #report(state: State): void {
    this.#o.listener.onTaskState(this.#o.id, state);
  }

  #createContext(): SinkTaskContext {
    const { id } = this.#o;
    return {
      connector: id.connector,
      taskId: id.task,
      logger: this.#o.taskLogger,
      errantRecordReporter: this.#errant.report,
      pause: (partitions) => this.#pauses.pauseByTask(partitions),
      resume: (partitions) => this.#pauses.resumeByTask(partitions),
      assignment: () => [...this.#assignment.values()],
      requestCommit: () => this.#requestCommit(),
    };
  }
}
