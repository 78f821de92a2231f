import { DataError, SchemaType, type Schema, type SinkRecord } from '../../../plugin/index.js';
import { DYNAMIC_FIELD_NAME, MilvusType } from './collection-schema.js';
import type { PkMode } from '../milvus-sink-config.js';
import { recordCoordinates } from './record-to-row.js';

/** One field of a collection to create, in the SDK's createCollection `fields` form. */
export interface NewField {
  readonly name: string;
  readonly data_type: MilvusType;
  readonly is_primary_key?: boolean;
  readonly autoID?: boolean;
  readonly dim?: number;
  readonly max_length?: number;
  readonly nullable?: boolean;
}

export interface AutoCreateSettings {
  readonly pkField: string;
  readonly vectorField: string;
  readonly pkMode: PkMode;
}

export interface DerivedCollection {
  readonly fields: readonly NewField[];
  /** fields of the first record that got no column (null, bytes, names Milvus refuses) */
  readonly skipped: readonly string[];
}

/** Milvus' longest VarChar; the length is an upper bound, not storage, so nothing is lost by allowing it. */
const MAX_VARCHAR = 65_535;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}

function asPlainObject(value: unknown): Record<string, unknown> | undefined {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  return isObject(value) ? value : undefined;
}

/** The column type of a scalar from its Connect schema, or from the value alone for schemaless JSON. */
function scalarType(value: unknown, schema: Schema | undefined): MilvusType | undefined {
  if (schema) {
    switch (schema.type) {
      case SchemaType.INT8:
        return MilvusType.Int8;
      case SchemaType.INT16:
        return MilvusType.Int16;
      case SchemaType.INT32:
        return MilvusType.Int32;
      case SchemaType.INT64:
        return MilvusType.Int64;
      case SchemaType.FLOAT32:
        return MilvusType.Float;
      case SchemaType.FLOAT64:
        return MilvusType.Double;
      case SchemaType.BOOLEAN:
        return MilvusType.Bool;
      case SchemaType.STRING:
        return MilvusType.VarChar;
      case SchemaType.ARRAY:
      case SchemaType.MAP:
      case SchemaType.STRUCT:
        return MilvusType.JSON;
      case SchemaType.BYTES:
        return undefined;
    }
  }
  if (value === null || value === undefined || value instanceof Uint8Array) return undefined;
  switch (typeof value) {
    case 'bigint':
      return MilvusType.Int64;
    // schemaless JSON has only "number": whole numbers become Int64, the rest Double
    case 'number':
      return Number.isInteger(value) ? MilvusType.Int64 : MilvusType.Double;
    case 'boolean':
      return MilvusType.Bool;
    case 'string':
      return MilvusType.VarChar;
    case 'object':
      return MilvusType.JSON;
    default:
      return undefined;
  }
}

function pkType(value: unknown, schema: Schema | undefined): 'Int64' | 'VarChar' | undefined {
  const type = scalarType(value, schema);
  if (type === MilvusType.Int8 || type === MilvusType.Int16 || type === MilvusType.Int32 || type === MilvusType.Int64) return MilvusType.Int64;
  if (type === MilvusType.VarChar) return MilvusType.VarChar;
  return undefined;
}

function keyPkSource(record: SinkRecord, pkField: string): { value: unknown; schema: Schema | undefined } | undefined {
  const key = record.key;
  if (key === null || key === undefined) return undefined;
  const obj = asPlainObject(key);
  if (!obj) return { value: key, schema: record.keySchema ?? undefined };
  const names = Object.keys(obj);
  const name = Object.hasOwn(obj, pkField) ? pkField : names.length === 1 ? names[0] : undefined;
  if (name === undefined) return undefined;
  return { value: obj[name], schema: record.keySchema?.fields?.find((f) => f.name === name)?.schema };
}

/**
 * The schema of a collection created from its first record (auto.create): the primary key field (from
 * the value, or the record key per pk.mode; an autoID Int64 when the record has none), a FloatVector
 * whose dimension is the length of the vector field in this record, and one column per other top-level
 * field, typed from the Connect schema when there is one. Objects, maps and arrays become JSON columns.
 * Throws DataError when this record cannot define the collection (no usable vector, a bad key type).
 */
export function deriveCollectionFields(record: SinkRecord, settings: AutoCreateSettings): DerivedCollection {
  const value = asPlainObject(record.value);
  const where = recordCoordinates(record);
  if (!value) throw new DataError(`auto.create needs a struct or JSON object value to derive the collection schema from, and ${where} has none`);
  const fieldSchema = (name: string): Schema | undefined => record.valueSchema?.fields?.find((f) => f.name === name)?.schema;

  const vector = value[settings.vectorField];
  if (!Array.isArray(vector) || vector.length === 0 || !vector.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new DataError(
      `auto.create takes the vector dimension from field "${settings.vectorField}" (auto.create.vector.field) of the first record, and in ${where} it is not a non-empty array of numbers`,
    );
  }

  let pk: NewField;
  const fromValue = settings.pkMode === 'key' ? undefined : value[settings.pkField];
  const source =
    fromValue !== undefined && fromValue !== null
      ? { value: fromValue, schema: fieldSchema(settings.pkField) }
      : settings.pkMode === 'value'
        ? undefined
        : keyPkSource(record, settings.pkField);
  if (source === undefined) {
    pk = { name: settings.pkField, data_type: MilvusType.Int64, is_primary_key: true, autoID: true };
  } else {
    const type = pkType(source.value, source.schema);
    if (!type) throw new DataError(`auto.create: the primary key "${settings.pkField}" of ${where} is neither an integer nor a string`);
    pk = { name: settings.pkField, data_type: type, is_primary_key: true, autoID: false, ...(type === MilvusType.VarChar ? { max_length: MAX_VARCHAR } : {}) };
  }

  const fields: NewField[] = [pk, { name: settings.vectorField, data_type: MilvusType.FloatVector, dim: vector.length }];
  const skipped: string[] = [];
  for (const [name, v] of Object.entries(value)) {
    if (name === settings.pkField || name === settings.vectorField) continue;
    const type = FIELD_NAME.test(name) && name !== DYNAMIC_FIELD_NAME ? scalarType(v, fieldSchema(name)) : undefined;
    if (!type) {
      skipped.push(name);
      continue;
    }
    // nullable, so later records may leave the field out (servers without nullable support: see createCollection)
    fields.push({ name, data_type: type, nullable: true, ...(type === MilvusType.VarChar ? { max_length: MAX_VARCHAR } : {}) });
  }
  return { fields, skipped };
}
