import type { DescribeCollectionResponse, FieldSchema, MilvusClient, MutationResult, RowData } from '@zilliz/milvus2-sdk-node';
import type { PkValue, Row } from './batch.js';
import type { RowSink } from './batch-writer.js';
import { isSuccess, statusError, thrownError, type MilvusStatus } from './milvus-errors.js';

export type WriteMode = 'insert' | 'upsert';

export interface MilvusWriterOptions {
  readonly client: MilvusClient;
  readonly collection: string;
  readonly mode: WriteMode;
  /** per request */
  readonly timeoutMs: number;
  /** called with every fresh describe result (start-up and after a SchemaMismatch) */
  readonly onSchema?: (described: DescribeCollectionResponse) => void;
}

/**
 * The sink's only path to Milvus data calls. The SDK returns server-side failures as a status instead
 * of throwing, so every response is checked here (status, then `err_index`) and every failure becomes
 * a MilvusRequestError whose kind tells the caller whether to retry, split or fail.
 */
export class MilvusWriter implements RowSink {
  readonly #options: MilvusWriterOptions;
  #described: DescribeCollectionResponse | undefined;

  constructor(options: MilvusWriterOptions) {
    this.#options = options;
  }

  get mode(): WriteMode {
    return this.#options.mode;
  }

  /** The schema read by the last describe(); throws before the first one. */
  get described(): DescribeCollectionResponse {
    if (!this.#described) throw new Error('describe() has not run yet');
    return this.#described;
  }

  get primaryKey(): FieldSchema {
    const pk = this.described.schema.fields.find((f) => f.is_primary_key);
    if (!pk) throw new Error(`Collection ${this.#options.collection} has no primary key field`);
    return pk;
  }

  /** Reads the schema from the server (never the SDK cache) and refreshes the SDK's cache with it. */
  async describe(): Promise<DescribeCollectionResponse> {
    const { client, collection, timeoutMs } = this.#options;
    const described = await call('describeCollection', () =>
      client.describeCollection({ collection_name: collection, cache: false, timeout: timeoutMs }),
    );
    this.#described = described;
    this.#options.onSchema?.(described);
    return described;
  }

  async refreshSchema(): Promise<void> {
    await this.describe();
  }

  async write(rows: Row[]): Promise<number[]> {
    const { client, collection, mode, timeoutMs } = this.#options;
    // a fresh request object per call: the SDK writes into it (fields_data)
    const request = { collection_name: collection, data: rows as RowData[], timeout: timeoutMs };
    const result: MutationResult = await call(mode, () =>
      mode === 'insert' ? client.insert(request) : client.upsert(request),
    );
    return (result.err_index ?? []).map(Number);
  }

  async delete(pks: PkValue[]): Promise<void> {
    const { client, collection, timeoutMs } = this.#options;
    const filter = pkInFilter(this.primaryKey, pks);
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
  if (!isSuccess(response.status)) throw statusError(operation, response.status);
  return response;
}

/**
 * `pk in [...]` for a delete. The SDK's own `ids` form quotes VarChar keys without escaping them, so a
 * key holding a quote or a backslash would break (or change) the expression; JSON string syntax is
 * what Milvus' expression parser reads for string literals.
 */
export function pkInFilter(pk: Pick<FieldSchema, 'name' | 'data_type'>, pks: readonly PkValue[]): string {
  const values =
    pk.data_type === 'VarChar'
      ? pks.map((v) => JSON.stringify(String(v)))
      : pks.map((v) => {
          const text = String(v);
          if (!/^-?\d+$/.test(text)) throw new Error(`Primary key ${text} is not an integer`);
          return text;
        });
  return `${pk.name} in [${values.join(',')}]`;
}
