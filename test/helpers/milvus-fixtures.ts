/**
 * Collections for end-to-end tests on the stack's Milvus Lite, made with the same client code the sink uses
 * (`connectMilvus`), and the reads a test needs to judge what the service wrote: rows and counts at
 * Strong consistency, so everything Milvus acknowledged is visible.
 */
import { DataType, type FieldType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectMilvus } from '../../src/connectors/milvus/client/milvus-client.js';
import { stackAddresses } from './stack.js';

/** `http://host:port` of the stack's Milvus, as a user would write `public.endpoint`. */
export function milvusEndpoint(): string {
  return `http://${stackAddresses().milvusAddress}`;
}

let shared: Promise<MilvusClient> | undefined;

/** One client per test file; `closeMilvus()` (in an `after`) releases it. */
export function milvus(): Promise<MilvusClient> {
  shared ??= connectMilvus({ endpoint: milvusEndpoint() });
  return shared;
}

export async function closeMilvus(): Promise<void> {
  const client = shared;
  shared = undefined;
  await (await client)?.closeConnection();
}

/** The Milvus documentation's quick start schema: id (Int64 PK), title, title_vector (dim 8), link. */
export function quickStartFields(options: { autoId?: boolean; dim?: number } = {}): FieldType[] {
  return [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: options.autoId ?? false },
    { name: 'title', data_type: DataType.VarChar, max_length: 512 },
    { name: 'title_vector', data_type: DataType.FloatVector, dim: options.dim ?? 8 },
    { name: 'link', data_type: DataType.VarChar, max_length: 512 },
  ];
}

export interface CollectionOptions {
  readonly fields?: FieldType[];
  readonly vectorField?: string;
  /**
   * Milvus Lite supports FLAT, IVF_FLAT and AUTOINDEX. Default FLAT: with AUTOINDEX, Lite can refuse to return
   * vectors of a growing segment ("Growing segment loss raw data"), and tests read vectors back.
   */
  readonly indexType?: 'AUTOINDEX' | 'FLAT' | 'IVF_FLAT';
  readonly metric?: 'COSINE' | 'L2' | 'IP';
}

/** Creates, indexes and loads a collection (quick start schema unless `fields` is given). Returns a dropper. */
export async function createCollection(name: string, options: CollectionOptions = {}): Promise<() => Promise<void>> {
  const client = await milvus();
  const created = await client.createCollection({ collection_name: name, fields: options.fields ?? quickStartFields() });
  if (created.code !== 0) throw new Error(`createCollection ${name}: ${created.reason}`);
  const indexed = await client.createIndex({
    collection_name: name,
    field_name: options.vectorField ?? 'title_vector',
    index_type: options.indexType ?? 'FLAT',
    metric_type: options.metric ?? 'COSINE',
  });
  if (indexed.code !== 0) throw new Error(`createIndex ${name}: ${indexed.reason}`);
  const loaded = await client.loadCollectionSync({ collection_name: name });
  if (loaded.code !== 0) throw new Error(`loadCollection ${name}: ${loaded.reason}`);
  return async () => {
    await client.dropCollection({ collection_name: name });
  };
}

/** Rows matching `filter` (all rows when absent), at Strong consistency. */
export async function queryRows(name: string, outputFields: string[], filter = ''): Promise<Record<string, unknown>[]> {
  const client = await milvus();
  const res = await client.query({
    collection_name: name,
    filter,
    output_fields: outputFields,
    limit: 16_384,
    consistency_level: 'Strong' as never,
  });
  if (res.status.code !== 0) throw new Error(`query ${name}: ${res.status.reason}`);
  return res.data;
}

/**
 * `count(*)` at Strong consistency: unlike a plain query, it counts every stored entity, so a primary key
 * written twice by insert shows up as 2.
 */
export async function countRows(name: string, filter = ''): Promise<number> {
  const client = await milvus();
  const res = await client.query({
    collection_name: name,
    filter,
    output_fields: ['count(*)'],
    consistency_level: 'Strong' as never,
  });
  if (res.status.code !== 0) throw new Error(`count ${name}: ${res.status.reason}`);
  return Number(res.data[0]?.['count(*)']);
}

/** A deterministic unit-ish vector for record `i` (dimension `dim`). */
export function vectorFor(i: number, dim = 8): number[] {
  return Array.from({ length: dim }, (_, j) => Math.round(Math.sin(i * 7 + j + 1) * 1e6) / 1e6);
}

/** Deletes the rows matching `filter` directly in Milvus (to see what a connector writes again). */
export async function deleteRows(name: string, filter: string): Promise<void> {
  const client = await milvus();
  const res = await client.delete({ collection_name: name, filter });
  if (res.status.code !== 0) throw new Error(`delete ${name} ${filter}: ${res.status.reason}`);
}
