/**
 * One sink task's loop (Kafka's WorkerSinkTask): batch → convert → SinkTask.put → commit offsets.
 * The target state pauses and resumes consumption; a RetriableError pauses, backs off and redelivers;
 * any other error fails the task with its trace. Calls into the plugin task never overlap.
 *
 * The task owns its lifecycle (start, target state, failure, stop) and the consumer's callbacks; its
 * parts do the work, one per verb, sharing its offsets, pauses and one-at-a-time section:
 * SinkTaskDelivery (convert and put a batch, redeliver on RetriableError), SinkTaskCommitter (preCommit
 * and commit, close partitions, drain at stop), SinkTaskPauses (why partitions are paused).
 */
import type { Logger } from 'pino';
import { ConnectError, type PluginLogger, type SinkTask, type SinkTaskContext, type TopicPartition, topicPartitionKey } from '../../plugin/index.js';
import { settlesWithin, systemClock, type Clock } from '../clock.js';
import { ErrantRecordTracker, formatTrace, type ErrorReporter } from './error-handling.js';
import { isTransientKafkaError, type BatchControl, type RawBatch, type SinkConsumer, type SinkConsumerHandler } from '../kafka/sink-consumer.js';
import { NO_SINK_TASK_METRICS, type SinkTaskMetrics } from '../metrics.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from '../status/status.js';
import { SinkTaskCommitter } from './worker-sink-task-commit.js';
import type { ConverterHandle } from './convert-messages.js';
import { EXIT_MESSAGE, SinkTaskDelivery } from './worker-sink-task-deliver.js';
import { SinkTaskOffsets } from './sink-task-offsets.js';
import { SinkTaskPauses } from './sink-task-pauses.js';

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
  readonly #pauses: SinkTaskPauses;
  readonly #committer: SinkTaskCommitter;
  readonly #delivery: SinkTaskDelivery;
  /** the group is rebalancing: stop handing records over, commit, let kafkajs rejoin */
  #generationEnding = false;
  #failed = false;
  #stopping = false;
  /** serialises every call into the plugin task, and the commits that follow preCommit */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #errant: ErrantRecordTracker;
  #cancelTimer: () => void = () => {};
  #released: Promise<void> | null = null;

  constructor(options: WorkerSinkTaskOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger;
    this.#metrics = options.metrics ?? NO_SINK_TASK_METRICS;
    this.#errant = new ErrantRecordTracker(options.errors, options.taskClassName);
    this.#pauses = new SinkTaskPauses(options.consumer, () => this.#assignment, options.initialState === TargetState.PAUSED);
    const shared = {
      id: options.id,
      task: options.task,
      offsets: this.#offsets,
      pauses: this.#pauses,
      errant: this.#errant,
      clock: this.#clock,
      log: this.#log,
      metrics: this.#metrics,
      halt: this.#halt.signal,
      abandon: this.#abandon.signal,
      exclusive: <T>(fn: () => Promise<T>) => this.#exclusive(fn),
      fail: (error: unknown) => this.#fail(error),
    };
    this.#committer = new SinkTaskCommitter({
      ...shared,
      consumer: options.consumer,
      opened: this.#opened,
      offsetFlushIntervalMs: options.offsetFlushIntervalMs,
      offsetFlushTimeoutMs: options.offsetFlushTimeoutMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      failed: () => this.#failed,
    });
    this.#delivery = new SinkTaskDelivery({
      ...shared,
      keyConverter: options.keyConverter,
      valueConverter: options.valueConverter,
      errors: options.errors,
      listener: options.listener,
      maxPollRecords: options.maxPollRecords,
      topicTracking: options.topicTracking,
      committer: this.#committer,
      deliverable: (key) => this.#deliverable(key),
      generationEnding: () => this.#generationEnding,
    });
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
    this.#report(this.#pauses.targetPaused ? State.PAUSED : State.RUNNING);
    this.#cancelTimer = this.#committer.schedule();
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
    if (paused) this.#delivery.interruptBackoff();
    this.#report(paused ? State.PAUSED : State.RUNNING);
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
      await this.#committer.closePartitions(revoked);
    }
    const added = [...this.#assignment].filter(([key]) => !this.#opened.has(key));
    if (added.length === 0 || this.#halt.signal.aborted) return;
    for (const [key, tp] of added) this.#opened.set(key, tp);
    await this.#o.task.open(added.map(([, tp]) => tp));
  }

  onRebalancing(): void {
    this.#endGeneration();
    // the ending generation may still accept this commit; the assignment that follows commits again
    void this.#committer.commit();
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
      await this.#delivery.process(key, batch, control);
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
    this.#delivery.interruptBackoff();
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
   * `task.shutdown.graceful.timeout.ms`. Then leave the group, whether or not the task finished: what it
   * did not commit is delivered again, and it is stopped (never concurrently) when its last call returns.
   */
  #release(): Promise<void> {
    this.#released ??= (async () => {
      this.#cancelTimer();
      void this.#exclusive(() => this.#committer.drainThenClose()).catch((e) => this.#log.warn({ err: e }, 'Could not close the partitions'));
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
      requestCommit: () => this.#committer.request(),
    };
  }
}
