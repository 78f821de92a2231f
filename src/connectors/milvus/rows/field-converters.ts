import { MilvusType, isVectorType, type MilvusFieldView } from './collection-schema.js';
import { FieldValueError, kindOf, preview, type FieldConverter } from './field-value-error.js';
import { base64, jsonText, parseJsonText, toJsonData } from './json-values.js';
import { FLOAT32_OVERFLOW, parseDecimalText } from './numbers.js';
import { vectorConverter } from './vector-converters.js';

/**
 * One converter per Milvus scalar type: a value as converters produce it (number, bigint, string,
 * boolean, Uint8Array, Date, array, object) → the form the Node SDK writes exactly. Each throws
 * FieldValueError with the reason only; recordToRow adds where it happened.
 */

export interface FieldConverterOptions {
  /** JSON fields: parse string values as JSON text instead of storing a JSON string literal */
  readonly jsonParseStrings: boolean;
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function integerIn(value: unknown, type: string, min: number, max: number): number {
  let n: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new FieldValueError(`expected an integer, got ${preview(value)}`);
    n = value;
  } else if (typeof value === 'bigint') {
    if (value < BigInt(min) || value > BigInt(max)) throw new FieldValueError(`${value} is out of range for ${type} (${min}..${max})`);
    return Number(value);
  } else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
    n = Number(value.trim());
  } else {
    throw new FieldValueError(`expected an integer, got ${typeof value === 'string' ? preview(value) : kindOf(value)}`);
  }
  if (n < min || n > max) throw new FieldValueError(`${preview(value)} is out of range for ${type} (${min}..${max})`);
  return n === 0 ? 0 : n;
}

/** Int64 as the SDK encodes it exactly: a number when it is a safe integer, else its decimal string. */
export function toInt64(value: unknown): number | string {
  let big: bigint;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value === 0 ? 0 : value;
    if (!Number.isInteger(value)) throw new FieldValueError(`expected an integer, got ${preview(value)}`);
    big = BigInt(value);
  } else if (typeof value === 'bigint') {
    big = value;
  } else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
    big = BigInt(value.trim());
  } else if (value instanceof Date) {
    // Kafka Connect's Timestamp logical type: milliseconds since the epoch
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new FieldValueError('expected an integer, got an invalid date');
    return ms;
  } else {
    throw new FieldValueError(`expected an integer, got ${typeof value === 'string' ? preview(value) : kindOf(value)}`);
  }
  if (big < INT64_MIN || big > INT64_MAX) throw new FieldValueError(`${big} is out of range for Int64`);
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big.toString();
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const n = parseDecimalText(value);
    if (n !== undefined) return n;
    throw new FieldValueError(`expected a number, got ${preview(value)}`);
  }
  throw new FieldValueError(`expected a number, got ${kindOf(value)}`);
}

function toDouble(value: unknown): number {
  const n = toNumber(value);
  if (!Number.isFinite(n)) throw new FieldValueError(`${preview(value)} is not a finite number`);
  return n;
}

function toFloat(value: unknown): number {
  const n = toDouble(value);
  if (!(n < FLOAT32_OVERFLOW && n > -FLOAT32_OVERFLOW)) throw new FieldValueError(`${preview(value)} is out of range for Float (±3.4028235e38)`);
  return n;
}

/** true/false, any-case "true"/"false", and 1/0. The original read anything else as false. */
function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  } else if (value === 1 || value === 0 || value === 1n || value === 0n) {
    return value === 1 || value === 1n;
  }
  throw new FieldValueError(`expected true or false, got ${preview(value)}`);
}

/** UTF-8 length, computed only when the UTF-16 length leaves doubt (a code unit is 1–3 UTF-8 bytes). */
function checkUtf8Length(text: string, maxLength: number | undefined): string {
  if (maxLength === undefined || text.length * 3 <= maxLength) return text;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxLength) throw new FieldValueError(`the text is ${bytes} bytes long in UTF-8, more than max_length ${maxLength}`);
  return text;
}

/** Text for VarChar: strings as they are, other values in a readable, lossless form. */
function toText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new FieldValueError('expected text, got an invalid date');
    return value.toISOString();
  }
  if (value instanceof Uint8Array) return base64(value);
  if (typeof value === 'object' && value !== null) return jsonText(value);
  throw new FieldValueError(`expected text, got ${kindOf(value)}`);
}

function toJsonField(value: unknown, parseStrings: boolean): unknown {
  if (typeof value === 'string' && parseStrings) return toJsonData(parseJsonText(value));
  return toJsonData(value);
}

