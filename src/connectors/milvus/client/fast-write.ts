import * as milvusSdk from '@zilliz/milvus2-sdk-node';
import type { DescribeCollectionResponse, MilvusClient, MutationResult, RowData } from '@zilliz/milvus2-sdk-node';
import type { PluginLogger } from '../../../plugin/index.js';
import type { WriteOperation } from '../rows/record-to-row.js';
import { collectionSchemaFromDescribe, type CollectionSchemaView } from '../rows/collection-schema.js';
import type { Row } from '../write/sink-op-batch.js';
import { columnRequest, supportsColumnRequests } from './column-request.js';
import { callEncoded } from './encoded-call.js';
import type { encodeWriteRequest as EncodeWriteRequest } from './request-encoding.js';

/**
 * The one door to Milvus inserts and upserts. Behind it are two paths:
 *
 *  - the fast path: requests built column by column (column-request.ts), encoded to protobuf by us
 *    (request-encoding.ts) and sent on the SDK's own channel pool (encoded-call.ts) inside the SDK's
 *    telemetry wrapper. It saves the SDK's per-row conversion and per-float serialization, about
 *    0.3 s of CPU on the event loop per 1,000 768-dim rows, but it leans on SDK internals that no
 *    semver promise covers;
 *  - the SDK's own `client.insert` / `client.upsert`, for every collection or batch the fast path
 *    does not cover, and for everything when the installed SDK no longer has what the fast path uses.
 *
 * What the fast path uses of the SDK is checked once per process (SdkCapabilities), before its first
 * request; a missing piece turns it off for the process with one warning. Nothing else in the sink
 * imports the three fast-path modules (the architecture test keeps it so).
 */

/** The SDK's telemetry wrapper, as the fast path calls it (the SDK wraps its own insert/upsert in it). */
type TelemetryWrapper = <T>(pool: unknown, operation: string, params: unknown, call: () => Promise<T>) => Promise<T>;

/** The parts of the installed SDK that can be checked without a client. */
export interface SdkSurface {
  /** exported by the SDK's index; the fast path runs each call inside it, as the SDK does */
  readonly withTelemetryLogicalOperation: unknown;
  /**
   * request-encoding.ts, which loads the SDK's proto descriptor (`dist/milvus/proto-json/milvus.js`) and
   * looks up the write request types and every field a column request names; it throws when one is gone.
   */
  readonly loadEncoder: () => Promise<{ encodeWriteRequest: typeof EncodeWriteRequest }>;
}

const INSTALLED_SDK: SdkSurface = {
  // read from the namespace: a named import of a missing export would fail the whole module graph at load
  withTelemetryLogicalOperation: (milvusSdk as Record<string, unknown>).withTelemetryLogicalOperation,
  loadEncoder: () => import('./request-encoding.js'),
};

interface FastPath {
  readonly telemetry: TelemetryWrapper;
  readonly encodeWriteRequest: typeof EncodeWriteRequest;
}

type Verdict = { readonly fast: FastPath } | { readonly missing: string };

const WRITE_METHODS = ['Insert', 'Upsert'] as const;

/**
 * Whether the installed SDK still has what the fast path relies on: the telemetry wrapper, the proto
 * descriptor and the types read from it, the client's channel pool (acquire/release), and on the gRPC
 * client the pool hands out, makeUnaryRequest and the Insert/Upsert method definitions (path and
 * response decoder) of the service the SDK loaded. Decided once, on the first client written with, and
 * kept: the SDK is the same for every client of the process. A check that failed for another reason
 * (the pool refused a client) decides nothing; the write fails as any write would, and the next checks again.
 */
export class SdkCapabilities {
  readonly #sdk: SdkSurface;
  #verdict: Promise<Verdict> | undefined;

  constructor(sdk: SdkSurface) {
    this.#sdk = sdk;
  }

  /** The fast path, or null once the SDK lacks a piece of it (logged once, with `logger`). */
  async fastPath(client: MilvusClient, logger: Pick<PluginLogger, 'warn'>): Promise<FastPath | null> {
    if (!this.#verdict) {
      const checking = this.#check(client);
      this.#verdict = checking;
      checking.then(
        (verdict) => {
          if ('missing' in verdict) logger.warn({ missing: verdict.missing, sdkVersion: sdkVersion() }, fallbackWarning(verdict.missing));
        },
        () => {
          if (this.#verdict === checking) this.#verdict = undefined;
        },
      );
    }
    const verdict = await this.#verdict;
    return 'fast' in verdict ? verdict.fast : null;
  }

  async #check(client: MilvusClient): Promise<Verdict> {
    const telemetry = this.#sdk.withTelemetryLogicalOperation;
    if (typeof telemetry !== 'function') return { missing: 'the export withTelemetryLogicalOperation' };
    let encoder: { encodeWriteRequest: typeof EncodeWriteRequest };
    try {
      encoder = await this.#sdk.loadEncoder();
    } catch (error) {
      return { missing: `the proto descriptor or types the request encoder loads (${error instanceof Error ? error.message : String(error)})` };
    }
    const missing = await pooledClientGap(client);
    return missing ? { missing } : { fast: { telemetry: telemetry as TelemetryWrapper, encodeWriteRequest: encoder.encodeWriteRequest } };
  }
}

