import { ConfigError, DataError, type SinkRecord } from '../../../plugin/index.js';
import { DYNAMIC_FIELD_NAME, describeFieldType, type CollectionSchemaView, type MilvusFieldView } from './collection-schema.js';
import { fieldConverter } from './field-converters.js';
import { FieldValueError, kindOf, type FieldConverter } from './field-value-error.js';
import { toJsonData } from './json-values.js';
import type { DynamicFields, PkMode, WriteMode } from '../milvus-sink-config.js';

/** A Milvus row as the Node SDK's insert/upsert take it: field name → value. */
export type MilvusRow = Record<string, unknown>;

/** The write request a row goes into, `milvus.write.mode` resolved against the collection. */
export type WriteOperation = 'insert' | 'upsert';

export interface RecordToRowOptions {
  readonly operation: WriteOperation;
  readonly dynamicFields: DynamicFields;
  readonly pkMode: PkMode;
  readonly jsonParseStrings: boolean;
}

/** auto: upsert (idempotent replays) unless Milvus assigns the primary key, then insert without it. */
export function resolveWriteOperation(mode: WriteMode, schema: CollectionSchemaView): WriteOperation {
  if (mode === 'insert' || mode === 'upsert') return mode;
  return schema.primaryField.autoId ? 'insert' : 'upsert';
}

interface FieldPlan {
  readonly field: MilvusFieldView;
  readonly convert: FieldConverter;
  /** neither nullable nor with a default value: a null or missing value is an error */
  readonly required: boolean;
  readonly isPk: boolean;
  /** the field's default value in row form, written for a null or missing value */
  readonly defaultValue: unknown;
}

export interface RowPlan {
  readonly schema: CollectionSchemaView;
  readonly options: RecordToRowOptions;
  /** the fields rows carry: not function outputs, not an autoID key left to Milvus */
  readonly fields: readonly FieldPlan[];
}

const plans = new WeakMap<CollectionSchemaView, Map<string, RowPlan>>();

/**
 * Milvus fills a default for a value marked absent in the request's valid_data; writing the default
 * ourselves stores the same thing and also works where valid_data is ignored (Milvus Lite 2.5 reads the
 * column positionally, shifting later rows' values up). undefined: leave the field out.
 */
function rowDefault(field: MilvusFieldView, convert: FieldConverter): unknown {
  if (field.defaultValue === undefined || field.defaultValue === null) return undefined;
  try {
    return convert(field.defaultValue);
  } catch {
    return undefined;
  }
}

/**
 * Checks that the options fit the collection and prepares the per-field converters (cached per schema
 * object and options). Call it when the task starts to fail fast; recordToRow calls it too.
 * Throws ConfigError when the combination cannot work (e.g. dynamic.fields=meta without a dynamic field).
 */
export function prepareRowMapping(schema: CollectionSchemaView, options: RecordToRowOptions): RowPlan {
  const cacheKey = `${options.operation}|${options.dynamicFields}|${options.pkMode}|${options.jsonParseStrings}`;
  let bySchema = plans.get(schema);
  const cached = bySchema?.get(cacheKey);
  if (cached) return cached;
  if (options.dynamicFields === 'meta' && !schema.enableDynamicField) {
    throw new ConfigError(
      `dynamic.fields=meta needs a collection with the dynamic field enabled, and collection ${schema.name} has none; use dynamic.fields=drop or error, or enable the dynamic field`,
    );
  }
  const pk = schema.primaryField;
  // Milvus assigns autoID keys on insert; the SDK refuses them in rows unless allow_insert_auto_id is set
  const pkLeftToMilvus = pk.autoId && options.operation === 'insert' && !schema.allowInsertAutoId;
  const fields: FieldPlan[] = [];
  for (const field of schema.fields) {
    if (field.isFunctionOutput || (field.isPrimaryKey && pkLeftToMilvus)) continue;
    const convert = fieldConverter(field, options);
    fields.push({
      field,
      convert,
      required: field.isPrimaryKey || (!field.nullable && field.defaultValue === undefined),
      isPk: field.isPrimaryKey,
      defaultValue: rowDefault(field, convert),
    });
  }
  const plan: RowPlan = { schema, options, fields };
  if (!bySchema) plans.set(schema, (bySchema = new Map()));
  bySchema.set(cacheKey, plan);
  return plan;
}

/**
 * `topic[partition]@offset` of the consumed record, how every error names the record (to find it in
 * Kafka); the topic transformations routed it to follows when it differs.
 */
export function recordCoordinates(record: SinkRecord): string {
  const consumed = `${record.originalTopic}[${record.originalKafkaPartition}]@${record.originalKafkaOffset}`;
  return record.topic === record.originalTopic ? consumed : `${consumed} (topic ${record.topic} after transforms)`;
}

function invalid(record: SinkRecord, field: MilvusFieldView, reason: string): DataError {
  return new DataError(`Invalid value for field "${field.name}" (${describeFieldType(field)}) in ${recordCoordinates(record)}: ${reason}`);
}

function missing(record: SinkRecord, field: MilvusFieldView, why: string): DataError {
  return new DataError(`Missing value for field "${field.name}" (${describeFieldType(field)}) in ${recordCoordinates(record)}: ${why}`);
}

function isRecordLike(value: unknown): value is Record<string, unknown> | Map<unknown, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}

function asObject(value: Record<string, unknown> | Map<unknown, unknown>): Record<string, unknown> {
  return value instanceof Map ? Object.fromEntries([...value].map(([k, v]) => [String(k), v])) : value;
}

function own(source: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(source, name) ? source[name] : undefined;
}

/**
 * The primary key carried by the record key: a primitive key is the key itself; a struct/object key gives
 * its field named like the primary key field, or its only field. undefined when the key is null.
 */
