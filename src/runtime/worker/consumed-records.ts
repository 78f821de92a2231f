import type { SinkRecord } from '../../plugin/index.js';

/** The record as it was consumed from Kafka (what the error log and the dead-letter queue report). */
export type ConsumedRecord = Pick<SinkRecord, 'topic' | 'kafkaPartition' | 'kafkaOffset' | 'timestamp' | 'rawKey' | 'rawValue' | 'headers'>;

/**
 * The consumed record behind each record the transformations changed, so that a task reporting such a
 * record as errant gets the consumed one dead-lettered (original topic, partition, offset, bytes and
 * headers), as Kafka's InternalSinkRecord does. Keyed weakly: an entry goes with its record.
 */
const consumedRecords = new WeakMap<SinkRecord, ConsumedRecord>();

export function rememberConsumed(transformed: SinkRecord, original: SinkRecord): void {
  consumedRecords.set(transformed, {
    topic: original.originalTopic,
    kafkaPartition: original.originalKafkaPartition,
    kafkaOffset: original.originalKafkaOffset,
    timestamp: original.timestamp,
    rawKey: original.rawKey,
    rawValue: original.rawValue,
    headers: original.headers,
  });
}

/** The record a report about `record` names: the consumed one when transformations changed it. */
export function consumedRecordOf(record: SinkRecord): ConsumedRecord {
  return consumedRecords.get(record) ?? record;
}