interface PoolShape {
  acquire(): Promise<unknown>;
  release(client: unknown): Promise<unknown>;
}

/** What encoded-call.ts uses of the channel pool and of the gRPC client it lends, or null when all is there. */
async function pooledClientGap(client: MilvusClient): Promise<string | null> {
  const pool = (client as { channelPool?: Partial<PoolShape> }).channelPool;
  if (typeof pool?.acquire !== 'function' || typeof pool.release !== 'function') return 'client.channelPool with acquire() and release()';
  const grpc = (await pool.acquire()) as {
    makeUnaryRequest?: unknown;
    constructor?: { service?: Record<string, { path?: unknown; responseDeserialize?: unknown }> };
  };
  try {
    if (typeof grpc?.makeUnaryRequest !== 'function') return 'makeUnaryRequest() on the gRPC client of the channel pool';
    for (const method of WRITE_METHODS) {
      const definition = grpc.constructor?.service?.[method];
      if (typeof definition?.path !== 'string' || typeof definition.responseDeserialize !== 'function') {
        return `the ${method} method definition (path, responseDeserialize) of the SDK's gRPC service`;
      }
    }
    return null;
  } finally {
    await (pool as PoolShape).release(grpc);
  }
}

function fallbackWarning(missing: string): string {
  return (
    `The installed Milvus SDK lacks ${missing}, which the sink's encoded write path relies on: every insert and upsert ` +
    `of this process goes through the SDK's own insert/upsert instead. Rows are the same; the cost is client CPU on the ` +
    `event loop, about 0.3 s per 1,000 768-dim rows more (the SDK's row-to-column conversion and per-float serialization)`
  );
}

function sdkVersion(): string | undefined {
  return (milvusSdk.MilvusClient as { sdkInfo?: { version?: string } } | undefined)?.sdkInfo?.version;
}

/** The process's one check of the installed SDK. */
const INSTALLED = new SdkCapabilities(INSTALLED_SDK);

export interface FastWriteOptions {
  readonly collection: string;
  /** per request */
  readonly timeoutMs: number;
  /** where the one warning goes when the installed SDK lacks a piece of the fast path */
  readonly logger: Pick<PluginLogger, 'warn'>;
  /** send everything through the SDK's own insert/upsert (a test compares the two paths with it) */
  readonly sdkOnly?: boolean;
  /** the check of the SDK's shape; the process's own unless a test hands in one over a fake SDK */
  readonly sdk?: SdkCapabilities;
}

/** The collection's schema as describe() read it, and the schema timestamp requests carry. */
interface ColumnShape {
  readonly schema: CollectionSchemaView;
  readonly timestamp: string | number;
}

/** Inserts and upserts for one collection, through the fast path where it can, through the SDK otherwise. */
export class FastWrite {
  readonly #options: FastWriteOptions;
  readonly #sdk: SdkCapabilities;
  /** set when the collection's shape lets requests be built column by column */
  #columns: ColumnShape | undefined;
  /** requests sent by each path, for the benchmark and the tests that must know which one ran */
  readonly sent = { encoded: 0, sdk: 0 };

  constructor(options: FastWriteOptions) {
    this.#options = options;
    this.#sdk = options.sdk ?? INSTALLED;
  }

  /** Takes the collection's shape from a fresh describe() answer; call it after every describe. */
  useSchema(described: DescribeCollectionResponse): void {
    this.#columns = undefined;
    try {
      const schema = collectionSchemaFromDescribe(described);
      // the same schema_timestamp the SDK sends, so a schema change is still answered with SchemaMismatch
      if (supportsColumnRequests(schema)) this.#columns = { schema, timestamp: described.update_timestamp_str || described.update_timestamp };
    } catch {
      // not a shape for column requests; the caller's own schema check reports what is wrong with it
    }
  }

  /** Sends `rows` as one insert or upsert with `client`; resolves with the SDK's answer, unchecked. */
  async write(client: MilvusClient, mode: WriteOperation, rows: Row[]): Promise<MutationResult> {
    const { collection, timeoutMs } = this.#options;
    const fast = this.#columns && !this.#options.sdkOnly ? await this.#sdk.fastPath(client, this.#options.logger) : null;
    const request = fast && this.#columns && columnRequest(this.#columns.schema, this.#columns.timestamp, collection, rows, timeoutMs);
    if (fast && request) {
      const method = mode === 'insert' ? 'Insert' : 'Upsert';
      // Only the bytes outlive this line: the column request holds a copy of every vector (~3 MB per
      // 1,000 768-dim rows) that would otherwise stay reachable for the whole call, once per request in flight.
      const encoded = { bytes: fast.encodeWriteRequest(method, request), toJSON: request.toJSON };
      this.sent.encoded += 1;
      // the SDK's telemetry reads only the collection name (and a client request id, which we never set)
      return fast.telemetry(client.channelPool, method, request.toJSON(), () => callEncoded<MutationResult>(client, method, encoded, timeoutMs));
    }
    // a fresh request object per call: the SDK writes into it (fields_data)
    const sdkRequest = writeRequest(collection, rows, timeoutMs);
    this.sent.sdk += 1;
    return mode === 'insert' ? client.insert(sdkRequest) : client.upsert(sdkRequest);
  }
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
