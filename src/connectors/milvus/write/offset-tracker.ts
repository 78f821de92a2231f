import { topicPartitionKey, type OffsetMap, type TopicPartition } from '../../../plugin/index.js';

/**
 * Which offsets are safe to commit. Every record handed to put() is tracked until it is durable:
 * written to Milvus, deleted by its tombstone, deliberately skipped, or reported errant with the
 * reporter's promise resolved. Records finish out of order (several batches are in flight), so the
 * committable offset of a partition is its lowest unfinished offset.
 *
 * Invariant: committable() never returns an offset past a record that is still pending.
 */
export class OffsetTracker {
  /** per `${topic}-${partition}`: pending offset → how many times it is pending (a replay may track it twice) */
  readonly #pending = new Map<string, Map<number, number>>();

  track(topic: string, partition: number, offset: number): void {
    const key = topicPartitionKey(topic, partition);
    let offsets = this.#pending.get(key);
    if (!offsets) {
      offsets = new Map();
      this.#pending.set(key, offsets);
    }
    offsets.set(offset, (offsets.get(offset) ?? 0) + 1);
  }

  done(topic: string, partition: number, offset: number): void {
    const key = topicPartitionKey(topic, partition);
    const offsets = this.#pending.get(key);
    const count = offsets?.get(offset);
    if (offsets === undefined || count === undefined) return;
    if (count > 1) offsets.set(offset, count - 1);
    else offsets.delete(offset);
    if (offsets.size === 0) this.#pending.delete(key);
  }

  /** How many records are still pending, over all partitions. */
  get pendingCount(): number {
    let n = 0;
    for (const offsets of this.#pending.values()) for (const count of offsets.values()) n += count;
    return n;
  }

  /**
   * For each partition in `currentOffsets` (the next offsets after everything handed to put()):
   * that offset when nothing of the partition is pending, else the lowest pending offset, since the
   * consumer resumes from a committed offset and that record must be delivered again.
   */
  committable(currentOffsets: OffsetMap): OffsetMap {
    const result: OffsetMap = new Map();
    for (const [key, current] of currentOffsets) {
      const offsets = this.#pending.get(key);
      let offset = current.offset;
      if (offsets) for (const pending of offsets.keys()) if (pending < offset) offset = pending;
      result.set(key, { topic: current.topic, partition: current.partition, offset });
    }
    return result;
  }

  /** Drops revoked partitions: their records will be delivered again to whoever owns them next. */
  forget(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#pending.delete(topicPartitionKey(tp.topic, tp.partition));
  }
}
