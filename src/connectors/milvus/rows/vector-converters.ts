import { MilvusType, type MilvusFieldView } from './collection-schema.js';
import { FieldValueError, kindOf, preview, type FieldConverter } from './field-value-error.js';
import { FLOAT32_OVERFLOW, parseDecimalText } from './numbers.js';
import { parseJsonText } from './json-values.js';

/**
 * Vector converters. A FloatVector comes out as a Float32Array: thousands of rows wait in batches or in
 * flight, and a number[] of doubles is twice the size on the V8 heap and is copied by every scavenge it
 * survives, while float32 is all Milvus stores (the SDK's serializer rounds to it anyway). Every other
 * vector type comes out as plain numbers (or a plain object for sparse vectors), which is what the SDK
 * takes; the SDK path of client/milvus-collection.ts turns FloatVectors back into arrays, since the SDK clones rows
 * through JSON when the collection has a dynamic field, which would turn typed arrays into objects.
 */

/** float16 overflows to Infinity from 65520 on (65504 is the largest finite value) */
const FLOAT16_LIMIT = 65520;
/** digits, signs, dots, exponents, commas, brackets: the original's "[0.1, 0.2]" / "0.1,0.2" text form */
const NUMBER_LIST_TEXT = /^[\s[\]\d.,eE+-]*$/;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const SPARSE_INDEX_LIMIT = 2 ** 32 - 1;

function parseNumberList(text: string): number[] {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (t.includes('[') || t.includes(']')) throw new FieldValueError('expected a flat list of numbers, got nested lists');
  if (t.trim() === '') return [];
  return t.split(',').map((part, i) => {
    const n = parseDecimalText(part);
    if (n === undefined) throw new FieldValueError(`element ${i} (${preview(part.trim())}) is not a number`);
    return n;
  });
}

function decodeBase64(text: string, what: string): Uint8Array {
  const t = text.trim();
  if (!BASE64_TEXT.test(t)) throw new FieldValueError(`expected ${what}, got a string that is neither a list of numbers nor base64`);
  return Buffer.from(t, 'base64');
}

/** A string holds either the original's number list or base64 bytes. */
function fromText(text: string, bytesWhat: string): number[] | Uint8Array {
  return NUMBER_LIST_TEXT.test(text) ? parseNumberList(text) : decodeBase64(text, bytesWhat);
}

function elementNumber(item: unknown, i: number): number {
  if (typeof item === 'number') return item;
  if (typeof item === 'bigint') return Number(item);
  if (typeof item === 'string') {
    const n = parseDecimalText(item);
    if (n !== undefined) return n;
  }
  if (Array.isArray(item)) throw new FieldValueError(`element ${i} is a nested array; a vector is a flat list of numbers`);
  throw new FieldValueError(`element ${i} is ${typeof item === 'string' ? preview(item) : kindOf(item)}, not a number`);
}

function checkRange(x: number, i: number, limit: number, type: string): void {
  if (!(x < limit && x > -limit)) {
    throw new FieldValueError(Number.isFinite(x) ? `element ${i} (${x}) is out of range for ${type}` : `element ${i} is ${x}, vectors take finite numbers`);
  }
}

/** number[] of exactly `dim` finite numbers within ±limit; returns `value` itself when nothing needed converting. */
function floats(value: unknown, dim: number, limit: number, type: string): number[] {
  if (!Array.isArray(value)) throw new FieldValueError(`expected ${dim} numbers, got ${kindOf(value)}`);
  if (value.length !== dim) throw new FieldValueError(`expected ${dim} numbers, got ${value.length}`);
  for (let i = 0; i < dim; i++) {
    const x: unknown = value[i];
    if (typeof x === 'number' && x < limit && x > -limit) continue;
    // something to convert or reject: take the slow path over the whole array
    const out = new Array<number>(dim);
    for (let j = 0; j < dim; j++) {
      const n = elementNumber(value[j], j);
      checkRange(n, j, limit, type);
      out[j] = n;
    }
    return out;
  }
  return value as number[];
}

