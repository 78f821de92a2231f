import type { Schema, SinkRecord } from '../../plugin/index.js';

/**
 * Which part of the record a `$Key` / `$Value` transformation works on (Kafka's operatingSchema,
 * operatingValue and newRecord, one pair of subclasses per transformation there).
 */
export type RecordPart = 'key' | 'value';

export function operatingSchema(record: SinkRecord, part: RecordPart): Schema | null {
  return part === 'key' ? record.keySchema : record.valueSchema;
}

export function operatingValue(record: SinkRecord, part: RecordPart): unknown {
  return part === 'key' ? record.key : record.value;
}

/** The record with its key or value (and that part's schema) replaced; everything else, originals included, kept. */
export function withPart(record: SinkRecord, part: RecordPart, schema: Schema | null, value: unknown): SinkRecord {
  return part === 'key' ? { ...record, keySchema: schema, key: value } : { ...record, valueSchema: schema, value };
}
