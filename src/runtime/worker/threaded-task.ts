/**
 * One sink task as the worker sees it while the task runs in a task thread (task-thread.ts). It passes
 * the worker's wishes on (target state, stop), relays what the thread reports about the task (states
 * with traces, active topics, metric calls), and turns a thread that dies, or does not answer the
 * task's stop, into a FAILED task whose trace says what happened.
 */
import type { Logger } from 'pino';
import { ConnectError } from '../../plugin/index.js';
import { settlesWithin, systemClock, type Clock } from '../clock.js';
import type { SinkTaskMetrics } from '../metrics.js';
import { State, type ConnectorTaskId, type StatusListener, type TargetState } from '../status/status.js';
import { formatTrace } from './error-handling.js';
import { replayMetrics } from './sink-task-metrics-buffer.js';
import type { FromTaskThread, TaskData } from './task-thread-data.js';
import type { TaskThread, ThreadTenant } from './task-thread.js';

export interface ThreadedTaskOptions {
  readonly data: TaskData;
  /** where the task's states and active topics go (the herder) */
  readonly listener: StatusListener;
  /** `org.apache.kafka.connect.runtime.WorkerSinkTask`, bound to connector and task */
  readonly logger: Logger;
  /** the task's registered metrics, which the thread's metric calls are replayed on */
  readonly metrics?: SinkTaskMetrics;
  readonly clock?: Clock;
}

/**
 * Beyond `task.shutdown.graceful.timeout.ms`: the thread answers a stop when its graceful window is
 * over at the latest, so one that has not answered shortly after has a blocked event loop.
 */
export const STOP_ANSWER_MARGIN_MS = 500;
/** After the stop answer: the consumer leaves its group (bounded by 30 s in the thread), then the task is gone. */
const CLOSE_WAIT_MS = 35_000;

const CONSUMER_LEFT_BEHIND =
  'Its consumer could not leave the group, so Kafka hands its partitions to other members only after the consumer ' +
  'session.timeout.ms; what it had not committed is delivered again.';

export class ThreadedTask implements ThreadTenant {
  readonly #o: ThreadedTaskOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  #thread: TaskThread | null = null;
  #ref = -1;
  /** aborted when the task is gone from its thread, however */
  readonly #gone = new AbortController();
  readonly #closed: Promise<void>;
  #stopRequested = false;
  #stopAnswered = false;
  readonly #stopAnswer: Promise<void>;
  #answerStop: () => void = () => {};
  /** FAILED was reported for this task, by its thread or here */
  #failed = false;
  /** the thread has reported a state of this task: it has built the task (before that, no consumer exists) */
  #reported = false;

  constructor(options: ThreadedTaskOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger;
    this.#stopAnswer = new Promise((resolve) => (this.#answerStop = resolve));
    this.#closed = new Promise((resolve) => this.#gone.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  get id(): ConnectorTaskId {
    return this.#o.data.id;
  }

  /** Starts the task in `thread`; it builds itself there and reports RUNNING, PAUSED or FAILED. */
  start(thread: TaskThread): void {
    this.#thread = thread;
    this.#ref = thread.host(this, this.#o.data);
  }

