/**
 * The benchmark's Milvus calls: the collection every workload writes to (Int64 `id` primary key without
 * autoID, VarChar `title`, FloatVector `vector`, AUTOINDEX, loaded) and reads with Strong consistency,
 * so a row counts only once a query is guaranteed to see it.
 */
import { ConsistencyLevelEnum, DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectMilvus } from '../src/connectors/milvus/client/milvus-client.js';
import { TITLE_MAX_LENGTH } from './dataset.js';

/**
 * Milvus Lite's gRPC server sends GOAWAY (too_many_pings) to a connection that was idle while the SDK's
 * keepalive pinged it every 10 s; the next call fails with RESOURCE_EXHAUSTED or UNAVAILABLE and the
 * channel reconnects. The harness's own client sits idle for minutes between phases: retry such calls.
 */
async function transientRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 4 || (code !== 8 && code !== 14)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export function openMilvus(address: string): Promise<MilvusClient> {
  return connectMilvus({ endpoint: `http://${address}`, timeoutMs: 60_000 });
}

function check(what: string, status: { error_code?: unknown; code?: unknown; reason?: string }): void {
  if (status.error_code !== 'Success' && status.code !== 0) throw new Error(`Milvus ${what} failed: ${status.reason ?? JSON.stringify(status)}`);
}

export async function createBenchCollection(client: MilvusClient, name: string, dim: number): Promise<void> {
  await dropCollection(client, name);
  check(
    `createCollection ${name}`,
    await client.createCollection({
      collection_name: name,
      enable_dynamic_field: false,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        { name: 'title', data_type: DataType.VarChar, max_length: TITLE_MAX_LENGTH },
        { name: 'vector', data_type: DataType.FloatVector, dim },
      ],
    }),
  );
  check(`createIndex ${name}`, await client.createIndex({ collection_name: name, field_name: 'vector', index_type: 'AUTOINDEX', metric_type: 'COSINE' }));
  check(`loadCollection ${name}`, await client.loadCollection({ collection_name: name }));
}

export async function dropCollection(client: MilvusClient, name: string): Promise<void> {
  const has = await transientRetry(() => client.hasCollection({ collection_name: name }));
  if (has.value) check(`dropCollection ${name}`, await transientRetry(() => client.dropCollection({ collection_name: name })));
}

/** Rows a Strong-consistency query sees. */
export async function strongCount(client: MilvusClient, name: string): Promise<number> {
  const result = await transientRetry(() =>
    client.query({ collection_name: name, output_fields: ['count(*)'], consistency_level: ConsistencyLevelEnum.Strong }),
  );
  check(`count ${name}`, result.status);
  return Number(result.data[0]['count(*)']);
}

/** Which of `ids` a Strong-consistency query sees. */
export async function visibleIds(client: MilvusClient, name: string, ids: readonly number[]): Promise<Set<number>> {
  const result = await transientRetry(() =>
    client.query({
      collection_name: name,
      filter: `id in [${ids.join(',')}]`,
      output_fields: ['id'],
      consistency_level: ConsistencyLevelEnum.Strong,
    }),
  );
  check(`query ${name}`, result.status);
  return new Set(result.data.map((row) => Number(row.id)));
}

/**
 * Polls the Strong-consistency count until it reaches `expected`; resolves with the time (performance.now)
 * of the response that first showed it. `onCount` sees every reading (progress).
 */
export async function waitForCount(
  client: MilvusClient,
  name: string,
  expected: number,
  options: { intervalMs: number; timeoutMs: number; onCount?: (count: number) => void },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const count = await strongCount(client, name);
    const at = performance.now();
    options.onCount?.(count);
    if (count >= expected) return at;
    if (at > deadline) throw new Error(`${name}: ${count} of ${expected} rows visible after ${Math.round(options.timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
