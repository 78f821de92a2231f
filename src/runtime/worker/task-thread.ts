/**
 * The main thread's side of one sink task. The task runs in a `node:worker_threads` thread of its own
 * (task-thread-entry.ts): its hot path — fetch, convert, put(), the sink's writes, commits — never
 * competes with the herder, the REST API or the other tasks for one event loop, and a task that crashes
 * or hangs takes only itself down. TaskThread owns that thread: it starts it, passes the worker's
 * wishes on (target state, stop, log levels), relays what the thread reports (states with traces,
 * active topics, metrics, log lines), and turns a thread that dies or does not answer a stop into a
 * FAILED task whose trace says what happened.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread, type ResourceLimits } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ConnectError } from '../../plugin/index.js';
import { settlesWithin, systemClock, type Clock } from '../clock.js';
import type { Loggers } from '../loggers.js';
import type { SinkTaskMetrics } from '../metrics.js';
import { State, type ConnectorTaskId, type StatusListener, type TargetState } from '../status/status.js';
import type { ConnectorPluginMetrics } from './connector-plugin-metrics.js';
import { formatTrace } from './error-handling.js';
import { replayMetrics } from './sink-task-metrics-buffer.js';
import type { FromTaskThread, TaskThreadData, ToTaskThread } from './task-thread-data.js';

export interface TaskThreadOptions {
  readonly data: TaskThreadData;
  /** where the task's states and active topics go (the herder) */
  readonly listener: StatusListener;
  /** the worker's loggers: the thread's log lines are written through them, and it follows their levels */
  readonly loggers: Loggers;
  /** `org.apache.kafka.connect.runtime.WorkerSinkTask`, bound to connector and task */
  readonly logger: Logger;
  /** worker `task.heap.max.mb`: the thread's heap (V8 old generation) limit; 0 leaves V8's default */
  readonly heapMaxMb: number;
  /** the task's registered metrics, which the thread's metric calls are replayed on */
  readonly metrics?: SinkTaskMetrics;
  /** the connector's plugin metrics, which this thread's samples add to */
  readonly pluginMetrics?: ConnectorPluginMetrics;
  readonly clock?: Clock;
}

/**
 * Beyond `task.shutdown.graceful.timeout.ms`: the thread answers a stop when its graceful window is
 * over at the latest, so one that has not answered shortly after has a blocked event loop.
 */
export const STOP_ANSWER_MARGIN_MS = 500;
/** After the stop answer: the consumer leaves its group (bounded by 30 s in the thread), then the thread ends. */
const CLOSE_WAIT_MS = 35_000;
const OUT_OF_MEMORY = 'ERR_WORKER_OUT_OF_MEMORY';

const ENTRY = new URL(`./task-thread-entry${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** Starts the thread that runs `data`'s task. */
function spawn(data: TaskThreadData, heapMaxMb: number): Thread {
  const resourceLimits: ResourceLimits = heapMaxMb > 0 ? { maxOldGenerationSizeMb: heapMaxMb } : {};
  if (extname(ENTRY.pathname) !== '.ts') return new Thread(ENTRY, { workerData: data, resourceLimits });
  // Run from the TypeScript sources (under tsx: development and tests). Node 20 does not hand the loader
  // that `--import tsx` registered to worker threads, so the thread registers tsx before its entry module.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY.href)}); });`;
  return new Thread(bootstrap, { eval: true, workerData: data, resourceLimits });
}

export class TaskThread {
  readonly #o: TaskThreadOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  #thread: Thread | null = null;
  /** aborted when the thread has exited, however */
  readonly #gone = new AbortController();
  readonly #exited: Promise<void>;
  #stopRequested = false;
  #stopAnswered = false;
  readonly #stopAnswer: Promise<void>;
  #answerStop: () => void = () => {};
  /** FAILED was reported for this task, by its thread or here */
  #failed = false;
  /** the thread has reported a task state: it has loaded and built the task (before that, no consumer exists) */
  #reported = false;
  /** the thread is being ended on purpose (it said it is done, or it did not answer): its exit is no crash */
  #ending = false;
  /** what the thread died of, when it threw (an uncaught exception, or out of memory) */
  #error: Error | null = null;
  #unfollowLevels: () => void = () => {};

  constructor(options: TaskThreadOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger;
    this.#stopAnswer = new Promise((resolve) => (this.#answerStop = resolve));
    this.#exited = new Promise((resolve) => this.#gone.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  get id(): ConnectorTaskId {
    return this.#o.data.id;
  }

