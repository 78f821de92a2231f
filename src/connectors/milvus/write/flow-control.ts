import type { SinkTaskContext, TopicPartition } from '../../../plugin/index.js';

/**
 * Pauses consumption of every assigned partition while the task cannot keep up: a Milvus request is
 * backing off before a retry, more records are buffered than the in-flight requests can take for
 * longer than put() waits for room (Backpressure: a short pause costs kafkajs' fetch.max.wait.ms), or
 * Milvus has not answered yet at start (the task waits for it).
 * Resumes when neither holds. Only this class calls context.pause/resume, so the two reasons never
 * undo each other.
 */
export class FlowControl {
  readonly #context: SinkTaskContext;
  #retrying = 0;
  #backlogged = false;
  #waitingForMilvus = false;
  #paused = false;

  constructor(context: SinkTaskContext) {
    this.#context = context;
  }

  get paused(): boolean {
    return this.#paused;
  }

  retryStarted(): void {
    this.#retrying += 1;
    this.#update();
  }

  retryEnded(): void {
    this.#retrying = Math.max(0, this.#retrying - 1);
    this.#update();
  }

  backlogged(value: boolean): void {
    this.#backlogged = value;
    this.#update();
  }

  waitingForMilvus(value: boolean): void {
    this.#waitingForMilvus = value;
    this.#update();
  }

  /** Newly assigned partitions join the current state. */
  opened(partitions: readonly TopicPartition[]): void {
    if (this.#paused && partitions.length > 0) this.#context.pause(partitions);
  }

  #update(): void {
    const pause = this.#retrying > 0 || this.#backlogged || this.#waitingForMilvus;
    if (pause === this.#paused) return;
    this.#paused = pause;
    const assignment = this.#context.assignment();
    if (assignment.length === 0) return;
    if (pause) this.#context.pause(assignment);
    else this.#context.resume(assignment);
  }
}
