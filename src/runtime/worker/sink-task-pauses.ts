/**
 * Why a sink task's partitions are paused, and the consumer kept paused on exactly their union: the
 * connector's target state (PAUSED), a put() retry backoff (Kafka's pausedForRedelivery), and the
 * plugin task's own SinkTaskContext.pause().
 */
import { type TopicPartition, topicPartitionKey } from '../../plugin/index.js';
import type { SinkConsumer } from '../kafka/sink-consumer.js';

export class SinkTaskPauses {
  readonly #consumer: Pick<SinkConsumer, 'pause' | 'resume'>;
  /** the partitions the group assigned, by `topic-partition` key */
  readonly #assignment: () => ReadonlyMap<string, TopicPartition>;
  #targetPaused: boolean;
  #retrying = false;
  readonly #taskPaused = new Set<string>();
  /** what the consumer was last told to pause */
  #kafkaPaused = new Set<string>();

  constructor(consumer: Pick<SinkConsumer, 'pause' | 'resume'>, assignment: () => ReadonlyMap<string, TopicPartition>, targetPaused: boolean) {
    this.#consumer = consumer;
    this.#assignment = assignment;
    this.#targetPaused = targetPaused;
  }

  get targetPaused(): boolean {
    return this.#targetPaused;
  }

  setTargetPaused(paused: boolean): void {
    this.#targetPaused = paused;
    this.#apply();
  }

  setRetrying(retrying: boolean): void {
    if (this.#retrying === retrying) return;
    this.#retrying = retrying;
    this.#apply();
  }

  pausedByTask(key: string): boolean {
    return this.#taskPaused.has(key);
  }

  pauseByTask(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.#taskPaused.add(topicPartitionKey(topic, partition));
    this.#apply();
  }

  resumeByTask(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.#taskPaused.delete(topicPartitionKey(topic, partition));
    this.#apply();
  }

  /** Closed partitions take the task's own pauses with them. */
  forget(keys: Iterable<string>): void {
    for (const key of keys) this.#taskPaused.delete(key);
  }

  /** A new assignment: pauses apply to it afresh. */
  reassigned(): void {
    this.#kafkaPaused = new Set(); // a restarted kafkajs consumer forgot its pauses
    this.#apply();
  }

  /** Applies the union of pause reasons (target state, retry backoff, the task's own) to the consumer. */
  #apply(): void {
    const pause: TopicPartition[] = [];
    const resume: TopicPartition[] = [];
    const all = this.#targetPaused || this.#retrying;
    for (const [key, tp] of this.#assignment()) {
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
    this.#consumer.pause(pause);
    this.#consumer.resume(resume);
  }
}
