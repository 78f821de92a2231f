import { DataError, decimalFromTwosComplement, LogicalName, SchemaType, type Schema } from '../plugin/index.js';
import { typeName } from './json-schema.js';

/**
 * JSON payload → Connect value by schema (Kafka's JsonConverter.convertToConnect). Unlike Jackson's lax
 * accessors, a value of the wrong JSON type is an error instead of a silent 0/false/null, and integers out
 * of range for their type are errors instead of wrapping around.
 *
 * Logical types: Decimal → exact decimal string (JavaScript has no BigDecimal), Date/Time/Timestamp → Date.
 */

export { LogicalName };

const MILLIS_PER_DAY = 86_400_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export interface ToConnectOptions {
  /** replace.null.with.default */
  readonly replaceNullWithDefault: boolean;
}

/** Jackson's node type names, as Kafka's messages print them. */
function nodeType(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return 'ARRAY';
  switch (typeof value) {
    case 'string':
      return 'STRING';
    case 'number':
    case 'bigint':
      return 'NUMBER';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'OBJECT';
  }
}

function at(path: string): string {
  return path === '' ? '' : ` at ${path}`;
}

function mismatch(schema: Schema, value: unknown, path: string, expected: string): DataError {
  return new DataError(`Invalid value for ${typeName(schema)}${at(path)}: expected ${expected}, found ${nodeType(value)} ${preview(value)}`);
}

function preview(value: unknown): string {
  const text = typeof value === 'bigint' ? value.toString() : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return text === undefined ? '' : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function integer(schema: Schema, value: unknown, path: string, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  if (typeof value === 'bigint' && value >= BigInt(min) && value <= BigInt(max)) return Number(value);
  throw mismatch(schema, value, path, `an integer in ${min}..${max}`);
}

function int64(schema: Schema, value: unknown, path: string): number | bigint {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    // an integral double such as 1e18 (written with an exponent, so parsed as a float)
    if (Number.isInteger(value)) return int64(schema, BigInt(value), path);
  } else if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  throw mismatch(schema, value, path, 'an integer in -9223372036854775808..9223372036854775807');
}

function float(schema: Schema, value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw mismatch(schema, value, path, 'a number');
}

function bytes(value: unknown, path: string): Uint8Array {
  if (typeof value === 'string' && BASE64_TEXT.test(value)) return new Uint8Array(Buffer.from(value, 'base64'));
  throw new DataError(`Invalid bytes field${at(path)}: expected base64 text, found ${nodeType(value)}`);
}

function decimal(schema: Schema, value: unknown, path: string): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : decimalError(value, path);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') {
    const scale = Number(schema.parameters?.scale ?? '0');
    if (!BASE64_TEXT.test(value) || !Number.isInteger(scale)) throw new DataError(`Invalid bytes for Decimal field${at(path)}`);
    const raw = Buffer.from(value, 'base64');
    if (raw.length === 0) throw new DataError(`Invalid bytes for Decimal field${at(path)}`);
    return decimalFromTwosComplement(raw, scale);
  }
  return decimalError(value, path);
}

function decimalError(value: unknown, path: string): never {
  throw new DataError(`Invalid type for Decimal${at(path)}, underlying representation should be numeric or bytes but was ${nodeType(value)}`);
}

function logical(schema: Schema, value: unknown, path: string): unknown {
  switch (schema.name) {
    case LogicalName.DECIMAL:
      return decimal(schema, value, path);
    case LogicalName.DATE:
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2 ** 31) {
        throw new DataError(`Invalid type for Date${at(path)}, underlying representation should be integer but was ${nodeType(value)}`);
      }
      return new Date(value * MILLIS_PER_DAY);
    case LogicalName.TIME:
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2 ** 31) {
        throw new DataError(`Invalid type for Time${at(path)}, underlying representation should be integer but was ${nodeType(value)}`);
      }
      if (value < 0 || value > MILLIS_PER_DAY) {
        throw new DataError('Time values must use number of milliseconds greater than 0 and less than 86400000');
      }
      return new Date(value);
    case LogicalName.TIMESTAMP: {
      const ms = typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'bigint' ? Number(value) : NaN;
      const date = new Date(ms);
      if (Number.isNaN(date.getTime())) {
        throw new DataError(`Invalid type for Timestamp${at(path)}, underlying representation should be integral but was ${nodeType(value)}`);
      }
      return date;
    }
    default:
      return undefined;
  }
}

