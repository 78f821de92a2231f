import { DataError, SchemaType, type Field, type Schema } from '../plugin/index.js';

/**
 * Kafka JsonConverter's schema dialect (`{"type": "struct", "fields": [...], "optional": false, ...}`) →
 * Connect Schema, with Kafka's error texts. Default values are converted by the caller-supplied function
 * because they follow the same rules as payloads.
 */

type Json = Record<string, unknown>;
export type DefaultConverter = (schema: Schema, value: unknown) => unknown;

const TYPE_NAMES: Readonly<Record<string, SchemaType>> = {
  boolean: SchemaType.BOOLEAN,
  int8: SchemaType.INT8,
  int16: SchemaType.INT16,
  int32: SchemaType.INT32,
  int64: SchemaType.INT64,
  float: SchemaType.FLOAT32,
  double: SchemaType.FLOAT64,
  bytes: SchemaType.BYTES,
  string: SchemaType.STRING,
  array: SchemaType.ARRAY,
  map: SchemaType.MAP,
  struct: SchemaType.STRUCT,
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type MutableSchema = { -readonly [K in keyof Schema]: Schema[K] };

/** `null` for a JSON null schema (the envelope then carries schemaless data). */
export function asConnectSchema(json: unknown, convertDefault: DefaultConverter): Schema | null {
  if (json === null || json === undefined) return null;
  if (!isObject(json) || typeof json.type !== 'string') throw new DataError("Schema must contain 'type' field");
  const type = TYPE_NAMES[json.type];
  if (type === undefined) throw new DataError(`Unknown schema type: ${json.type}`);
  const schema: MutableSchema = { type, optional: json.optional === true };
  switch (type) {
    case SchemaType.ARRAY: {
      if (json.items === null || json.items === undefined) throw new DataError('Array schema did not specify the element type');
      schema.valueSchema = asConnectSchema(json.items, convertDefault) ?? undefined;
      break;
    }
    case SchemaType.MAP: {
      if (json.keys === undefined) throw new DataError('Map schema did not specify the key type');
      if (json.values === undefined) throw new DataError('Map schema did not specify the value type');
      schema.keySchema = asConnectSchema(json.keys, convertDefault) ?? undefined;
      schema.valueSchema = asConnectSchema(json.values, convertDefault) ?? undefined;
      break;
    }
    case SchemaType.STRUCT: {
      if (!Array.isArray(json.fields)) throw new DataError('Struct schema\'s "fields" argument is not an array.');
      const fields: Field[] = [];
      const seen = new Set<string>();
      for (const field of json.fields as unknown[]) {
        if (!isObject(field) || typeof field.field !== 'string') throw new DataError("Struct schema's field name not specified properly");
        if (seen.has(field.field)) throw new DataError(`Cannot create field because of field name duplication ${field.field}`);
        seen.add(field.field);
        const fieldSchema = asConnectSchema(field, convertDefault);
        fields.push({ name: field.field, index: fields.length, schema: fieldSchema! });
      }
      schema.fields = fields;
      break;
    }
    default:
      break;
  }
  if (typeof json.name === 'string') schema.name = json.name;
  if (typeof json.version === 'number' && Number.isInteger(json.version)) schema.version = json.version;
  else if (typeof json.version === 'bigint') schema.version = Number(json.version);
  if (typeof json.doc === 'string') schema.doc = json.doc;
  if (isObject(json.parameters)) {
    const parameters: Record<string, string> = {};
    for (const [k, v] of Object.entries(json.parameters)) {
      if (typeof v !== 'string') throw new DataError('Schema parameters must have string values.');
      parameters[k] = v;
    }
    schema.parameters = parameters;
  }
  if (Object.hasOwn(json, 'default')) {
    const value = convertDefault(schema, json.default);
    if (value !== null && value !== undefined) schema.defaultValue = value;
  }
  return schema;
}

/** Kafka's ConnectSchema type names in upper case (`INT32`), as its error messages print them. */
export function typeName(schema: Schema): string {
  return schema.type.toUpperCase();
}

/** The schema's JSON text; the replacer (slower) only for the rare schema with a bigint default. */
function cacheKey(json: unknown): string {
  try {
    return JSON.stringify(json);
  } catch {
    return JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  }
}

/**
 * An LRU cache of converted schemas keyed by their JSON text (`schemas.cache.size`), which also gives
 * records with the same schema the same Schema object.
 */
export class SchemaCache {
  readonly #entries = new Map<string, Schema | null>();
  constructor(readonly capacity: number) {}

  get(json: unknown, build: () => Schema | null): Schema | null {
    if (json === null || json === undefined) return null;
    const key = cacheKey(json);
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      // re-insert: Map iteration order is the recency order
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const schema = build();
    if (this.capacity > 0) {
      this.#entries.set(key, schema);
      if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return schema;
  }

  get size(): number {
    return this.#entries.size;
  }
}