function littleEndianFloats(bytes: Uint8Array, dim: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(dim);
  for (let i = 0; i < dim; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * The hot path: an array of `dim` numbers within float32 range, checked and copied to float32 in one
 * pass. (A Float32Array built from the array instead would take V8's generic element-by-element path
 * for the holey arrays parsers produce: ~13 ns per element against ~2 here.) Null when some element
 * needs converting or rejecting, which the general path then does and reports.
 */
function checkedFloat32(value: unknown[], dim: number): Float32Array | null {
  if (value.length !== dim) return null;
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    const x = value[i];
    if (typeof x !== 'number' || !(x < FLOAT32_OVERFLOW && x > -FLOAT32_OVERFLOW)) return null;
    out[i] = x;
  }
  return out;
}

/**
 * Every element is checked (and converted) as a double before the copy to float32, so a value float32
 * cannot hold is reported rather than stored as Infinity.
 */
function floatVector(dim: number): FieldConverter {
  return (value): Float32Array => {
    if (Array.isArray(value)) return checkedFloat32(value, dim) ?? new Float32Array(floats(value, dim, FLOAT32_OVERFLOW, MilvusType.FloatVector));
    let list: unknown = value;
    if (typeof value === 'string') list = parseNumberList(value);
    else if (value instanceof Uint8Array) {
      if (value.length !== dim * 4) throw new FieldValueError(`expected ${dim * 4} bytes (${dim} little-endian float32), got ${value.length}`);
      list = littleEndianFloats(value, dim);
    } else if (value instanceof Float32Array || value instanceof Float64Array) list = Array.from(value);
    return new Float32Array(floats(list, dim, FLOAT32_OVERFLOW, MilvusType.FloatVector));
  };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));
function bfloat16ToFloat(h: number): number {
  bf16Scratch.setUint32(0, h << 16);
  return bf16Scratch.getFloat32(0);
}

/** Float16Vector / BFloat16Vector: floats (the SDK packs them), or their 2-byte little-endian encoding. */
function halfVector(dim: number, type: string): FieldConverter {
  const limit = type === MilvusType.Float16Vector ? FLOAT16_LIMIT : FLOAT32_OVERFLOW;
  const decode = type === MilvusType.Float16Vector ? halfToFloat : bfloat16ToFloat;
  const bytesWhat = `${dim} numbers or ${dim * 2} bytes`;
  return (value) => {
    let list: unknown = value;
    if (typeof value === 'string') list = fromText(value, bytesWhat);
    if (list instanceof Uint8Array) {
      if (list.length !== dim * 2)
        throw new FieldValueError(
          `expected ${dim * 2} bytes (${dim} little-endian ${type === MilvusType.Float16Vector ? 'float16' : 'bfloat16'}), got ${list.length}`,
        );
      const bytes = list;
      list = Array.from({ length: dim }, (_, i) => decode(bytes[2 * i] | (bytes[2 * i + 1] << 8)));
    } else if (list instanceof Float32Array || list instanceof Float64Array) list = Array.from(list);
    return floats(list, dim, limit, type);
  };
}

function int8Vector(dim: number): FieldConverter {
  return (value) => {
    let list: unknown = value;
    if (typeof value === 'string') list = fromText(value, `${dim} integers or ${dim} bytes`);
    if (value instanceof Int8Array) list = Array.from(value);
    else if (list instanceof Uint8Array) {
      if (list.length !== dim) throw new FieldValueError(`expected ${dim} bytes, got ${list.length}`);
      list = Array.from(new Int8Array(list.buffer, list.byteOffset, list.length));
    }
    const out = floats(list, dim, 129, MilvusType.Int8Vector);
    for (let i = 0; i < dim; i++) {
      const x = out[i];
      if (!Number.isInteger(x) || x < -128 || x > 127) throw new FieldValueError(`element ${i} (${x}) is not an integer in -128..127`);
    }
    return out;
  };
}

