/**
 * The offsets one sink task keeps per partition (Kafka's WorkerSinkTask currentOffsets /
 * lastCommittedOffsets): how far records were handed over, and what was last committed.
 */
import { type OffsetMap, type TopicPartition, topicPartitionKey } from '../../plugin/index.js';

export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export class SinkTaskOffsets {
  /** next offset after everything handed to put() or skipped as errant: what preCommit receives */
  readonly #current: OffsetMap = new Map();
  /** last committed offset, or the first fetched one before any commit: where a rewind goes */
  readonly #committed = new Map<string, number>();

  /** A partition's first fetch starts at its committed offset (or, without one, at its earliest record). */
  fetched(key: string, firstOffset: number): void {
    if (!this.#committed.has(key)) this.#committed.set(key, firstOffset);
  }

  /** Records up to `nextOffset` (exclusive) were handed to put() or skipped as errant. */
  consumed(topic: string, partition: number, key: string, nextOffset: number): void {
    this.#current.set(key, { topic, partition, offset: nextOffset });
  }

  /** Where consumption of the partition goes on; undefined before its first batch. */
  position(key: string): number | undefined {
    return this.#current.get(key)?.offset;
  }

  /** A copy of the current offsets of these partitions: what preCommit receives. */
  snapshot(keys: Iterable<string>): OffsetMap {
    const out: OffsetMap = new Map();
    for (const key of keys) {
      const offset = this.#current.get(key);
      if (offset !== undefined) out.set(key, { ...offset });
    }
    return out;
  }

  /**
   * Invariant: commit offsets only after put() resolved — of what preCommit returned, only partitions
   * in `current` count, never beyond the offset preCommit was given; unless `closing`, offsets already
   * committed are left out. `ignored` hears about offsets for partitions the task was not given.
   */
  toCommit(safe: OffsetMap, current: OffsetMap, closing: boolean, ignored: (key: string, offset: number) => void): PartitionOffset[] {
    const out: PartitionOffset[] = [];
    for (const [key, { topic, partition, offset }] of safe) {
      const limit = current.get(key);
      if (limit === undefined) {
        ignored(key, offset);
        continue;
      }
      const capped = Math.min(offset, limit.offset);
      if (closing || this.#committed.get(key) !== capped) out.push({ topic, partition, offset: capped });
    }
    return out;
  }

  committed(offsets: readonly PartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) this.#committed.set(topicPartitionKey(topic, partition), offset);
  }

  /** Kafka's answer to a failing preCommit: consumption goes back to the last commit. Returns where to seek. */
  rewind(partitions: ReadonlyMap<string, TopicPartition>): PartitionOffset[] {
    const seeks: PartitionOffset[] = [];
    for (const [key, { topic, partition }] of partitions) {
      const offset = this.#committed.get(key);
      if (offset === undefined) continue;
      this.#current.set(key, { topic, partition, offset });
      seeks.push({ topic, partition, offset });
    }
    return seeks;
  }

  /** Whether everything handed to put() on these partitions is committed (nothing would be delivered again). */
  allCommitted(keys: Iterable<string>): boolean {
    for (const key of keys) {
      const current = this.#current.get(key);
      if (current !== undefined && this.#committed.get(key) !== current.offset) return false;
    }
    return true;
  }

  forget(keys: Iterable<string>): void {
    for (const key of keys) {
      this.#current.delete(key);
      this.#committed.delete(key);
    }
  }
}