function isLogical(name: string | undefined): boolean {
  return name === LogicalName.DECIMAL || name === LogicalName.DATE || name === LogicalName.TIME || name === LogicalName.TIMESTAMP;
}

/** Own data property, so a field named "__proto__" stays a field. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function isPlainNumberSchema(schema: Schema | undefined): boolean {
  return schema !== undefined && !schema.optional && schema.name === undefined && (schema.type === SchemaType.FLOAT32 || schema.type === SchemaType.FLOAT64);
}

function array(schema: Schema, value: unknown, path: string, options: ToConnectOptions): unknown[] {
  if (!Array.isArray(value)) throw mismatch(schema, value, path, 'an array');
  const element = schema.valueSchema;
  // the vector case: an array of plain numbers stays the array JSON.parse built, no copy
  if (isPlainNumberSchema(element)) {
    let i = 0;
    while (i < value.length && typeof value[i] === 'number') i++;
    if (i === value.length) return value;
  }
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = toConnect(element ?? null, value[i], `${path}[${i}]`, options);
  return out;
}

function map(schema: Schema, value: unknown, path: string, options: ToConnectOptions): unknown {
  const keySchema = schema.keySchema ?? null;
  const valueSchema = schema.valueSchema ?? null;
  if (keySchema === null || keySchema.type === SchemaType.STRING) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DataError(`Maps with string fields should be encoded as JSON objects, but found ${nodeType(value)}${at(path)}`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) put(out, k, toConnect(valueSchema, v, `${path}.${k}`, options));
    return out;
  }
  if (!Array.isArray(value))
    throw new DataError(`Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeType(value)}${at(path)}`);
  const out = new Map<unknown, unknown>();
  value.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry)) throw new DataError(`Found invalid map entry instead of array tuple: ${nodeType(entry)}${at(path)}`);
    if (entry.length !== 2) throw new DataError(`Found invalid map entry, expected length 2 but found :${entry.length}${at(path)}`);
    out.set(toConnect(keySchema, entry[0], `${path}[${i}][0]`, options), toConnect(valueSchema, entry[1], `${path}[${i}][1]`, options));
  });
  return out;
}

function struct(schema: Schema, value: unknown, path: string, options: ToConnectOptions): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataError(`Structs should be encoded as JSON objects, but found ${nodeType(value)}${at(path)}`);
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of schema.fields ?? []) {
    const v = Object.hasOwn(source, field.name) ? source[field.name] : null;
    put(out, field.name, toConnect(field.schema, v, path === '' ? field.name : `${path}.${field.name}`, options));
  }
  return out;
}

/**
 * Converts `value` (parsed JSON: number/bigint/string/boolean/null/array/object) to the Connect value for
 * `schema`. With a null schema the parsed JSON already is the schemaless Connect representation.
 * `path` locates the value in messages (`vector[3]`, `meta.tags`).
 */
export function toConnect(schema: Schema | null, value: unknown, path: string, options: ToConnectOptions): unknown {
  if (schema === null) return value === undefined ? null : value;
  if (value === null || value === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null && options.replaceNullWithDefault) return schema.defaultValue;
    if (schema.optional) return null;
    throw new DataError(`Invalid null value for required ${typeName(schema)} field${at(path)}`);
  }
  if (isLogical(schema.name)) return logical(schema, value, path);
  switch (schema.type) {
    case SchemaType.BOOLEAN:
      if (typeof value === 'boolean') return value;
      throw mismatch(schema, value, path, 'true or false');
    case SchemaType.INT8:
      return integer(schema, value, path, -128, 127);
    case SchemaType.INT16:
      return integer(schema, value, path, -32768, 32767);
    case SchemaType.INT32:
      return integer(schema, value, path, -2147483648, 2147483647);
    case SchemaType.INT64:
      return int64(schema, value, path);
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64:
      return float(schema, value, path);
    case SchemaType.STRING:
      if (typeof value === 'string') return value;
      throw mismatch(schema, value, path, 'a string');
    case SchemaType.BYTES:
      return bytes(value, path);
    case SchemaType.ARRAY:
      return array(schema, value, path, options);
    case SchemaType.MAP:
      return map(schema, value, path, options);
    case SchemaType.STRUCT:
      return struct(schema, value, path, options);
  }
}
