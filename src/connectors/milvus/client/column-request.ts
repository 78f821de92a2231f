import { DataType } from '@zilliz/milvus2-sdk-node';
import type { Row } from '../write/sink-op-batch.js';
import { MilvusType, type CollectionSchemaView, type MilvusFieldView } from '../rows/collection-schema.js';

/**
 * Insert/upsert requests built column by column, for the common collection shape: scalar and
 * FloatVector fields, none nullable, none with a default value, no autoID, no dynamic field, no
 * function outputs. The request is the one the SDK's insert/upsert builds from the same rows (a test
 * compares the two), minus the costs the CPU profile of a 768-dim backfill showed: the SDK copies
 * every vector into one column with `push(...vector)` and then `Array.prototype.flat()` on the
 * already-flat column (~115 ms and ~6 MB of garbage per 1,000 rows, on the event loop), and it runs
 * per row, per field conversion code built for every type. A FloatVector column is a Float32Array,
 * rounded exactly as the SDK's serializer rounds each number, so request-encoding.ts can send its
 * bytes as they are. Anything outside that shape, or a row that does not fit it exactly, goes through
 * the SDK unchanged.
 */

/** The protobuf `oneof` key of each scalar column (the SDK's getDataKey). */
const SCALAR_DATA_KEY: Readonly<Record<string, string>> = {
  [MilvusType.Bool]: 'bool_data',
  [MilvusType.Int8]: 'int_data',
  [MilvusType.Int16]: 'int_data',
  [MilvusType.Int32]: 'int_data',
  [MilvusType.Int64]: 'long_data',
  [MilvusType.Float]: 'float_data',
  [MilvusType.Double]: 'double_data',
  [MilvusType.VarChar]: 'string_data',
};

/**
 * The protobuf field names the requests below use, by message. protobufjs' fromObject drops a name the
 * message does not have without a word, so request-encoding.ts checks each against the SDK's descriptor
 * when it loads: a field renamed by a new SDK makes the fast path unavailable instead of sending
 * requests without it.
 */
export const COLUMN_REQUEST_FIELDS = {
  'milvus.proto.milvus.InsertRequest': ['collection_name', 'fields_data', 'num_rows', 'schema_timestamp'],
  'milvus.proto.milvus.UpsertRequest': ['collection_name', 'fields_data', 'num_rows', 'schema_timestamp'],
  'milvus.proto.schema.FieldData': ['type', 'field_name', 'is_dynamic', 'valid_data', 'scalars', 'vectors'],
  'milvus.proto.schema.ScalarField': [...new Set(Object.values(SCALAR_DATA_KEY))],
  'milvus.proto.schema.VectorField': ['dim', 'float_vector'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** What the SDK passes to the gRPC Insert/Upsert method (field order = schema order). */
export interface ColumnRequest {
  readonly collection_name: string;
  readonly fields_data: readonly Record<string, unknown>[];
  readonly num_rows: number;
  readonly schema_timestamp: string | number;
  readonly timeout: number;
  /** the SDK's retry interceptor stringifies every request for a debug line: keep that line short */
  toJSON(): { collection_name: string; num_rows: number };
}

function simpleField(field: MilvusFieldView): boolean {
  if (field.isFunctionOutput || field.autoId || field.nullable || field.defaultValue !== undefined) return false;
  if (field.dataType === MilvusType.FloatVector) return field.dim !== undefined && field.dim > 0;
  return Object.hasOwn(SCALAR_DATA_KEY, field.dataType);
}

/** Whether columnRequest() may build requests for this collection at all. */
export function supportsColumnRequests(schema: CollectionSchemaView): boolean {
  return !schema.enableDynamicField && schema.fields.length > 0 && schema.fields.every(simpleField);
}

/** Every row has exactly the schema's fields, with a value in each (the SDK path reports anything else). */
function rowsFit(schema: CollectionSchemaView, rows: readonly Row[]): boolean {
  const width = schema.fields.length;
  for (const row of rows) {
    let keys = 0;
    for (const key in row) {
      if (!schema.byName.has(key) || row[key] === undefined) return false;
      keys += 1;
    }
    if (keys !== width) return false;
  }
  return true;
}

/**
 * The rows' vectors one after the other as float32, the precision Milvus stores; null unless each is
 * a Float32Array (what the FloatVector field converter produces) or an array of exactly `dim`
 * elements. The converter has already made every element a finite number within float32 range; an
 * array element that somehow is not converts as the SDK's serializer converts it (Number()), since a
 * typed array's set() applies the same conversion. set() copies in native code.
 */
function vectorColumn(rows: readonly Row[], name: string, dim: number): Float32Array | null {
  const out = new Float32Array(rows.length * dim);
  let o = 0;
  for (const row of rows) {
    const vector = row[name];
    if (!(vector instanceof Float32Array || Array.isArray(vector)) || vector.length !== dim) return null;
    out.set(vector as ArrayLike<number>, o);
    o += dim;
  }
  return out;
}

/**
 * The insert/upsert request for `rows`, or null when the collection or one of the rows is outside the
 * shape this builder covers (the caller then lets the SDK build it).
 */
export function columnRequest(
  schema: CollectionSchemaView,
  schemaTimestamp: string | number,
  collection: string,
  rows: readonly Row[],
  timeoutMs: number,
): ColumnRequest | null {
  if (rows.length === 0 || !supportsColumnRequests(schema) || !rowsFit(schema, rows)) return null;
  const fieldsData: Record<string, unknown>[] = [];
  for (const field of schema.fields) {
    const type = DataType[field.dataType as keyof typeof DataType];
    const base = { type, field_name: field.name, is_dynamic: false };
    if (field.dataType === MilvusType.FloatVector) {
      const data = vectorColumn(rows, field.name, field.dim!);
      if (data === null) return null;
      fieldsData.push({ ...base, vectors: { dim: field.dim, float_vector: { data } }, valid_data: [] });
    } else {
      const data = rows.map((row) => row[field.name]);
      fieldsData.push({ ...base, scalars: { [SCALAR_DATA_KEY[field.dataType]]: { data } }, valid_data: [] });
    }
  }
  const summary = { collection_name: collection, num_rows: rows.length };
  return {
    collection_name: collection,
    fields_data: fieldsData,
    num_rows: rows.length,
    schema_timestamp: schemaTimestamp,
    timeout: timeoutMs,
    toJSON: () => summary,
  };
}
