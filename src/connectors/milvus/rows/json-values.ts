import { parse as parseLossless } from 'lossless-json';
import { FieldValueError } from './field-value-error.js';

/**
 * JSON documents on their way to Milvus. The Node SDK serialises JSON fields and the dynamic field with
 * JSON.stringify (and clones rows through it when the collection has a dynamic field), so a value must be
 * plain JSON data: bigint would throw inside the SDK, bytes and dates would come out mangled.
 */

const INTEGER_TEXT = /^-?\d+$/;

function losslessNumber(text: string): number | bigint {
  if (INTEGER_TEXT.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  return Number(text);
}

/** Parses JSON text keeping integers beyond ±2^53 as bigint (so they are reported, not rounded). */
export function parseJsonText(text: string): unknown {
  try {
    return parseLossless(text, null, { parseNumber: losslessNumber, onDuplicateKey: ({ newValue }) => newValue });
  } catch (e) {
    throw new FieldValueError(`the string is not valid JSON (${(e as Error).message})`);
  }
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function unsafeInteger(value: bigint): FieldValueError {
  return new FieldValueError(
    `contains the integer ${value}, beyond ±2^53, which the Milvus Node SDK cannot write into a JSON document without rounding; send it as a string`,
  );
}

/**
 * Returns `value` itself when it is plain JSON data, otherwise a converted copy: bytes become base64 text
 * (as Kafka's JsonConverter writes them), dates ISO-8601 text, Maps objects. Throws FieldValueError for
 * unsafe integers and non-finite numbers, which JSON cannot carry exactly.
 */
export function toJsonData(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new FieldValueError(`contains ${value}, which JSON cannot represent`);
      return value;
    case 'bigint':
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
      throw unsafeInteger(value);
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      throw new FieldValueError(`contains a ${typeof value}, which JSON cannot represent`);
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return base64(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const converted = toJsonData(item);
      if (converted !== item && copy === undefined) copy = value.slice(0, i);
      if (copy !== undefined) copy.push(converted);
    }
    return copy ?? value;
  }
  const isMap = value instanceof Map;
  const entries: Iterable<[unknown, unknown]> = isMap ? value.entries() : Object.entries(value);
  const out: [string, unknown][] = [];
  let changed = isMap;
  for (const [k, item] of entries) {
    const converted = toJsonData(item);
    if (converted !== item) changed = true;
    out.push([String(k), converted]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data
  return changed ? Object.fromEntries(out) : value;
}

/** JSON text of a value (for VarChar fields given an object or array), with the same conversions. */
export function jsonText(value: unknown): string {
  return JSON.stringify(toJsonData(value));
}
