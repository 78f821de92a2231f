import type { DescribeCollectionResponse, FieldSchema, MilvusClient, MutationResult } from '@zilliz/milvus2-sdk-node';
import type { PluginLogger } from '../../../plugin/index.js';
import type { PkValue, Row } from '../write/sink-op-batch.js';
import type { RowSink } from '../write/batch-delivery.js';
import type { DescribedCollection } from '../rows/collection-schema.js';
import { FastWrite } from './fast-write.js';
import { FailureKind, isSuccess, MilvusRequestError, statusError, thrownError, type MilvusStatus } from '../write/milvus-errors.js';
import type { WriteOperation } from '../rows/record-to-row.js';

export interface MilvusCollectionOptions {
  readonly client: MilvusClient;
  readonly collection: string;
  /** initial write mode; the task sets `mode` again whenever the schema is (re)read */
  readonly mode: WriteOperation;
  /** per request */
  readonly timeoutMs: number;
  /** called with every fresh describe result (start-up and after a SchemaMismatch) */
  readonly onSchema?: (described: DescribedCollection) => void;
  /** the task's logger: the one warning when the installed SDK lacks a piece of the fast write path goes there */
  readonly logger: Pick<PluginLogger, 'warn'>;
  /** write through the SDK's own insert/upsert only, never the fast path (fast-write.ts) */
  readonly sdkOnly?: boolean;
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
  /** inserts and upserts go through this door only */
  readonly #writes: FastWrite;
  mode: WriteOperation;

  constructor(options: MilvusCollectionOptions) {
    this.#options = options;
    this.mode = options.mode;
    this.#writes = new FastWrite({ collection: options.collection, timeoutMs: options.timeoutMs, logger: options.logger, sdkOnly: options.sdkOnly });
  }

  /** Reads the schema from the server (never the SDK cache) and refreshes the SDK's cache with it. */
  async describe(): Promise<DescribeCollectionResponse> {
    const { client, collection, timeoutMs } = this.#options;
    const described = await call('describeCollection', () => client.describeCollection({ collection_name: collection, cache: false, timeout: timeoutMs }));
    this.#primaryKey = described.schema.fields.find((f) => f.is_primary_key);
    this.#writes.useSchema(described);
    this.#options.onSchema?.(described);
    return described;
  }

  async refreshSchema(): Promise<void> {
    await this.describe();
  }

  async write(rows: Row[]): Promise<number[]> {
    const { client } = this.#options;
    const mode = this.mode;
    const result: MutationResult = await call(mode, () => this.#writes.write(client, mode, rows));
    return (result.err_index ?? []).map(Number);
  }

  async delete(pks: PkValue[]): Promise<void> {
    const { client, collection, timeoutMs } = this.#options;
    if (!this.#primaryKey) throw new Error(`delete() before describe() found the primary key of ${collection}`);
    const filter = pkInFilter(this.#primaryKey, pks);
    await call('delete', () => client.delete({ collection_name: collection, filter, timeout: timeoutMs }));
  }
}

/** Runs one SDK call and turns both thrown errors and error statuses into MilvusRequestError. */
export async function call<T extends { status: MilvusStatus }>(operation: string, fn: () => Promise<T>): Promise<T> {
  let response: T;
  try {
    response = await fn();
  } catch (error) {
    throw thrownError(operation, error);
  }
  if (!response?.status)
    throw new MilvusRequestError(`Milvus ${operation} returned no status (the server does not implement it)`, FailureKind.FATAL, 'no-status');
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
