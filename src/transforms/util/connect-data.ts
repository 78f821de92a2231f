/**
 * Kafka's Requirements, SchemaUtil and the Struct/Schema accessors the transformations use, on this
 * worker's Connect data: a struct is a plain object whose keys follow its schema's fields, a schemaless
 * map is a plain object (or a Map for non-string keys), logical Date/Time/Timestamp values are Dates and
 * Decimals exact decimal strings (see plugin/schema.ts). Messages name the Java classes Kafka would name,
 * so that traces read as they do on a Kafka worker.
 */
import { DataError, LogicalName, SchemaType, type Field, type Schema } from '../../plugin/index.js';

export { LogicalName };

export type Struct = Record<string, unknown>;
export type SchemalessMap = Record<string, unknown> | Map<unknown, unknown>;

const primitive = (type: SchemaType, optional: boolean): Schema => Object.freeze({ type, optional });

export const Schemas = {
  STRING: primitive(SchemaType.STRING, false),
  OPTIONAL_STRING: primitive(SchemaType.STRING, true),
  INT32: primitive(SchemaType.INT32, false),
  OPTIONAL_INT32: primitive(SchemaType.INT32, true),
  INT64: primitive(SchemaType.INT64, false),
  OPTIONAL_INT64: primitive(SchemaType.INT64, true),
  TIMESTAMP: Object.freeze({ type: SchemaType.INT64, optional: false, name: LogicalName.TIMESTAMP, version: 1 }),
  OPTIONAL_TIMESTAMP: Object.freeze({ type: SchemaType.INT64, optional: true, name: LogicalName.TIMESTAMP, version: 1 }),
  DATE: Object.freeze({ type: SchemaType.INT32, optional: false, name: LogicalName.DATE, version: 1 }),
  OPTIONAL_DATE: Object.freeze({ type: SchemaType.INT32, optional: true, name: LogicalName.DATE, version: 1 }),
  TIME: Object.freeze({ type: SchemaType.INT32, optional: false, name: LogicalName.TIME, version: 1 }),
  OPTIONAL_TIME: Object.freeze({ type: SchemaType.INT32, optional: true, name: LogicalName.TIME, version: 1 }),
} as const;

/** A plain object, not an array, bytes, Date or Map: what a struct or a schemaless string-keyed map is here. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isMap(value: unknown): value is SchemalessMap {
  return isPlainObject(value) || value instanceof Map;
}

const JAVA_CLASS: Record<SchemaType, string> = {
  int8: 'java.lang.Byte',
  int16: 'java.lang.Short',
  int32: 'java.lang.Integer',
  int64: 'java.lang.Long',
  float32: 'java.lang.Float',
  float64: 'java.lang.Double',
  boolean: 'java.lang.Boolean',
  string: 'java.lang.String',
  bytes: '[B',
  array: 'java.util.ArrayList',
  map: 'java.util.HashMap',
  struct: 'org.apache.kafka.connect.data.Struct',
};

/**
 * The Java class Kafka would hold for `value` (Class.getName()): from its schema when there is one,
 * else from the JavaScript value as a schemaless JSON value would be typed (whole numbers are Longs).
 */
export function javaClassName(value: unknown, schema?: Schema | null): string {
  if (value === null || value === undefined) return 'null';
  if (schema) {
    if (schema.name === LogicalName.DECIMAL) return 'java.math.BigDecimal';
    if (schema.name === LogicalName.DATE || schema.name === LogicalName.TIME || schema.name === LogicalName.TIMESTAMP) return 'java.util.Date';
    if (schema.type !== SchemaType.STRUCT || isPlainObject(value)) return JAVA_CLASS[schema.type];
  }
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'bigint') return 'java.lang.Long';
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Long' : 'java.lang.Double';
  if (value instanceof Uint8Array) return '[B';
  if (value instanceof Date) return 'java.util.Date';
  if (Array.isArray(value)) return 'java.util.ArrayList';
  if (isMap(value)) return 'java.util.HashMap';
  return 'java.lang.Object';
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataError(`Schema required for [${purpose}]`);
  return schema;
}

/** Kafka's requireMap: a schemaless value must be a map. */
export function requireMap(value: unknown, purpose: string): SchemalessMap {
  if (!isMap(value)) throw new DataError(`Only Map objects supported in absence of schema for [${purpose}], found: ${javaClassName(value)}`);
  return value;
}