  /**
   * Moves the task to PAUSED or STARTED. Like Kafka's WorkerTask.transitionTo it does not wait: the thread
   * applies it as soon as it can and reports PAUSED or RUNNING then (a thread still loading, or busy, must
   * not hold up the herder's request lane).
   */
  transitionTo(state: TargetState): void {
    if (this.#stopRequested || this.#gone.signal.aborted) return;
    this.#thread?.transitionTo(this.#ref, state);
  }

  /**
   * Asks the task to stop: it commits what is safe, closes and stops within
   * `task.shutdown.graceful.timeout.ms` and reports UNASSIGNED unless it had failed. A thread that has not
   * answered shortly after that window is terminated and the task reported FAILED. Either way the
   * consumer then leaves in the background: `closed()` tells when the task is gone from its thread.
   */
  async stop(): Promise<void> {
    if (!this.#stopRequested) {
      this.#stopRequested = true;
      if (!this.#gone.signal.aborted) this.#thread?.stop(this.#ref);
      void this.#releaseAfterClose();
    }
    const bound = this.#o.data.shutdownTimeoutMs + STOP_ANSWER_MARGIN_MS;
    if (!(await settlesWithin(this.#clock, this.#stopAnswer, bound)) && !this.#gone.signal.aborted) this.#unresponsive(bound);
  }

  /** Resolves once the task is gone from its thread: its consumer left the group and its resources were released, or the thread ended. */
  closed(): Promise<void> {
    return this.#closed;
  }

  onThreadMessage(message: FromTaskThread): void {
    const { id } = this.#o.data;
    switch (message.type) {
      case 'task-state':
        this.#reported = true;
        if (message.state === State.FAILED) this.#failed = true;
        this.#o.listener.onTaskState(id, message.state, message.trace);
        break;
      case 'topic-active':
        this.#o.listener.onTopicActive(id.connector, message.topic);
        break;
      case 'metrics':
        if (this.#o.metrics) replayMetrics(message.calls, this.#o.metrics);
        break;
      case 'stopped':
        this.#answered();
        break;
      case 'closed':
        this.#release();
        break;
    }
  }

  onThreadGone(how: string, cause: Error | undefined): void {
    // after the stop answer the task was already done: the thread only ended too early for its consumer to leave
    const message = `The thread of task ${this.#key()} ${how}. ${CONSUMER_LEFT_BEHIND}`;
    if (this.#stopAnswered || this.#failed) this.#log.warn({ err: cause }, message);
    else this.#reportFailure(new ConnectError(message, cause === undefined ? undefined : { cause }));
    this.#answered();
    this.#gone.abort();
    this.#o.metrics?.close();
  }

  #answered(): void {
    this.#stopAnswered = true;
    this.#answerStop();
  }

  /** The task is gone from its thread (it closed, or is given up on): the thread may end. */
  #release(): void {
    if (this.#gone.signal.aborted) return;
    this.#gone.abort();
    this.#o.metrics?.close();
    this.#thread?.release(this.#ref);
  }

  /** After the stop answer the thread closes the task and says `closed`; one that never does is given up on. */
  async #releaseAfterClose(): Promise<void> {
    await this.#stopAnswer;
    await this.#clock.sleep(CLOSE_WAIT_MS, this.#gone.signal);
    if (this.#gone.signal.aborted) return;
    this.#log.warn(`Task ${this.#key()} had not finished leaving the consumer group ${CLOSE_WAIT_MS} ms after the stop; it is no longer waited for`);
    this.#release();
  }

  #unresponsive(bound: number): void {
    const thread = this.#thread;
    const key = this.#key();
    if (!this.#reported) {
      // still loading its modules: no consumer was started, nothing was consumed, so ending it is a clean stop
      this.#log.warn(`The thread of task ${key} was still starting when the task was stopped; it is terminated`);
      this.#o.listener.onTaskState(this.#o.data.id, State.UNASSIGNED);
      this.#answered();
    } else {
      const message =
        `The thread of task ${key} did not answer the stop within ${bound} ms (task.shutdown.graceful.timeout.ms + ${STOP_ANSWER_MARGIN_MS} ms): ` +
        `its event loop is blocked. The thread was terminated; ${CONSUMER_LEFT_BEHIND.charAt(0).toLowerCase()}${CONSUMER_LEFT_BEHIND.slice(1)}`;
      this.#reportFailure(new ConnectError(message));
      this.#answered();
    }
    // this task is done; the other tasks of the thread are blocked with it
    this.#release();
    thread?.end(`task ${key} of the same thread did not answer its stop within ${bound} ms (a blocked event loop)`);
  }

  #reportFailure(error: Error): void {
    this.#log.error({ err: error }, error.message);
    if (this.#failed) return;
    this.#failed = true;
    this.#o.listener.onTaskState(this.#o.data.id, State.FAILED, formatTrace(error));
  }

  #key(): string {
    return `${this.#o.data.id.connector}-${this.#o.data.id.task}`;
  }
}
