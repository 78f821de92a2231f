import { MilvusType, type CollectionSchemaView } from './collection-schema.js';

/** Per-field framing (field id, lengths) on top of the values. */
const FIELD_OVERHEAD = 8;

/** Bytes per element of the packed vector types, as the SDK puts them on the wire. */
const PACKED_ELEMENT_BYTES: Readonly<Record<string, number>> = {
  [MilvusType.FloatVector]: 4,
  [MilvusType.Float16Vector]: 2,
  [MilvusType.BFloat16Vector]: 2,
  [MilvusType.BinaryVector]: 1,
  [MilvusType.Int8Vector]: 1,
};

function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
      return 1;
    case 'string':
      return Buffer.byteLength(value, 'utf8') + 4;
    default:
      break;
  }
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) {
    let n = 4;
    for (const item of value) n += valueBytes(item);
    return n;
  }
  if (typeof value === 'object') {
    // JSON documents travel as text: keys, values and punctuation
    let n = 2;
    for (const [k, v] of Object.entries(value)) n += Buffer.byteLength(k, 'utf8') + 4 + valueBytes(v);
    return n;
  }
  return 8;
}

/**
 * Estimated size of one row in an insert/upsert request. Vectors count their packed size (a float is 4
 * bytes on the wire, not 8); everything else is estimated generously, so that a batch bounded by
 * batch.max.bytes stays under Milvus' 64 MiB request limit.
 */
export function estimateRowBytes(row: Readonly<Record<string, unknown>>, schema: CollectionSchemaView): number {
  let total = 0;
  for (const [name, value] of Object.entries(row)) {
    const type = schema.byName.get(name)?.dataType;
    const packed = type === undefined ? undefined : PACKED_ELEMENT_BYTES[type];
    // a FloatVector is a Float32Array (vector-converters.ts), the other packed types plain arrays
    if (packed !== undefined && (Array.isArray(value) || value instanceof Float32Array)) total += FIELD_OVERHEAD + value.length * packed;
    else if (type === MilvusType.SparseFloatVector && value !== null && typeof value === 'object') {
      // index (uint32) + value (float32) per non-zero entry
      total += FIELD_OVERHEAD + Object.keys(value).length * 8;
    } else total += FIELD_OVERHEAD + Buffer.byteLength(name, 'utf8') + valueBytes(value);
  }
  return total;
}
