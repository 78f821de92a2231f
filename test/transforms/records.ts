/** Records and schemas for the transformation tests, in the shape Kafka's tests build them. */
import { SchemaType, type Field, type Predicate, type Schema, type SinkRecord, type Transformation } from '../../src/plugin/index.js';

export function record(fields: Partial<SinkRecord> = {}): SinkRecord {
  const topic = fields.topic ?? 'test';
  const kafkaPartition = fields.kafkaPartition ?? 0;
  const kafkaOffset = fields.kafkaOffset ?? 0;
  return {
    topic,
    kafkaPartition,
    kafkaOffset,
    timestamp: null,
    keySchema: null,
    key: null,
    valueSchema: null,
    value: null,
    headers: [],
    rawKey: null,
    rawValue: null,
    originalTopic: topic,
    originalKafkaPartition: kafkaPartition,
    originalKafkaOffset: kafkaOffset,
    ...fields,
  };
}

export const schema = (type: SchemaType, more: Partial<Schema> = {}): Schema => ({ type, optional: false, ...more });
export const optional = (type: SchemaType, more: Partial<Schema> = {}): Schema => ({ type, optional: true, ...more });

export function struct(fields: Array<[string, Schema]>, more: Partial<Schema> = {}): Schema {
  return { type: SchemaType.STRUCT, optional: false, ...more, fields: fields.map(([name, s], index): Field => ({ name, index, schema: s })) };
}

/** Field name → schema type (and optionality), to compare schemas without their object identity. */
export function shape(s: Schema | null): unknown {
  if (s === null) return null;
  if (s.type !== SchemaType.STRUCT) return `${s.type}${s.optional ? '?' : ''}${s.name ? `(${s.name})` : ''}`;
  return Object.fromEntries((s.fields ?? []).map((f) => [f.name, shape(f.schema)]));
}

export function configured<T extends Transformation | Predicate>(transformation: T, props: Record<string, string>): T {
  transformation.configure(props);
  return transformation;
}

export const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';
export const DATE = 'org.apache.kafka.connect.data.Date';
export const TIME = 'org.apache.kafka.connect.data.Time';
export const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
