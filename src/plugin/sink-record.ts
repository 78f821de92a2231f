import type { Schema, SchemaAndValue } from './schema.js';

export interface Header {
  readonly key: string;
  /**
   * Raw header bytes as they were on the Kafka record (null for a null header value). A header a
   * transformation added has no bytes (null): its value is in `converted`.
   */
  readonly value: Uint8Array | null;
  /**
   * The typed Connect header (Kafka's Header.schema()/value()) the connector's header converter made of
   * the bytes, or a transformation set; set on every header of a SinkRecord. The bytes stay beside it
   * for the dead-letter queue.
   */
  readonly converted?: SchemaAndValue;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * One Kafka record after the key and value converters (and the connector's transformations) ran.
 * `rawKey`/`rawValue` keep the original bytes so that the dead-letter queue can forward them untouched;
 * the worker leaves them null when its error reporting will not read them (no dead-letter queue, no
 * errors.log.include.messages), so that a record a task holds does not keep its serialized form alive.
 */
export interface SinkRecord {
  /** the topic after transformations (a RegexRouter may have renamed it): where the record goes */
  readonly topic: string;
  readonly kafkaPartition: number;
  /** int64 in Kafka; offsets beyond 2^53 do not occur in practice, so a number is used */
  readonly kafkaOffset: number;
  /** milliseconds since the epoch, null when the record has none */
  readonly timestamp: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  readonly headers: readonly Header[];
  readonly rawKey: Uint8Array | null;
  readonly rawValue: Uint8Array | null;
  /**
   * Where the record was consumed (Kafka's originalTopic()/originalKafkaPartition()/originalKafkaOffset()),
   * whatever transformations did to topic, partition and offset: what offsets are tracked and committed by.
   */
  readonly originalTopic: string;
  readonly originalKafkaPartition: number;
  readonly originalKafkaOffset: number;
}

/** `${topic}-${partition}`, the key used in offset maps (same form as Kafka's TopicPartition.toString()). */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The key of the partition the record was consumed from, whatever transformations did to its topic. */
export function originalPartitionKey(record: SinkRecord): string {
  return topicPartitionKey(record.originalTopic, record.originalKafkaPartition);
}
