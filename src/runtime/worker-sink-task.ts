/**
 * One sink task's loop (Kafka's WorkerSinkTask): batch → convert → SinkTask.put → commit offsets.
 * The target state pauses and resumes consumption; a RetriableError pauses, backs off and redelivers;
 * any other error fails the task with its trace. Calls into the plugin task never overlap.
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
} from '../plugin/index.js';
import { outcomeUnlessAborted, settlesWithin, systemClock, withTimeout, type Clock } from './clock.js';
import { ErrantRecordTracker, formatTrace, isRetriable, retryDelay, type ErrorReporter } from './error-handling.js';
import { isTransientKafkaError, type BatchControl, type RawBatch, type RawMessage, type SinkConsumer, type SinkConsumerHandler } from './kafka/sink-consumer.js';
import { NO_SINK_TASK_METRICS, type SinkTaskMetrics } from './metrics.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from './status.js';
import { ConversionError, consumedRecord, convertRecord, type ConverterHandle } from './worker-sink-task-convert.js';
import { SinkTaskOffsets } from './worker-sink-task-offsets.js';

export interface WorkerSinkTaskOptions {
  readonly id: ConnectorTaskId;
  readonly task: SinkTask;
  /** for error reports and the DLQ `class.name` header */
  readonly taskClassName: string;
  readonly taskConfig: Readonly<Record<string, string>>;
  readonly consumer: SinkConsumer;
  readonly keyConverter: ConverterHandle;
  readonly valueConverter: ConverterHandle;
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