/** BinaryVector: dim/8 bytes (0–255), dim bits (0/1 or booleans, most significant bit first), bytes or base64. */
function binaryVector(dim: number): FieldConverter {
  const byteCount = dim / 8;
  const expected = `${byteCount} bytes (0-255) or ${dim} bits (0/1)`;
  return (value) => {
    let list: unknown = value;
    if (typeof value === 'string') list = fromText(value, expected);
    if (list instanceof Uint8Array) {
      if (list.length !== byteCount) throw new FieldValueError(`expected ${byteCount} bytes, got ${list.length}`);
      return Array.from(list);
    }
    if (!Array.isArray(list)) throw new FieldValueError(`expected ${expected}, got ${kindOf(value)}`);
    if (list.length === byteCount) {
      for (let i = 0; i < byteCount; i++) {
        const b: unknown = list[i];
        if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255)
          throw new FieldValueError(`byte ${i} (${preview(b)}) is not an integer in 0..255`);
      }
      return list;
    }
    if (list.length === dim) {
      const out = new Array<number>(byteCount).fill(0);
      for (let i = 0; i < dim; i++) {
        const bit: unknown = list[i];
        if (bit === 1 || bit === true) out[i >> 3] |= 0x80 >> (i & 7);
        else if (bit !== 0 && bit !== false) throw new FieldValueError(`bit ${i} (${preview(bit)}) is not 0 or 1`);
      }
      return out;
    }
    throw new FieldValueError(`expected ${expected}, got an array of ${list.length}`);
  };
}

function sparseEntry(out: Record<string, number>, index: unknown, value: unknown, where: string): void {
  const i = typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : typeof index === 'bigint' ? Number(index) : index;
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= SPARSE_INDEX_LIMIT) {
    throw new FieldValueError(`${where}: index ${preview(index)} is not an integer in 0..${SPARSE_INDEX_LIMIT - 1}`);
  }
  const v = typeof value === 'number' ? value : typeof value === 'string' ? parseDecimalText(value) : undefined;
  if (v === undefined || !Number.isFinite(v) || !(v < FLOAT32_OVERFLOW && v > -FLOAT32_OVERFLOW)) {
    throw new FieldValueError(`${where}: value ${preview(value)} is not a finite float32`);
  }
  const key = String(i);
  if (Object.hasOwn(out, key)) throw new FieldValueError(`${where}: index ${i} appears twice`);
  out[key] = v;
}

/**
 * SparseFloatVector in any form the SDK knows, or as JSON text of one: {"index": value} (the original's),
 * COO [{index, value}], CSR {indices, values}, or a dense number[] (zeros left out). The result is a dict
 * with canonical integer keys, which JavaScript keeps in ascending order as Milvus requires.
 */
function sparseVector(): FieldConverter {
  const convert = (value: unknown): Record<string, number> => {
    if (typeof value === 'string') return convert(parseJsonText(value));
    const out: Record<string, number> = {};
    if (Array.isArray(value)) {
      value.forEach((item: unknown, n) => {
        if (typeof item === 'number') {
          if (item !== 0) sparseEntry(out, n, item, `element ${n}`);
        } else if (typeof item === 'object' && item !== null && 'index' in item && 'value' in item) {
          sparseEntry(out, item.index, item.value, `element ${n}`);
        } else {
          throw new FieldValueError(`element ${n} is ${kindOf(item)}; expected {"index", "value"} pairs or numbers`);
        }
      });
      return out;
    }
    if (value instanceof Map) {
      for (const [k, v] of value) sparseEntry(out, k, v, 'entry');
      return out;
    }
    if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !(value instanceof Date)) {
      const obj = value as Record<string, unknown>;
      if (Array.isArray(obj.indices) && Array.isArray(obj.values)) {
        const { indices, values } = obj as { indices: unknown[]; values: unknown[] };
        if (indices.length !== values.length) {
          throw new FieldValueError(`has ${indices.length} indices but ${values.length} values`);
        }
        for (let n = 0; n < indices.length; n++) sparseEntry(out, indices[n], values[n], `entry ${n}`);
        return out;
      }
      for (const k of Object.keys(obj)) sparseEntry(out, k, obj[k], `key ${JSON.stringify(k)}`);
      return out;
    }
    throw new FieldValueError(`expected {"index": value, …}, [{"index", "value"}, …] or {"indices", "values"}, got ${kindOf(value)}`);
  };
  return convert;
}

export function vectorConverter(field: MilvusFieldView): FieldConverter {
  const dim = field.dim ?? 0;
  switch (field.dataType) {
    case MilvusType.FloatVector:
      return floatVector(dim);
    case MilvusType.Float16Vector:
    case MilvusType.BFloat16Vector:
      return halfVector(dim, field.dataType);
    case MilvusType.Int8Vector:
      return int8Vector(dim);
    case MilvusType.BinaryVector:
      return binaryVector(dim);
    case MilvusType.SparseFloatVector:
      return sparseVector();
    default:
      return () => {
        throw new FieldValueError(`the type ${field.dataType} is not supported by this connector`);
      };
  }
}