function keyPrimaryKey(record: SinkRecord, pk: MilvusFieldView): unknown {
  const key = record.key;
  if (key === null || key === undefined) return undefined;
  if (key instanceof Uint8Array) {
    throw invalid(record, pk, 'the record key is raw bytes; set key.converter to StringConverter or JsonConverter to read the primary key from it');
  }
  if (!isRecordLike(key)) return key;
  const obj = asObject(key);
  if (Object.hasOwn(obj, pk.name)) return obj[pk.name];
  const names = Object.keys(obj);
  if (names.length === 1) return obj[names[0]];
  throw invalid(record, pk, `the record key has no field "${pk.name}" and ${names.length} fields, so which one is the key is unclear`);
}

function pkValue(record: SinkRecord, source: Record<string, unknown>, pk: MilvusFieldView, mode: PkMode): unknown {
  if (mode === 'value') return own(source, pk.name);
  if (mode === 'key') return keyPrimaryKey(record, pk);
  const fromValue = own(source, pk.name);
  return fromValue === null || fromValue === undefined ? keyPrimaryKey(record, pk) : fromValue;
}

function missingPkReason(mode: PkMode, operation: WriteOperation): string {
  if (mode === 'key') return 'the primary key comes from the record key (pk.mode=key), and the key is null';
  if (mode === 'key_if_missing') return 'the primary key is neither in the value nor in the record key (pk.mode=key_if_missing)';
  return operation === 'upsert'
    ? 'the primary key is required to upsert (set pk.mode=key to take it from the record key)'
    : 'the primary key is required (the collection does not assign IDs; set pk.mode=key to take it from the record key)';
}

/**
 * Maps one record's value (a struct or a JSON object/map) onto the collection's fields, ready for the
 * Node SDK: values converted per Milvus type; a null or missing value left out for a nullable field and
 * replaced by the default for a field that has one; function outputs and an autoID key on insert left
 * out; unknown fields handled by `dynamic.fields`.
 * Throws DataError naming the record and the field for anything that cannot be written exactly.
 * Tombstones (null values) are the caller's business: a null value is an error here.
 */
export function recordToRow(record: SinkRecord, schema: CollectionSchemaView, options: RecordToRowOptions): MilvusRow {
  const plan = prepareRowMapping(schema, options);
  const value = record.value;
  if (!isRecordLike(value)) {
    throw new DataError(
      `Cannot map the value of ${recordCoordinates(record)} onto collection ${schema.name}: expected a struct or a JSON object, got ${kindOf(value)}` +
        (typeof value === 'string'
          ? '. For JSON text use value.converter=org.apache.kafka.connect.json.JsonConverter (with value.converter.schemas.enable=false for plain JSON).'
          : ''),
    );
  }
  const source = asObject(value);
  const row: MilvusRow = {};
  for (const { field, convert, required, isPk, defaultValue } of plan.fields) {
    let v = isPk ? pkValue(record, source, field, options.pkMode) : own(source, field.name);
    if (v !== null && v !== undefined) {
      try {
        v = convert(v);
      } catch (e) {
        if (e instanceof FieldValueError) throw invalid(record, field, e.message);
        throw e;
      }
    }
    // checked after converting: a JSON string "null" parsed with json.parse.strings is a null too
    if (v === null || v === undefined) {
      if (required) {
        throw missing(record, field, isPk ? missingPkReason(options.pkMode, options.operation) : 'the field is not nullable and has no default value');
      }
      if (defaultValue !== undefined) row[field.name] = defaultValue;
      continue;
    }
    row[field.name] = v;
  }
  if (options.dynamicFields !== 'drop') addUnknownFields(plan, record, source, row);
  return row;
}

function addUnknownFields(plan: RowPlan, record: SinkRecord, source: Record<string, unknown>, row: MilvusRow): void {
  const unknown = Object.keys(source).filter((name) => !plan.schema.byName.has(name));
  if (unknown.length === 0) return;
  const where = recordCoordinates(record);
  const collection = plan.schema.name;
  if (plan.options.dynamicFields === 'error') {
    const list = unknown.map((n) => `"${n}"`).join(', ');
    throw new DataError(
      `The value of ${where} has fields that collection ${collection} does not have: ${list} (dynamic.fields=error; use drop to ignore them or meta to keep them in the dynamic field)`,
    );
  }
  if (unknown.includes(DYNAMIC_FIELD_NAME)) {
    throw new DataError(`The value of ${where} has a field named "${DYNAMIC_FIELD_NAME}", which is reserved for the dynamic field of collection ${collection}`);
  }
  // the SDK moves keys that are not schema fields into $meta
  for (const name of unknown) {
    try {
      row[name] = toJsonData(source[name]);
    } catch (e) {
      if (e instanceof FieldValueError) throw new DataError(`Invalid value for dynamic field "${name}" in ${where}: ${e.message}`);
      throw e;
    }
  }
}

/**
 * The primary key of a tombstone (delete.enabled): taken from the record key, converted like the primary
 * key field (Int64 as a number or, beyond 2^53, a decimal string; VarChar as text). Throws DataError.
 */
export function primaryKeyFromRecordKey(record: SinkRecord, schema: CollectionSchemaView): number | string {
  const pk = schema.primaryField;
  const raw = keyPrimaryKey(record, pk);
  if (raw === null || raw === undefined) {
    throw missing(record, pk, 'a tombstone is deleted by the primary key in its record key, and the key is null');
  }
  try {
    return fieldConverter(pk, { jsonParseStrings: false })(raw) as number | string;
  } catch (e) {
    if (e instanceof FieldValueError) throw invalid(record, pk, e.message);
    throw e;
  }
}
