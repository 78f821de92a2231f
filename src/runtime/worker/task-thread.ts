/**
 * The main thread's side of one task thread: a `node:worker_threads` thread that runs sink tasks of one
 * connector (task-thread-entry.ts), so that their hot path — fetch, convert, put(), the sink's writes,
 * commits — never competes with the herder, the REST API or other connectors for one event loop.
 * TaskThread owns the thread: it starts it, hands it tasks (each a ThreadedTask, the task as the worker
 * sees it), passes log level changes on, routes what the thread reports to the task it concerns, and
 * tells every task still in it when the thread is gone, and why. The thread ends when its last task has
 * closed; TaskThreads (task-threads.ts) places tasks on threads.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread, type ResourceLimits } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Loggers } from '../loggers.js';
import type { TargetState } from '../status/status.js';
import type { ConnectorPluginMetrics } from './connector-plugin-metrics.js';
import type { FromTaskThread, TaskData, TaskThreadData, ToTaskThread } from './task-thread-data.js';

const OUT_OF_MEMORY = 'ERR_WORKER_OUT_OF_MEMORY';
/** The longest pause between two checks that the thread's event loop still answers. */
const MAX_PING_INTERVAL_MS = 5000;

const ENTRY = new URL(`./task-thread-entry${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** Starts a thread for `data`'s connector. */
function spawn(data: TaskThreadData, heapMaxMb: number): Thread {
  const resourceLimits: ResourceLimits = heapMaxMb > 0 ? { maxOldGenerationSizeMb: heapMaxMb } : {};
  if (extname(ENTRY.pathname) !== '.ts') return new Thread(ENTRY, { workerData: data, resourceLimits });
  // Run from the TypeScript sources (under tsx: development and tests). Node 20 does not hand the loader
  // that `--import tsx` registered to worker threads, so the thread registers tsx before its entry module.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY.href)}); });`;
  return new Thread(bootstrap, { eval: true, workerData: data, resourceLimits });
}

/** A task as its thread sees it: what the thread reports about it, and the thread's end. */
export interface ThreadTenant {
  onThreadMessage(message: FromTaskThread): void;
  /** The thread is gone while the task was still in it; `how` completes "The thread of task X …". */
  onThreadGone(how: string, cause: Error | undefined): void;
}

export interface TaskThreadOptions {
  readonly data: TaskThreadData;
  /** the worker's loggers: the thread's log lines are written through them, and it follows their levels */
  readonly loggers: Loggers;
  readonly logger: Logger;
  /** worker `task.heap.max.mb`: the thread's heap (V8 old generation) limit; 0 leaves V8's default */
  readonly heapMaxMb: number;
  /** worker `task.threads.unresponsive.timeout.ms`: how long the thread's event loop may not answer before it is ended; 0 never */
  readonly unresponsiveTimeoutMs: number;
  /** the connector's plugin metrics, which this thread's samples add to */
  readonly pluginMetrics?: ConnectorPluginMetrics;
  /** the thread has exited (the pool forgets it) */
  readonly onExit: (thread: TaskThread) => void;
}

export class TaskThread {
  readonly #o: TaskThreadOptions;
  readonly #thread: Thread;
  readonly #tenants = new Map<number, ThreadTenant>();
  #nextRef = 0;
  /** tasks placed here and not yet asked to stop: how busy the thread is */
  #load = 0;
  /** the thread is being ended on purpose; set with the reason other tasks in it are given */
  #ending: string | null = null;
  /** what the thread died of, when it threw (an uncaught exception, or out of memory) */
  #error: Error | null = null;
  readonly #unfollowLevels: () => void;
  /** when the unanswered ping was sent (null: none is out) */
  #pingedAt: number | null = null;
  readonly #watch: NodeJS.Timeout | null;