const EXIT_MESSAGE = 'Exiting WorkerSinkTask due to unrecoverable exception.';
/** Between two commits while draining at stop: the sink writes in the background meanwhile. */
const DRAIN_COMMIT_PAUSE_MS = 100;
/** The Java consumer's default close timeout. */
const CONSUMER_CLOSE_TIMEOUT_MS = 30_000;

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
  readonly #taskPaused = new Set<string>();
  #kafkaPaused = new Set<string>();
  #targetPaused: boolean;
  #retrying = false;
  /** ends a retry backoff early when waiting longer is pointless (rebalance, pause) */
  #backoff: AbortController | null = null;
  /** the group is rebalancing: stop handing records over, commit, let kafkajs rejoin */
  #generationEnding = false;
  #commitRequested = false;
  #nextCommitAt = 0;
  #failed = false;
  #stopping = false;
  /** serialises every call into the plugin task, and the commits that follow preCommit */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #errant: ErrantRecordTracker;
  readonly #topicsSeen = new Set<string>();
  #cancelTimer: () => void = () => {};
  #released: Promise<void> | null = null;

  constructor(options: WorkerSinkTaskOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger;
    this.#metrics = options.metrics ?? NO_SINK_TASK_METRICS;
    this.#errant = new ErrantRecordTracker(options.errors, options.taskClassName);
    this.#targetPaused = options.initialState === TargetState.PAUSED;
  }

  get id(): ConnectorTaskId {
    return this.#o.id;
  }

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
    this.#report(this.#targetPaused ? State.PAUSED : State.RUNNING);
    this.#nextCommitAt = this.#clock.now() + this.#o.offsetFlushIntervalMs;
    this.#cancelTimer = this.#clock.every(Math.min(this.#o.offsetFlushIntervalMs, 1000), () => this.#onTimer());
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
    this.#targetPaused = state === TargetState.PAUSED;
    if (this.#targetPaused) this.#backoff?.abort();
    this.#applyPauses();
    this.#report(this.#targetPaused ? State.PAUSED : State.RUNNING);
  }

  /**
   * Waits for the work in flight (at most `task.shutdown.graceful.timeout.ms`), commits what the task
   * says is safe, closes and stops the task, leaves the group. Reports UNASSIGNED unless it had failed.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#halt.abort();
    await this.#release();
    if (!this.#failed) this.#report(State.UNASSIGNED);
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
    this.#kafkaPaused = new Set(); // a restarted kafkajs consumer forgot its pauses
    this.#applyPauses();
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
      await this.#processBatch(key, batch, control);
    } catch (error) {
      this.#fail(new ConnectError(EXIT_MESSAGE, { cause: error }));
    } finally {
      stopHeartbeat();
    }
  }

  async #processBatch(key: string, batch: RawBatch, control: BatchControl): Promise<void> {
    const { messages } = batch;
    this.#offsets.fetched(key, Number(messages[0].offset));
    if (this.#o.topicTracking && !this.#topicsSeen.has(batch.topic)) {
      this.#topicsSeen.add(batch.topic);
      this.#o.listener.onTopicActive(this.#o.id.connector, batch.topic);
    }
    const max = this.#o.maxPollRecords;
    for (let from = 0; from < messages.length; from += max) {
      const to = Math.min(from + max, messages.length);
      this.#metrics.recordsRead(to - from);
      const records = await this.#convert(batch, from, to);
      if (records === null) return;
      if (records.length > 0 && !(await this.#deliver(records))) return;
      const last = messages[to - 1];
      control.resolveOffset(last.offset);
      this.#offsets.consumed(batch.topic, batch.partition, key, Number(last.offset) + 1);
      if (batch.highWatermark !== undefined) this.#metrics.lag(batch.topic, batch.partition, Number(batch.highWatermark) - Number(last.offset) - 1);
      if (this.#generationEnding) {
        // commit what is safe while this generation still owns the partitions; the rest is fetched again
        await this.#commit();
        return;
      }
      if (!this.#deliverable(key)) return;
    }
  }

  #deliverable(key: string): boolean {
    return !this.#halt.signal.aborted && !this.#targetPaused && !this.#generationEnding && !this.#taskPaused.has(key) && this.#assignment.has(key);
  }

  /** Converted records of messages[from, to); errant ones left out once reported. Null: the task failed. */
  async #convert(batch: RawBatch, from: number, to: number): Promise<SinkRecord[] | null> {
    const { keyConverter, valueConverter } = this.#o;
    const out: SinkRecord[] = [];
    for (let i = from; i < to; i++) {
      const message = batch.messages[i];
      try {
        out.push(convertRecord(batch, message, keyConverter, valueConverter, this.#o.errors.usesOriginalBytes));
      } catch (error) {
        const recovered = await this.#recoverConversion(batch, message, error as ConversionError);
        if (recovered === null) return null;
        if (recovered !== undefined) out.push(recovered);
      }
    }
    return out;
  }

  /** Retriable converter errors are retried (errors.retry.*), then errors.tolerance decides: skip (undefined) or fail (null). */
  async #recoverConversion(batch: RawBatch, message: RawMessage, failure: ConversionError): Promise<SinkRecord | undefined | null> {
    const startedAt = this.#clock.now();
    let last = failure;
    for (let attempt = 1; isRetriable(last.cause); attempt++) {
      const delay = retryDelay(this.#o.errors.config, attempt, startedAt, this.#clock.now());
      if (delay === null) break;
      this.#metrics.retried();
      await this.#clock.sleep(delay, this.#halt.signal);
      if (this.#halt.signal.aborted) return null;
      try {
        return convertRecord(batch, message, this.#o.keyConverter, this.#o.valueConverter, this.#o.errors.usesOriginalBytes);
      } catch (error) {
        last = error as ConversionError;
      }
    }
    const cause = last.cause instanceof Error ? last.cause : new Error(String(last.cause));
    try {
      await this.#o.errors.report({ record: consumedRecord(batch, message), stage: last.stage, executingClass: last.className, error: cause });
      return undefined;
    } catch (error) {
      this.#fail(error);
      return null;
    }
  }

  /**
   * put() with Kafka's semantics: a RetriableError pauses the task's partitions and redelivers the same
   * records after a backoff until `errors.retry.timeout`; anything else fails the task. True once accepted.
   */
  async #deliver(records: readonly SinkRecord[]): Promise<boolean> {
    const startedAt = this.#clock.now();
    try {
      for (let attempt = 1; ; attempt++) {
        // null: accepted; undefined: abandoned because the graceful stop window is over
        const error = await outcomeUnlessAborted(this.#exclusive(() => this.#put(records)), this.#abandon.signal);
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
        const delay = retryDelay(this.#o.errors.config, attempt, startedAt, this.#clock.now());
        if (delay === null) {
          const { retryTimeoutMs } = this.#o.errors.config;
          this.#fail(new ConnectError(`${EXIT_MESSAGE} put() kept failing with retriable errors (errors.retry.timeout=${retryTimeoutMs})`, { cause: error }));
          return false;
        }
        this.#metrics.retried();
        this.#log.warn({ err: error }, `RetriableException from SinkTask ${this.#o.id.connector}-${this.#o.id.task}: redelivering ${records.length} records in ${delay} ms`);
        this.#setRetrying(true);
        this.#backoff = new AbortController();
        await this.#clock.sleep(delay, AbortSignal.any([this.#halt.signal, this.#backoff.signal]));
        this.#backoff = null;
        if (this.#halt.signal.aborted || this.#targetPaused || this.#generationEnding) return false;
      }
    } finally {
      this.#setRetrying(false);
    }
  }

  /** Runs inside #exclusive: one put(), timed when it succeeds (Kafka's put-batch-time). */
  async #put(records: readonly SinkRecord[]): Promise<void> {
    const started = this.#clock.now();
    await this.#o.task.put(records);
    this.#metrics.recordsPut(records.length, (this.#clock.now() - started) / 1000);
  }

  /** The group is rebalancing: records still in hand are fetched again by whoever owns them next. */
  #endGeneration(): void {
    this.#generationEnding = true;
    this.#backoff?.abort();
  }

  #setRetrying(retrying: boolean): void {
    if (this.#retrying === retrying) return;
    this.#retrying = retrying;
    this.#applyPauses();
  }

  // ---- offsets --------------------------------------------------------------------------------

  #onTimer(): void {
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
   * Runs inside #exclusive.
   * Invariant: commit offsets only after put() resolved — preCommit receives the offsets after records
   * already handed to put() (or skipped as errant and dead-lettered), and only what it returns, capped at
   * those offsets and limited to assigned partitions, is committed.
   */
  async #commitLocked(closing: boolean, partitions: ReadonlyMap<string, TopicPartition>): Promise<void> {
    if (this.#failed && !closing) return;
    const reportFailure = await this.#errant.settled();
    if (reportFailure !== null) return this.#fail(reportFailure);
    const current = this.#offsets.snapshot(partitions.keys());
    const started = this.#clock.now();
    const seconds = () => (this.#clock.now() - started) / 1000;
    let safe: OffsetMap;
    try {
      safe = await this.#o.task.preCommit(new Map(current));
    } catch (error) {
      this.#metrics.offsetCommit(seconds(), false);
      if (closing) return this.#log.warn({ err: error }, 'Offset commit failed during close');
      this.#log.error({ err: error }, 'Offset commit failed, rewinding to last committed offsets');
      for (const { topic, partition, offset } of this.#offsets.rewind(partitions)) this.#o.consumer.seek({ topic, partition }, offset);
      return;
    }
    const toCommit = this.#offsets.toCommit(safe, current, closing, (key, offset) =>
      this.#log.warn(`Ignoring invalid task provided offset ${key}/${offset}: the partition is not assigned or nothing was consumed`),
    );
    if (toCommit.length === 0) return;
    const timeout = this.#o.offsetFlushTimeoutMs;
    try {
      await withTimeout(this.#clock, this.#o.consumer.commit(toCommit), timeout, `Timed out after ${timeout} ms (offset.flush.timeout.ms) waiting for the offset commit`);
    } catch (error) {
      this.#metrics.offsetCommit(seconds(), false);
      throw error;
    }
    this.#metrics.offsetCommit(seconds(), true);
    this.#offsets.committed(toCommit);
    this.#log.debug(`Committed offsets ${toCommit.map((o) => `${o.topic}-${o.partition}=${o.offset}`).join(', ')}`);
  }

  /** Runs inside #exclusive: commit what is safe for partitions going away (unless just done), then close them. */
  async #closePartitions(partitions: ReadonlyMap<string, TopicPartition>, commit = true): Promise<void> {
    if (partitions.size === 0) return;
    const closing = new Map(partitions);
    try {
      if (commit) await this.#commitLocked(true, closing);
    } catch (error) {
      this.#log.error({ err: error }, 'Commit of offsets failed while closing partitions; they will be consumed again');
    }
    for (const key of closing.keys()) this.#opened.delete(key);
    this.#metrics.partitionsClosed(closing.values());
    await this.#o.task.close([...closing.values()]);
    this.#offsets.forget(closing.keys());
    for (const key of closing.keys()) this.#taskPaused.delete(key);
  }

  // ---- pauses, failure, shutdown --------------------------------------------------------------

  /** Applies the union of pause reasons (target state, retry backoff, the task's own) to the consumer. */
  #applyPauses(): void {
    const pause: TopicPartition[] = [];
    const resume: TopicPartition[] = [];
    const all = this.#targetPaused || this.#retrying;
    for (const [key, tp] of this.#assignment) {
      const paused = all || this.#taskPaused.has(key);
      if (paused === this.#kafkaPaused.has(key)) continue;
      if (paused) {
        pause.push(tp);
        this.#kafkaPaused.add(key);
      } else {
        resume.push(tp);
        this.#kafkaPaused.delete(key);
      }
    }
    this.#o.consumer.pause(pause);
    this.#o.consumer.resume(resume);
  }

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
   * `task.shutdown.graceful.timeout.ms`. Then leave the group, whether or not the task finished: what it
   * did not commit is delivered again, and it is stopped (never concurrently) when its last call returns.
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
      const left = this.#o.consumer.stop().catch((e) => this.#log.warn({ err: e }, 'Error stopping the Kafka consumer'));
      // kafkajs cannot leave in the middle of a join; like the Java client's close(), wait a bounded time
      if (!(await settlesWithin(this.#clock, left, CONSUMER_CLOSE_TIMEOUT_MS))) {
        this.#log.warn(`The Kafka consumer is still finishing a group join after ${CONSUMER_CLOSE_TIMEOUT_MS} ms; it leaves the group when the join completes`);
      }
      await this.#o.release?.().catch((e) => this.#log.warn({ err: e }, 'Error releasing the task resources'));
      this.#metrics.close();
    })();
    return this.#released;
  }

  /**
   * Runs inside #exclusive, at stop: commits again and again while the sink still has writes in flight
   * (its preCommit flushes and waits a little each time), for at most half the graceful window, so that
   * what the sink acknowledges during shutdown is committed rather than delivered again; then closes.
   */
  async #drainThenClose(): Promise<void> {
    const until = this.#clock.now() + this.#o.shutdownTimeoutMs / 2;
    let drained = false;
    try {
      while (!this.#failed) {
        await this.#commitLocked(false, this.#opened);
        drained = this.#offsets.allCommitted(this.#opened.keys());
        if (drained || this.#clock.now() >= until) break;
        await this.#clock.sleep(DRAIN_COMMIT_PAUSE_MS, this.#abandon.signal);
      }
    } catch (error) {
      this.#log.warn({ err: error }, 'Offset commit failed while draining at stop; the final commit tries again');
    }
    // everything handed to put() is committed (so nothing is in flight): no second, identical commit
    await this.#closePartitions(this.#opened, !drained);
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
      pause: (partitions) => {
        for (const { topic, partition } of partitions) this.#taskPaused.add(topicPartitionKey(topic, partition));
        this.#applyPauses();
      },
      resume: (partitions) => {
        for (const { topic, partition } of partitions) this.#taskPaused.delete(topicPartitionKey(topic, partition));
        this.#applyPauses();
      },
      assignment: () => [...this.#assignment.values()],
      requestCommit: () => {
        this.#commitRequested = true;
        queueMicrotask(() => this.#onTimer());
      },
    };
  }
}
