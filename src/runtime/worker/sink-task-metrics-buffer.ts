/**
 * A task's metrics on their way out of its thread. The metrics registry (prom-client) lives on the main
 * thread, where `/metrics` is scraped; in the task thread, SinkTaskMetricsBuffer keeps each call, in
 * order, until the thread hands the batch over (about once a second, and before it answers a stop), and
 * the main thread replays the calls on the task's registered metrics. Only numbers cross, never records.
 */
import type { TopicPartition } from '../../plugin/index.js';
import type { SinkTaskMetrics } from '../metrics.js';

/** One SinkTaskMetrics call as it crosses the thread boundary (structured-clone friendly). */
export type SinkTaskMetricsCall =
  | readonly ['read', number]
  | readonly ['put', number, number]
  | readonly ['retried']
  | readonly ['recordError', boolean, boolean]
  | readonly ['deadLetter', boolean]
  | readonly ['commit', number, boolean]
  | readonly ['lag', string, number, number]
  | readonly ['partitionsClosed', TopicPartition[]];

export class SinkTaskMetricsBuffer implements SinkTaskMetrics {
  #calls: SinkTaskMetricsCall[] = [];
  /** the records read since the last other call: consecutive reads travel as one number */
  #read = 0;
  readonly #onClose: () => void;

  /** `onClose`: the task is gone; the thread hands over what is left (the main thread removes the series). */
  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  recordsRead(count: number): void {
    this.#read += count;
  }

  recordsPut(count: number, seconds: number): void {
    this.#push(['put', count, seconds]);
  }

  retried(): void {
    this.#push(['retried']);
  }

  recordError(outcome: { skipped: boolean; logged: boolean }): void {
    this.#push(['recordError', outcome.skipped, outcome.logged]);
  }

  deadLetterProduced(ok: boolean): void {
    this.#push(['deadLetter', ok]);
  }

  offsetCommit(seconds: number, ok: boolean): void {
    this.#push(['commit', seconds, ok]);
  }

  lag(topic: string, partition: number, records: number): void {
    this.#push(['lag', topic, partition, records]);
  }

  partitionsClosed(partitions: Iterable<TopicPartition>): void {
    this.#push(['partitionsClosed', [...partitions].map(({ topic, partition }) => ({ topic, partition }))]);
  }

  close(): void {
    this.#onClose();
  }

  /** The calls since the last take, in order; empty when there were none. */
  take(): SinkTaskMetricsCall[] {
    this.#foldReads();
    const calls = this.#calls;
    this.#calls = [];
    return calls;
  }

  #push(call: SinkTaskMetricsCall): void {
    this.#foldReads();
    this.#calls.push(call);
  }

  #foldReads(): void {
    if (this.#read === 0) return;
    this.#calls.push(['read', this.#read]);
    this.#read = 0;
  }
}

/** Replays calls taken from a task thread's buffer on the task's metrics (on the main thread). */
export function replayMetrics(calls: readonly SinkTaskMetricsCall[], metrics: SinkTaskMetrics): void {
  for (const call of calls) {
    switch (call[0]) {
      case 'read':
        metrics.recordsRead(call[1]);
        break;
      case 'put':
        metrics.recordsPut(call[1], call[2]);
        break;
      case 'retried':
        metrics.retried();
        break;
      case 'recordError':
        metrics.recordError({ skipped: call[1], logged: call[2] });
        break;
      case 'deadLetter':
        metrics.deadLetterProduced(call[1]);
        break;
      case 'commit':
        metrics.offsetCommit(call[1], call[2]);
        break;
      case 'lag':
        metrics.lag(call[1], call[2], call[3]);
        break;
      case 'partitionsClosed':
        metrics.partitionsClosed(call[1]);
        break;
    }
  }
}
