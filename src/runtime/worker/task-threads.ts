/**
 * The worker's task threads, and where each new task runs. A connector's tasks share up to
 * `task.threads.per.connector` threads (by default one fewer than the cores); connectors never share one.
 *
 * Why not one thread per task: every thread is a JavaScript isolate with a module graph of its own, and
 * a sink's client library is loaded, and its definitions parsed, once per thread (measured for the
 * Milvus sink: about 78 MiB and 1 s of CPU per thread before any record). Tasks beyond the cores the
 * process may use cannot run at the same time anyway; in one thread they interleave on its event loop
 * as they did on the main one, and share one client per connection. Why never across connectors: a
 * thread that crashes, runs out of memory or blocks takes every task in it down, and a fault in one
 * connector's plugin or config must not reach another connector.
 */
import { stat } from 'node:fs';
import type { Logger } from 'pino';
import type { Loggers } from '../loggers.js';
import type { PluginModule } from '../plugins.js';
import type { ConnectorPluginMetrics } from './connector-plugin-metrics.js';
import { TaskThread } from './task-thread.js';

export interface TaskThreadsOptions {
  /** the modules each thread loads its plugin registry from */
  readonly plugins: readonly PluginModule[];
  readonly loggers: Loggers;
  readonly logger: Logger;
  /** worker `task.threads.per.connector`, resolved (at least 1) */
  readonly threadsPerConnector: number;
  /** worker `task.heap.max.mb` */
  readonly heapMaxMb: number;
  /** worker `task.threads.nice` */
  readonly nice: number;
  /** worker `task.threads.unresponsive.timeout.ms` */
  readonly unresponsiveTimeoutMs: number;
  /** whether the worker exports metrics (else the threads send none) */
  readonly metrics: boolean;
  /** the connector's plugin metrics, which its threads' samples add to */
  readonly pluginMetrics: (connector: string) => ConnectorPluginMetrics | undefined;
}

export class TaskThreads {
  readonly #o: TaskThreadsOptions;
  /** each connector's running threads */
  readonly #threads = new Map<string, TaskThread[]>();

  constructor(options: TaskThreadsOptions) {
    this.#o = options;
    // libuv's thread pool (DNS lookups, file I/O, zlib for every thread of the process) is created by the
    // first thread that uses it, and its threads inherit that thread's priority: make it the main thread,
    // so that a task thread running at task.threads.nice never lowers the pool's priority for everyone.
    stat(process.cwd(), () => undefined);
  }

  /**
   * The thread for a new task of `connector`: an idle one of its threads, else a new thread while the
   * connector has fewer than the limit, else the least busy. A restarted task thus lands on the thread its
   * predecessor used while that one is still leaving, without loading anything again.
   */
  threadFor(connector: string): TaskThread {
    const threads = (this.#threads.get(connector) ?? []).filter((thread) => thread.accepting);
    const idle = threads.find((thread) => thread.load === 0);
    if (idle !== undefined) return idle;
    if (threads.length < this.#o.threadsPerConnector) return this.#spawn(connector);
    return threads.reduce((least, thread) => (thread.load < least.load ? thread : least));
  }

  /** Threads running now, per connector (for tests and diagnostics). */
  counts(): Map<string, number> {
    return new Map([...this.#threads].map(([connector, threads]) => [connector, threads.length]));
  }

  #spawn(connector: string): TaskThread {
    const pluginMetrics = this.#o.pluginMetrics(connector);
    const thread = new TaskThread({
      data: { connector, plugins: this.#o.plugins, logLevels: this.#o.loggers.levels(), metrics: this.#o.metrics, nice: this.#o.nice },
      loggers: this.#o.loggers,
      logger: this.#o.logger,
      heapMaxMb: this.#o.heapMaxMb,
      unresponsiveTimeoutMs: this.#o.unresponsiveTimeoutMs,
      ...(pluginMetrics ? { pluginMetrics } : {}),
      onExit: (ended) => this.#forget(connector, ended),
    });
    this.#threads.set(connector, [...(this.#threads.get(connector) ?? []), thread]);
    return thread;
  }

  #forget(connector: string, thread: TaskThread): void {
    const left = (this.#threads.get(connector) ?? []).filter((t) => t !== thread);
    if (left.length > 0) this.#threads.set(connector, left);
    else this.#threads.delete(connector);
  }
}
