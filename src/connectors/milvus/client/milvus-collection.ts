import {
  withTelemetryLogicalOperation,
  type DescribeCollectionResponse,
  type FieldSchema,
  type MilvusClient,
  type MutationResult,
  type RowData,
} from '@zilliz/milvus2-sdk-node';
import type { PkValue, Row } from '../write/sink-op-batch.js';
import type { RowSink } from '../write/batch-delivery.js';
import { collectionSchemaFromDescribe, type CollectionSchemaView, type DescribedCollection } from '../rows/collection-schema.js';
import { columnRequest, supportsColumnRequests } from './column-request.js';
import { callEncoded, type EncodedRequest } from './encoded-call.js';
import { encodeWriteRequest, type WriteMethod } from './request-encoding.js';
import { FailureKind, isSuccess, MilvusRequestError, statusError, thrownError, type MilvusStatus } from '../write/milvus-errors.js';
import type { WriteOperation } from '../rows/record-to-row.js';

/** The collection's schema as describe() read it, and the schema timestamp requests carry. */
interface ColumnShape {
  readonly schema: CollectionSchemaView;
  readonly timestamp: string | number;
}

export interface MilvusCollectionOptions {
  readonly client: MilvusClient;
  readonly collection: string;
  /** initial write mode; the task sets `mode` again whenever the schema is (re)read */
  readonly mode: WriteOperation;
  /** per request */
  readonly timeoutMs: number;
  /** called with every fresh describe result (start-up and after a SchemaMismatch) */
  readonly onSchema?: (described: DescribedCollection) => void;
}

/**
 * The sink's only path to Milvus data calls. The SDK returns server-side failures as a status instead
 * of throwing, so every response is checked here (status, then `err_index`) and every failure becomes
 * a MilvusRequestError whose kind tells the caller whether to retry, split or fail.
 */
export class MilvusCollection implements RowSink {
  readonly #options: MilvusCollectionOptions;
  /** the primary key field as the last describe() read it; delete filters name and quote by it */
  #primaryKey: FieldSchema | undefined;
  /** set when the collection's shape lets write() build requests column by column (column-request.ts) */
  #columns: ColumnShape | undefined;
  mode: WriteOperation;

  constructor(options: MilvusCollectionOptions) {
    this.#options = options;
    this.mode = options.mode;
  }

  /** Reads the schema from the server (never the SDK cache) and refreshes the SDK's cache with it. */
  async describe(): Promise<DescribeCollectionResponse> {
    const { client, collection, timeoutMs } = this.#options;
    const described = await call('describeCollection', () =>
      client.describeCollection({ collection_name: collection, cache: false, timeout: timeoutMs }),
    );
    this.#primaryKey = described.schema.fields.find((f) => f.is_primary_key);
    this.#columns = undefined;
    try {
      const schema = collectionSchemaFromDescribe(described);
      // the same schema_timestamp the SDK sends, so a schema change is still answered with SchemaMismatch
      if (supportsColumnRequests(schema)) this.#columns = { schema, timestamp: described.update_timestamp_str || described.update_timestamp };
    } catch {
      // not a shape for column requests; onSchema reports what is wrong with it
    }
    this.#options.onSchema?.(described);
    return described;
  }

  async refreshSchema(): Promise<void> {
    await this.describe();
  }

  async write(rows: Row[]): Promise<number[]> {
    const { client, collection, timeoutMs } = this.#options;
    const mode = this.mode;
    const method = mode === 'insert' ? 'Insert' : 'Upsert';
    const encoded = this.#columns && encodeColumns(method, this.#columns, collection, rows, timeoutMs);
    if (encoded) {
      // the SDK's telemetry reads only the collection name (and a client request id, which we never set)
      const summary = encoded.toJSON();
      const result: MutationResult = await call(mode, () =>
        withTelemetryLogicalOperation(client.channelPool, method, summary, () => callEncoded<MutationResult>(client, method, encoded, timeoutMs)),
      );
      return (result.err_index ?? []).map(Number);
    }
    // a fresh request object per call: the SDK writes into it (fields_data)
    const request = writeRequest(collection, rows, timeoutMs);
    const result: MutationResult = await call(mode, () =>
      mode === 'insert' ? client.insert(request) : client.upsert(request),
    );
    return (result.err_index ?? []).map(Number);
  }

