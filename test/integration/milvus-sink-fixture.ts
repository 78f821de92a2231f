/**
 * Drives MilvusSinkTask directly against the Milvus Lite of the test stack: SinkRecords in, rows queried
 * back. Every test gets its own collection (uniqueName) and drops it afterwards.
 */
import { after, type TestContext } from 'node:test';
import type { FieldType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectMilvus } from '../../src/connectors/milvus/client/milvus-client.js';
import { MilvusSinkTask } from '../../src/connectors/milvus/milvus-sink-task.js';
import type { OffsetMap, Schema, SinkRecord } from '../../src/plugin/index.js';
import { stackAddresses } from '../helpers/stack.js';
import { sinkRecord, testContext, type TestContext as SinkContext } from '../connectors/milvus/fixtures.js';

export const { milvusAddress } = stackAddresses();
export const TOPIC = 'vectors';

let shared: Promise<MilvusClient> | undefined;
// registered when the test file imports this module, so it runs once after all of the file's tests
after(async () => (await shared)?.closeConnection());

/** One client for the test file's own setup and queries (tasks open their own). */
export function milvus(): Promise<MilvusClient> {
  shared ??= connectMilvus({ endpoint: `http://${milvusAddress}` });
  return shared;
}

export interface CollectionOptions {
  readonly index?: boolean;
  readonly load?: boolean;
  readonly dynamic?: boolean;
}

/** Creates a collection (with an AUTOINDEX on `vectorField`, default `vector`; loaded) dropped after the test. */
export async function createCollection(
  t: TestContext,
  client: MilvusClient,
  name: string,
  fields: FieldType[],
  options: CollectionOptions & { vectorField?: string } = {},
): Promise<void> {
  const created = await client.createCollection({ collection_name: name, fields, enable_dynamic_field: options.dynamic ?? false });
  if (created.code !== 0) throw new Error(`createCollection ${name}: ${created.reason}`);
  t.after(() => client.dropCollection({ collection_name: name }));
  if (options.index ?? true) {
    const field_name = options.vectorField ?? 'vector';
    const indexed = await client.createIndex({ collection_name: name, field_name, index_type: 'AUTOINDEX', metric_type: 'COSINE' });
    if (indexed.code !== 0) throw new Error(`createIndex ${name}: ${indexed.reason}`);
  }
  // Milvus Lite loads a collection as soon as it is created; release it to get an unloaded one
  if (options.load === false) await client.releaseCollection({ collection_name: name });
}

export function sinkProps(collection: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'milvus-it',
    'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
    topics: TOPIC,
    'public.endpoint': `http://${milvusAddress}`,
    token: 'root:Milvus',
    'collection.name': collection,
    ...extra,
  };
}

export interface RunningTask {
  readonly task: MilvusSinkTask;
  readonly context: SinkContext;
  /** put() these records, flush(), then preCommit() with the offsets after them; returns what may be committed */
  putAndCommit(records: readonly SinkRecord[]): Promise<OffsetMap>;
}

export async function startTask(t: TestContext, props: Record<string, string>, partitions = [0]): Promise<RunningTask> {
  const context = testContext(
    partitions.map((partition) => ({ topic: TOPIC, partition })),
    props.name,
  );
  const task = new MilvusSinkTask();
  await task.start(props, context);
  t.after(() => task.stop());
  await task.open(context.assignment());
  const next = new Map<string, { topic: string; partition: number; offset: number }>();
  return {
    task,
    context,
    async putAndCommit(records) {
      await task.put(records);
      await task.flush();
      for (const r of records) next.set(`${r.topic}-${r.kafkaPartition}`, { topic: r.topic, partition: r.kafkaPartition, offset: r.kafkaOffset + 1 });
      return task.preCommit(new Map(next));
    },
  };
}

let nextOffset = 0;

/** A record on TOPIC whose value is `value` (schemaless JSON unless a schema is given). */
export function record(value: unknown, options: { key?: unknown; partition?: number; offset?: number; valueSchema?: Schema } = {}): SinkRecord {
  return sinkRecord({
    topic: TOPIC,
    partition: options.partition ?? 0,
    offset: options.offset ?? nextOffset++,
    key: options.key ?? null,
    value,
    ...(options.valueSchema ? { valueSchema: options.valueSchema } : {}),
  });
}

export function tombstone(key: unknown, options: { partition?: number; offset?: number } = {}): SinkRecord {
  return sinkRecord({ topic: TOPIC, partition: options.partition ?? 0, offset: options.offset ?? nextOffset++, key, value: null });
}

/** Every row of the collection (Strong consistency: what was acknowledged is visible). */
export async function rows(client: MilvusClient, collection: string, outputFields: string[], filter?: string): Promise<Record<string, unknown>[]> {
  const res = await client.query({
    collection_name: collection,
    filter: filter ?? '',
    output_fields: outputFields,
    limit: 16_384,
    consistency_level: 'Strong' as never,
  });
  if (res.status.code !== 0) throw new Error(`query ${collection}: ${res.status.reason}`);
  return res.data;
}

export function committedOffset(offsets: OffsetMap, partition = 0): number | undefined {
  return offsets.get(`${TOPIC}-${partition}`)?.offset;
}