  constructor(options: TaskThreadOptions) {
    this.#o = options;
    const thread = spawn(options.data, options.heapMaxMb);
    this.#thread = thread;
    this.#unfollowLevels = options.loggers.onSetLevel((namespace, level) => this.#post({ type: 'log-level', namespace, level }));
    thread.on('message', (message: FromTaskThread) => this.#onMessage(message));
    thread.on('messageerror', (error) => this.#o.logger.error({ err: error }, 'A message from a task thread could not be read'));
    thread.on('error', (error) => {
      this.#error ??= error;
    });
    thread.on('exit', (code) => this.#onExit(code));
    const timeout = options.unresponsiveTimeoutMs;
    // A blocked event loop cannot heartbeat its consumers or answer a stop: without this check its tasks
    // would show RUNNING while nothing moves, until someone stopped them.
    this.#watch = timeout > 0 ? setInterval(() => this.#checkAnswering(timeout), Math.min(MAX_PING_INTERVAL_MS, timeout / 4)) : null;
    this.#watch?.unref();
  }

  /** Whether tasks may still be placed here (it is not being ended). */
  get accepting(): boolean {
    return this.#ending === null;
  }

  /** The tasks placed here that were not asked to stop yet. */
  get load(): number {
    return this.#load;
  }

  /** Starts `task` in this thread; returns the ref its messages carry. */
  host(tenant: ThreadTenant, task: TaskData): number {
    const ref = this.#nextRef++;
    this.#tenants.set(ref, tenant);
    this.#load += 1;
    this.#post({ type: 'start-task', ref, task });
    return ref;
  }

  transitionTo(ref: number, state: TargetState): void {
    this.#post({ type: 'target-state', ref, state });
  }

  /** Asks the task `ref` to stop; from now on it no longer counts towards the thread's load. */
  stop(ref: number): void {
    this.#load -= 1;
    this.#post({ type: 'stop', ref });
  }

  /**
   * The task `ref` no longer counts on this thread (it closed, or gave up waiting for its close). A
   * thread with no task left is ended: a new one starts when the connector needs one again.
   */
  release(ref: number): void {
    if (!this.#tenants.delete(ref)) return;
    if (this.#tenants.size === 0) this.end('it had no task left');
  }

  /**
   * Ends the thread on purpose. Tasks still in it are told the thread was terminated, with `reason`
   * (a thread is terminated when a task's stop went unanswered: its event loop is blocked for all of them).
   */
  end(reason: string): void {
    if (this.#ending !== null) return;
    this.#ending = reason;
    void this.#thread.terminate();
  }

  #post(message: ToTaskThread): void {
    if (this.#ending === null) this.#thread.postMessage(message);
  }

  /** Sends a ping when none is out; ends the thread when the one out has gone unanswered too long. */
  #checkAnswering(timeout: number): void {
    const now = performance.now();
    if (this.#pingedAt === null) {
      this.#pingedAt = now;
      this.#post({ type: 'ping' });
      return;
    }
    const silent = Math.round(now - this.#pingedAt);
    if (silent <= timeout) return;
    this.#o.logger.error(`A task thread of connector ${this.#o.data.connector} has not answered for ${silent} ms; it is terminated`);
    this.end(`its event loop did not answer for ${silent} ms (task.threads.unresponsive.timeout.ms=${timeout}): code in one of its tasks blocks it`);
  }

  #onMessage(message: FromTaskThread): void {
    switch (message.type) {
      case 'pong':
        this.#pingedAt = null;
        break;
      case 'log':
        this.#o.loggers.write(message.line);
        break;
      case 'plugin-metrics':
        this.#o.pluginMetrics?.update(this, message.samples);
        break;
      default:
        this.#tenants.get(message.ref)?.onThreadMessage(message);
    }
  }

  #onExit(code: number): void {
    if (this.#watch !== null) clearInterval(this.#watch);
    this.#unfollowLevels();
    this.#o.pluginMetrics?.end(this);
    const [how, cause] = this.#exitReason(code);
    const tenants = [...this.#tenants.values()];
    this.#tenants.clear();
    this.#ending ??= how;
    this.#o.onExit(this);
    for (const tenant of tenants) tenant.onThreadGone(how, cause);
  }

  #exitReason(code: number): [string, Error | undefined] {
    if (this.#ending !== null) return [`was terminated: ${this.#ending}`, undefined];
    const error = this.#error;
    if (error === null) return [`exited with code ${code} (process.exit() in the task's code?)`, undefined];
    if ((error as NodeJS.ErrnoException).code === OUT_OF_MEMORY) {
      const limit = this.#o.heapMaxMb > 0 ? `task.heap.max.mb=${this.#o.heapMaxMb}` : "V8's default limit";
      return [`ran out of memory: its heap reached ${limit}`, undefined];
    }
    return ['crashed with an uncaught exception', error];
  }
}