export function requireMapOrNull(value: unknown, purpose: string): SchemalessMap | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

/** Kafka's requireStruct: with a schema, the value must be a struct of that (struct) schema. */
export function requireStruct(value: unknown, schema: Schema, purpose: string): Struct {
  if (schema.type !== SchemaType.STRUCT || !isPlainObject(value)) {
    throw new DataError(`Only Struct objects supported for [${purpose}], found: ${javaClassName(value, schema)}`);
  }
  return value;
}

export function requireStructOrNull(value: unknown, schema: Schema, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, schema, purpose);
}

/** A schemaless map's value for a key (string keys; a Map is looked up by the key itself). */
export function mapGet(map: SchemalessMap, key: string): unknown {
  const value = map instanceof Map ? map.get(key) : Object.hasOwn(map, key) ? map[key] : undefined;
  return value === undefined ? null : value;
}

/** A copy of a schemaless map as a plain object when its keys are strings, else as a Map. */
export function copyMap(map: SchemalessMap): SchemalessMap {
  return map instanceof Map ? new Map(map) : { ...map };
}

export function mapSet(map: SchemalessMap, key: string, value: unknown): void {
  if (map instanceof Map) map.set(key, value);
  else setOwn(map, key, value);
}

export function mapDelete(map: SchemalessMap, key: string): void {
  if (map instanceof Map) map.delete(key);
  else delete map[key];
}

/** Own data property, so a field named "__proto__" stays a field. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function fieldOf(schema: Schema, name: string): Field | undefined {
  return schema.fields?.find((f) => f.name === name);
}

/**
 * Kafka's Struct.get (the field's default when the value is null) or, without `withDefault`,
 * Struct.getWithoutDefault. Null for a field the struct has no value for.
 */
export function structGet(struct: Struct, field: Field, withDefault = true): unknown {
  const value = Object.hasOwn(struct, field.name) ? struct[field.name] : null;
  if ((value === null || value === undefined) && withDefault && field.schema.defaultValue !== undefined) return field.schema.defaultValue;
  return value === undefined ? null : value;
}

/** A struct schema's basics (name, version, doc, parameters) without its fields: Kafka's SchemaUtil.copySchemaBasics. */
export interface SchemaBasics {
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Readonly<Record<string, string>>;
}

export function schemaBasics(source: Schema): SchemaBasics {
  const basics: SchemaBasics = {};
  if (source.name !== undefined) basics.name = source.name;
  if (source.version !== undefined) basics.version = source.version;
  if (source.doc !== undefined) basics.doc = source.doc;
  if (source.parameters !== undefined) basics.parameters = source.parameters;
  return basics;
}

/** A required struct schema with these fields in order (indexes assigned), plus the given basics. */
export function structSchema(
  fields: ReadonlyArray<readonly [string, Schema]>,
  extra: SchemaBasics & { optional?: boolean; defaultValue?: unknown } = {},
): Schema {
  const seen = new Set<string>();
  const built: Field[] = [];
  for (const [name, schema] of fields) {
    if (seen.has(name)) throw new DataError(`Cannot create field because of field name duplication ${name}`);
    seen.add(name);
    built.push(Object.freeze({ name, index: built.length, schema }));
  }
  const { optional = false, ...rest } = extra;
  return Object.freeze({ type: SchemaType.STRUCT, optional, ...rest, fields: Object.freeze(built) });
}

/** A schema like `source` with the given changes (Kafka's builder copies). */
export function withSchema(source: Schema, changes: Partial<Schema>): Schema {
  const out: Record<string, unknown> = { ...source, ...changes };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return Object.freeze(out) as unknown as Schema;
}

/** Kafka's ConnectSchema.toString: `Schema{name:TYPE}` or `Schema{TYPE}`. */
export function schemaToString(schema: Schema): string {
  return schema.name ? `Schema{${schema.name}:${schema.type.toUpperCase()}}` : `Schema{${schema.type.toUpperCase()}}`;
}

/** A cache of derived schemas per input schema (Kafka's LRUCache of 16 in each transformation). */
export class SchemaCache {
  readonly #cache = new WeakMap<Schema, Schema>();

  get(schema: Schema, build: (schema: Schema) => Schema): Schema {
    let derived = this.#cache.get(schema);
    if (derived === undefined) {
      derived = build(schema);
      this.#cache.set(schema, derived);
    }
    return derived;
  }
}