function toTimestamptz(value: unknown): string {
  if (typeof value === 'string') {
    if (value.trim() === '') throw new FieldValueError('expected an ISO-8601 timestamp, got an empty string');
    return value;
  }
  let ms: number | undefined;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number' && Number.isSafeInteger(value)) ms = value;
  else if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) ms = Number(value);
  const date = ms === undefined ? undefined : new Date(ms);
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new FieldValueError(`expected an ISO-8601 timestamp, a date or epoch milliseconds, got ${preview(value)}`);
  }
  return date.toISOString();
}

function toGeometry(value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new FieldValueError(`expected WKT text such as "POINT (1 2)", got ${preview(value)}`);
}

/** Converter for a scalar of `type` (also used for Array elements). */
export function scalarConverter(type: string, maxLength: number | undefined, options: FieldConverterOptions): FieldConverter | undefined {
  switch (type) {
    case MilvusType.Bool:
      return toBool;
    case MilvusType.Int8:
      return (v) => integerIn(v, type, -128, 127);
    case MilvusType.Int16:
      return (v) => integerIn(v, type, -32768, 32767);
    case MilvusType.Int32:
      return (v) => integerIn(v, type, -2147483648, 2147483647);
    case MilvusType.Int64:
      return toInt64;
    case MilvusType.Float:
      return toFloat;
    case MilvusType.Double:
      return toDouble;
    case MilvusType.VarChar:
    case MilvusType.Text:
      return (v) => checkUtf8Length(toText(v), maxLength);
    case MilvusType.JSON:
      return (v) => toJsonField(v, options.jsonParseStrings);
    case MilvusType.Timestamptz:
      return toTimestamptz;
    case MilvusType.Geometry:
      return toGeometry;
    default:
      return undefined;
  }
}

function arrayConverter(field: MilvusFieldView, options: FieldConverterOptions): FieldConverter {
  const elementType = field.elementType ?? MilvusType.None;
  const element = scalarConverter(elementType, field.maxLength, options);
  if (!element || elementType === MilvusType.JSON) return unsupported(`Array of ${elementType}`);
  const capacity = field.maxCapacity;
  return (value) => {
    if (!Array.isArray(value)) throw new FieldValueError(`expected an array, got ${kindOf(value)}`);
    if (capacity !== undefined && value.length > capacity) {
      throw new FieldValueError(`the array has ${value.length} elements, more than max_capacity ${capacity}`);
    }
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || item === undefined) throw new FieldValueError(`element ${i} is null; Milvus arrays cannot hold nulls`);
      try {
        out[i] = element(item);
      } catch (e) {
        if (e instanceof FieldValueError) throw new FieldValueError(`element ${i}: ${e.message}`);
        throw e;
      }
    }
    return out;
  };
}

/**
 * An array of structs (Milvus 2.6): every element is an object whose sub-fields are converted by their own
 * types; sub-fields the schema does not know are left out, a missing sub-field is an error.
 */
function structArrayConverter(field: MilvusFieldView, options: FieldConverterOptions): FieldConverter {
  const subFields = (field.fields ?? []).map((sub) => ({ name: sub.name, convert: plainVectors(fieldConverter(sub, options)) }));
  const capacity = field.maxCapacity;
  return (value) => {
    if (!Array.isArray(value)) throw new FieldValueError(`expected an array of objects, got ${kindOf(value)}`);
    if (capacity !== undefined && value.length > capacity) {
      throw new FieldValueError(`the array has ${value.length} elements, more than max_capacity ${capacity}`);
    }
    return value.map((item: unknown, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new FieldValueError(`element ${i} is ${kindOf(item)}, expected an object`);
      }
      const source = item as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const sub of subFields) {
        const v = source[sub.name];
        if (v === null || v === undefined) throw new FieldValueError(`element ${i} lacks "${sub.name}"`);
        try {
          out[sub.name] = sub.convert(v);
        } catch (e) {
          if (e instanceof FieldValueError) throw new FieldValueError(`element ${i}, "${sub.name}": ${e.message}`);
          throw e;
        }
      }
      return out;
    });
  };
}

/**
 * Struct arrays only ever go through the SDK, whose struct handling expects vectors as arrays, so a
 * FloatVector sub-field gives up the Float32Array the top-level converter returns.
 */
function plainVectors(convert: FieldConverter): FieldConverter {
  return (value) => {
    const out = convert(value);
    return out instanceof Float32Array ? Array.from(out) : out;
  };
}

function unsupported(type: string): FieldConverter {
  return () => {
    throw new FieldValueError(`the type ${type} is not supported by this connector`);
  };
}

/** The converter for one collection field, chosen once per schema. */
export function fieldConverter(field: MilvusFieldView, options: FieldConverterOptions): FieldConverter {
  if (field.dataType === MilvusType.Array) {
    return field.elementType === MilvusType.Struct ? structArrayConverter(field, options) : arrayConverter(field, options);
  }
  if (isVectorType(field.dataType)) return vectorConverter(field);
  return scalarConverter(field.dataType, field.maxLength, options) ?? unsupported(field.dataType);
}