  /** Starts the thread; the task builds itself there and reports RUNNING, PAUSED or FAILED. */
  start(): void {
    const { data, loggers } = this.#o;
    const thread = spawn(data, this.#o.heapMaxMb);
    this.#thread = thread;
    this.#unfollowLevels = loggers.onSetLevel((namespace, level) => this.#post({ type: 'log-level', namespace, level }));
    thread.on('message', (message: FromTaskThread) => this.#onMessage(message));
    thread.on('messageerror', (error) => this.#log.error({ err: error }, 'A message from the task thread could not be read'));
    thread.on('error', (error) => {
      this.#error ??= error;
    });
    thread.on('exit', (code) => this.#onExit(code));
  }

  /**
   * Moves the task to PAUSED or STARTED. Like Kafka's WorkerTask.transitionTo it does not wait: the thread
   * applies it as soon as it can and reports PAUSED or RUNNING then (a thread still loading, or busy, must
   * not hold up the herder's request lane).
   */
  transitionTo(state: TargetState): void {
    if (this.#stopRequested) return;
    this.#post({ type: 'target-state', state });
  }

  /**
   * Asks the task to stop: it commits what is safe, closes and stops within
   * `task.shutdown.graceful.timeout.ms` and reports UNASSIGNED unless it had failed. A thread that has not
   * answered shortly after that window is terminated and the task reported FAILED. Either way the
   * consumer then leaves in the background: `closed()` tells when the thread is gone.
   */
  async stop(): Promise<void> {
    if (!this.#stopRequested) {
      this.#stopRequested = true;
      this.#post({ type: 'stop' });
      void this.#endAfterClose();
    }
    const bound = this.#o.data.shutdownTimeoutMs + STOP_ANSWER_MARGIN_MS;
    if (!(await settlesWithin(this.#clock, this.#stopAnswer, bound)) && this.#thread !== null) this.#unresponsive(bound);
  }

  /** Resolves once the thread has exited: after the consumer left the group and the task's resources were released, or a crash, or a termination. */
  closed(): Promise<void> {
    return this.#exited;
  }

  #post(message: ToTaskThread): void {
    this.#thread?.postMessage(message);
  }

  #onMessage(message: FromTaskThread): void {
    const { id } = this.#o.data;
    switch (message.type) {
      case 'log':
        this.#o.loggers.write(message.line);
        break;
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
        if (message.plugin !== null) this.#o.pluginMetrics?.update(this, message.plugin);
        break;
      case 'stopped':
        this.#answered();
        break;
      case 'closed':
        this.#end();
        break;
    }
  }

  #answered(): void {
    this.#stopAnswered = true;
    this.#answerStop();
  }

  /** Ends the thread on purpose: it is done, or it must not run any longer. */
  #end(): void {
    this.#ending = true;
    void this.#thread?.terminate();
  }

  /** After the stop answer the thread leaves the group and says `closed`; one that never does is ended anyway. */
  async #endAfterClose(): Promise<void> {
    await this.#stopAnswer;
    await this.#clock.sleep(CLOSE_WAIT_MS, this.#gone.signal);
    if (this.#gone.signal.aborted) return;
    this.#log.warn(`The thread of task ${this.#key()} had not finished leaving the consumer group ${CLOSE_WAIT_MS} ms after the stop; it is terminated`);
    this.#end();
  }

  #unresponsive(bound: number): void {
    if (!this.#reported) {
      // still loading its modules: no consumer was started, nothing was consumed, so ending it is a clean stop
      this.#log.warn(`The thread of task ${this.#key()} was still starting when it was stopped; it is terminated`);
      this.#o.listener.onTaskState(this.#o.data.id, State.UNASSIGNED);
      this.#end();
      this.#answered();
      return;
    }
    const message =
      `The thread of task ${this.#key()} did not answer the stop within ${bound} ms (task.shutdown.graceful.timeout.ms + ${STOP_ANSWER_MARGIN_MS} ms): ` +
      'its event loop is blocked. The thread was terminated; its consumer could not leave the group, so Kafka hands its partitions to ' +
      'other members only after the consumer session.timeout.ms, and what it had not committed is delivered again.';
    this.#reportFailure(new ConnectError(message));
    this.#end();
    this.#answered();
  }

  #onExit(code: number): void {
    this.#thread = null;
    this.#unfollowLevels();
    if (!this.#ending) this.#crashed(code);
    this.#answered();
    this.#o.metrics?.close();
    this.#o.pluginMetrics?.end(this);
    this.#gone.abort();
  }

  /** The thread ended on its own before it said it was done. */
  #crashed(code: number): void {
    const error = this.#error;
    const how =
      error === null
        ? `exited with code ${code} (process.exit() in the task's code?)`
        : (error as NodeJS.ErrnoException).code === OUT_OF_MEMORY
          ? `ran out of memory: its heap reached ${this.#o.heapMaxMb > 0 ? `task.heap.max.mb=${this.#o.heapMaxMb}` : "V8's default limit"}`
          : 'crashed with an uncaught exception';
    const message =
      `The thread of task ${this.#key()} ${how}. Its consumer could not leave the group, so Kafka hands its partitions to other ` +
      'members only after the consumer session.timeout.ms; what it had not committed is delivered again.';
    // after the stop answer the task was already done; the thread only ended too early
    if (this.#stopAnswered || this.#failed) this.#log.warn({ err: error ?? undefined }, message);
    else this.#reportFailure(new ConnectError(message, error === null ? undefined : { cause: error }));
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
