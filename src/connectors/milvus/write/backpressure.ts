import { abortableSleep } from './abortable-sleep.js';

/** What Backpressure watches: the records the dispatcher holds (open batch, queued, in flight). */
export interface BufferedWork {
  readonly bufferedRecords: number;
  /** Resolves once at most `records` are held (or the work failed: the caller finds out on its own). */
  whenAtMost(records: number): Promise<void>;
}

export interface BackpressureOptions {
  /** above this many records held, put() does not return at once */
  readonly highWater: number;
  /** put() returns, and paused consumption resumes, once no more than this many are held */
  readonly resumeAt: number;
  /** how long put() waits for room before it pauses consumption and returns instead */
  readonly maxWaitMs: number;
  /** the wait's timer; injectable so that tests decide when time is up */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Bounds what a sink task holds in memory, in two steps. When put() leaves more than `highWater`
 * records held, put() itself waits until a request finishes and no more than `resumeAt` are held; the
 * consumer's next fetch then starts the moment put() returns. Only when that takes longer than
 * `maxWaitMs` (Milvus is slow to answer, or a request is backing off before a retry) does consumption
 * pause, and it resumes once the held records are down to `resumeAt` again.
 *
 * Waiting comes first because pausing is expensive when it is short: kafkajs, finding every partition
 * of a broker paused, sleeps fetch.max.wait.ms (500 ms by default) before it looks again, so a resume
 * takes effect up to that long later. At batch.max.rows=200, where a request takes ~150 ms, the task
 * paused and resumed for nearly every request and stood idle for most of each cycle (issue 20: 671
 * against 5,274 rows/s Milvus allowed). Waiting in put() holds the task's commits back for at most
 * `maxWaitMs`, and keeps the group membership alive (the worker heartbeats during put()).
 */
export class Backpressure {
  readonly #work: BufferedWork;
  readonly #options: BackpressureOptions;
  readonly #onBacklog: (backlogged: boolean) => void;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  #backlogged = false;

  /** `onBacklog(true)` pauses consumption, `onBacklog(false)` resumes it. */
  constructor(work: BufferedWork, options: BackpressureOptions, onBacklog: (backlogged: boolean) => void) {
    this.#work = work;
    this.#options = options;
    this.#onBacklog = onBacklog;
    this.#sleep = options.sleep ?? abortableSleep;
  }

  /** Consumption is paused because the held records did not come down in time. */
  get backlogged(): boolean {
    return this.#backlogged;
  }

  /** Called at the end of every put(): returns at once, after room was made, or after pausing consumption. */
  async afterPut(): Promise<void> {
    const { highWater, resumeAt, maxWaitMs } = this.#options;
    if (this.#work.bufferedRecords <= highWater) return;
    const timer = new AbortController();
    await Promise.race([this.#work.whenAtMost(resumeAt), this.#sleep(maxWaitMs, timer.signal)]);
    timer.abort();
    if (this.#work.bufferedRecords <= resumeAt || this.#backlogged) return;
    this.#setBacklogged(true);
    void this.#work.whenAtMost(resumeAt).then(() => this.#setBacklogged(false));
  }

  #setBacklogged(backlogged: boolean): void {
    this.#backlogged = backlogged;
    this.#onBacklog(backlogged);
  }
}