  async delete(pks: PkValue[]): Promise<void> {
    const { client, collection, timeoutMs } = this.#options;
    if (!this.#primaryKey) throw new Error(`delete() before describe() found the primary key of ${collection}`);
    const filter = pkInFilter(this.#primaryKey, pks);
    await call('delete', () => client.delete({ collection_name: collection, filter, timeout: timeoutMs }));
  }
}

/**
 * What client.insert/upsert would send for these rows, built without its per-row conversion, or null
 * when the rows need the SDK's path. Only the encoded bytes leave this function: the column request
 * holds a copy of every vector (~3 MB per 1,000 768-dim rows) that would otherwise stay reachable for
 * the whole call, seconds on a busy Milvus, once per request in flight.
 */
function encodeColumns(
  method: WriteMethod,
  columns: ColumnShape,
  collection: string,
  rows: Row[],
  timeoutMs: number,
): EncodedRequest | null {
  const request = columnRequest(columns.schema, columns.timestamp, collection, rows, timeoutMs);
  return request && { bytes: encodeWriteRequest(method, request), toJSON: request.toJSON };
}

/**
 * The insert/upsert request. The SDK's retry interceptor JSON.stringify()s every request it sends, for
 * a debug line it then cuts to 4 KB, whether or not debug logging is on; for vectors that is the whole
 * batch as text (a 1,000-row 768-dim upsert: ~15 MB, ~0.2 s of CPU on the event loop). The SDK copies
 * the request's own properties into the message it sends, so a `toJSON` here makes that line a short
 * summary instead. It is not a field of the protobuf message, so nothing sent to Milvus changes.
 */
export interface WriteRequest {
  readonly collection_name: string;
  readonly data: RowData[];
  readonly timeout: number;
  toJSON(): { collection_name: string; num_rows: number };
}

export function writeRequest(collection: string, rows: Row[], timeoutMs: number): WriteRequest {
  const summary = { collection_name: collection, num_rows: rows.length };
  return { collection_name: collection, data: rows.map(sdkRow) as RowData[], timeout: timeoutMs, toJSON: () => summary };
}

/**
 * The row with its FloatVectors (Float32Array, see vector-converters.ts) as plain arrays: with a dynamic
 * field the SDK clones rows through JSON, which turns a typed array into an object of indexes. The row
 * itself is left alone (a retry or a fallback after a rejected batch sends it again); a row without a
 * typed array is passed on as it is.
 */
function sdkRow(row: Row): Row {
  let out: Row | undefined;
  for (const name in row) {
    const value = row[name];
    if (value instanceof Float32Array) {
      out ??= { ...row };
      out[name] = Array.from(value);
    }
  }
  return out ?? row;
}

/** Runs one SDK call and turns both thrown errors and error statuses into MilvusRequestError. */
export async function call<T extends { status: MilvusStatus }>(operation: string, fn: () => Promise<T>): Promise<T> {
  let response: T;
  try {
    response = await fn();
  } catch (error) {
    throw thrownError(operation, error);
  }
  if (!response?.status) throw new MilvusRequestError(`Milvus ${operation} returned no status (the server does not implement it)`, FailureKind.FATAL, 'no-status');
  if (!isSuccess(response.status)) {
    const errIndex = (response as { err_index?: unknown[] }).err_index;
    throw statusError(operation, response.status, Array.isArray(errIndex) && errIndex.length > 0);
  }
  return response;
}

/** Like call(), for the calls that answer with a bare status (create, index, load, release). */
export async function callStatus(operation: string, fn: () => Promise<MilvusStatus>): Promise<void> {
  let status: MilvusStatus;
  try {
    status = await fn();
  } catch (error) {
    throw thrownError(operation, error);
  }
  if (!status) throw new MilvusRequestError(`Milvus ${operation} returned no status (the server does not implement it)`, FailureKind.FATAL, 'no-status');
  if (!isSuccess(status)) throw statusError(operation, status);
}

/**
 * `pk in [...]` for a delete. The SDK's own `ids` form quotes VarChar keys without escaping them, so a
 * key holding a quote or a backslash would break (or change) the expression. Only `\\`, `"` and line
 * breaks are escaped: Milvus Lite's parser reads other characters (tabs, control characters, any
 * Unicode) literally and does not decode JSON-style `\t` or `\u0001` escapes; expression templates
 * (`exprValues`) would avoid quoting but Lite fails them with UNKNOWN.
 */
export function pkInFilter(pk: Pick<FieldSchema, 'name' | 'data_type'>, pks: readonly PkValue[]): string {
  const values =
    pk.data_type === 'VarChar'
      ? pks.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`)
      : pks.map((v) => {
          const text = String(v);
          if (!/^-?\d+$/.test(text)) throw new Error(`Primary key ${text} is not an integer`);
          return text;
        });
  return `${pk.name} in [${values.join(',')}]`;
}
