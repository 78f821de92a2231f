import { ConnectError, type PluginLogger } from '../../../plugin/index.js';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { NewField } from '../rows/auto-create-schema.js';
import { MilvusRequestError } from '../write/milvus-errors.js';
import { call, callStatus } from './milvus-collection.js';

export interface CollectionTarget {
  readonly client: MilvusClient;
  readonly collection: string;
  readonly database: string;
  readonly timeoutMs: number;
  readonly logger: PluginLogger;
}

export type LoadState = 'NotExist' | 'NotLoad' | 'Loading' | 'Loaded';

/** Loading a large collection takes minutes; past this the task fails and a restart tries again. */
const LOAD_WAIT_MS = 10 * 60_000;
const LOAD_POLL_MS = 500;

/**
 * The collection's load state. Existence is read from GetLoadState rather than HasCollection: the SDK's
 * hasCollection reports `true` on Milvus Lite for a missing collection (Lite answers with error_code
 * Success and code 100) and `false` for any failure, auth included. Milvus Lite answers
 * LoadStateNotExist; a full Milvus may answer code 100 "collection not found" instead.
 */
export async function loadState(target: CollectionTarget): Promise<LoadState> {
  const { client, collection, timeoutMs } = target;
  try {
    const res = await call('getLoadState', () => client.getLoadState({ collection_name: collection, timeout: timeoutMs }));
    const state = String(res.state).replace(/^LoadState/, '');
    if (state === 'NotExist' || state === 'NotLoad' || state === 'Loading' || state === 'Loaded') return state;
    throw new ConnectError(`Milvus answered GetLoadState for collection ${collection} with an unknown state ${String(res.state)}`);
  } catch (error) {
    if (error instanceof MilvusRequestError && (error.code === '100' || error.code === 'CollectionNotExists')) return 'NotExist';
    throw error;
  }
}

/**
 * A database other than `default` must exist. Milvus Lite has no database API (ListDatabases answers
 * with an empty message) and silently writes every collection call to its single database whatever
 * name the client sends, so a non-default name there is refused rather than ignored.
 * The default database is never checked: it always exists, and Lite cannot be asked.
 */
export async function checkDatabase(target: CollectionTarget): Promise<void> {
  const { client, database, timeoutMs } = target;
  if (database === 'default') return;
  let names: string[] | undefined;
  try {
    names = (await call('listDatabases', () => client.listDatabases({ timeout: timeoutMs }))).db_names;
  } catch (error) {
    if (!(error instanceof MilvusRequestError) || (error.code !== 'no-status' && error.code !== 'UNIMPLEMENTED')) throw error;
  }
  if (names === undefined) {
    throw new ConnectError(
      `database.name is ${database}, but this Milvus server has no databases (Milvus Lite keeps every collection in one database and would ignore the name). Set database.name=default.`,
    );
  }
  if (!names.includes(database)) {
    throw new ConnectError(`Database ${database} does not exist. Create it, or set database.name to one of: ${names.join(', ')}.`);
  }
}

export function missingCollectionMessage(target: Pick<CollectionTarget, 'collection' | 'database'>): string {
  return (
    `Collection ${target.collection} does not exist in database ${target.database}. ` +
    'Create it (with an index on its vector field, then load it), or set auto.create=true to let the connector create it from the first record.'
  );
}

export function notLoadedMessage(target: Pick<CollectionTarget, 'collection' | 'database'>, state: LoadState): string {
  return (
    `Collection ${target.collection} in database ${target.database} is not loaded (LoadState${state}). ` +
    'Load it (loadCollection in an SDK, or the Attu / Zilliz console), or set auto.load=true to let the connector load it.'
  );
}

/**
 * The start-up check of the original connector: the collection must exist and be loaded, else the task
 * fails. `auto.load` loads it instead; `auto.create` postpones creation to the first record, the only
 * source of the vector dimension. A collection that is loading is waited for.
 */
export async function prepareCollection(
  target: CollectionTarget,
  options: { readonly autoLoad: boolean; readonly autoCreate: boolean },
): Promise<'ready' | 'create-on-first-record'> {
  const state = await loadState(target);
  switch (state) {
    case 'Loaded':
      return 'ready';
    case 'NotExist':
      if (!options.autoCreate) throw new ConnectError(missingCollectionMessage(target));
      target.logger.info(
        { collection: target.collection, database: target.database },
        'Collection does not exist yet; it will be created from the first record (auto.create=true)',
      );
      return 'create-on-first-record';
    case 'Loading':
      await waitUntilLoaded(target);
      return 'ready';
    case 'NotLoad':
      if (!options.autoLoad) throw new ConnectError(notLoadedMessage(target, state));
      await loadCollection(target);
      return 'ready';
  }
}

export async function loadCollection(target: CollectionTarget): Promise<void> {
  const { client, collection, timeoutMs, logger } = target;
  logger.info({ collection }, 'Loading collection');
  await callStatus('loadCollection', () => client.loadCollectionAsync({ collection_name: collection, timeout: timeoutMs }));
  await waitUntilLoaded(target);
  logger.info({ collection }, 'Collection loaded');
}

async function waitUntilLoaded(target: CollectionTarget): Promise<void> {
  const deadline = Date.now() + LOAD_WAIT_MS;
  for (;;) {
    const state = await loadState(target);
    if (state === 'Loaded') return;
    if (state === 'NotExist') throw new ConnectError(missingCollectionMessage(target));
    if (Date.now() > deadline) {
      throw new ConnectError(`Collection ${target.collection} did not finish loading within ${LOAD_WAIT_MS / 60_000} minutes (LoadState${state})`);
    }
    await new Promise((resolve) => setTimeout(resolve, LOAD_POLL_MS));
  }
}

export interface NewCollection {
  readonly fields: readonly NewField[];
  readonly vectorField: string;
  readonly indexType: string;
  readonly metric: string;
}

/** Parameters the index types need when Milvus cannot choose them itself. */
function indexParams(indexType: string): Record<string, number> {
  switch (indexType.toUpperCase()) {
    case 'IVF_FLAT':
    case 'IVF_SQ8':
    case 'IVF_PQ':
      return { nlist: 128 };
    case 'HNSW':
      return { M: 16, efConstruction: 200 };
    default:
      return {};
  }
}

/**
 * Creates the collection (dynamic field on), its vector index, and loads it. Milvus Lite refuses
 * nullable fields ("MilvusLite doesn't support nullable"); the collection is then created with plain
 * fields, so every later record must carry them. When another task of the connector created the
 * collection first, its collection is used.
 */
export async function createCollection(target: CollectionTarget, spec: NewCollection): Promise<void> {
  const { client, collection, timeoutMs, logger } = target;
  const create = (fields: readonly NewField[]) =>
    callStatus('createCollection', () =>
      client.createCollection({ collection_name: collection, fields: fields as NewField[] as never, enable_dynamic_field: true, timeout: timeoutMs }),
    );
  try {
    try {
      await create(spec.fields);
    } catch (error) {
      if (!(error instanceof MilvusRequestError) || !/support nullable/i.test(error.message)) throw error;
      logger.info({ collection }, 'This Milvus does not support nullable fields; creating the collection with required fields');
      await create(spec.fields.map(({ nullable: _nullable, ...field }) => field));
    }
  } catch (error) {
    if ((await loadState(target)) === 'NotExist') throw error;
    logger.info({ collection }, 'Collection was created concurrently (by another task); using it');
    await waitForIndexAndLoad(target, spec);
    return;
  }
  logger.info({ collection, fields: spec.fields.map((f) => `${f.name}:${f.data_type}`) }, 'Collection created (auto.create=true)');
  try {
    await callStatus('createIndex', () =>
      client.createIndex({
        collection_name: collection,
        field_name: spec.vectorField,
        index_type: spec.indexType,
        metric_type: spec.metric,
        params: indexParams(spec.indexType),
        timeout: timeoutMs,
      }),
    );
    await loadCollection(target);
  } catch (error) {
    // the collection is seconds old and empty: without it the next attempt (after a fix of
    // auto.create.index, say) starts clean instead of finding a collection that cannot be loaded
    await client.dropCollection({ collection_name: collection, timeout: timeoutMs }).catch(() => undefined);
    logger.info({ collection }, 'Dropped the collection just created, as indexing or loading it failed');
    throw error;
  }
}

/** The creating task indexes and loads; others wait for that, loading themselves if it is slow to come. */
async function waitForIndexAndLoad(target: CollectionTarget, spec: NewCollection): Promise<void> {
  const deadline = Date.now() + LOAD_WAIT_MS;
  for (;;) {
    if ((await loadState(target)) === 'Loaded') return;
    if (Date.now() > deadline) {
      throw new ConnectError(
        `Collection ${target.collection} (created by another task) was not loaded within ${LOAD_WAIT_MS / 60_000} minutes; ${spec.vectorField} may lack an index`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOAD_POLL_MS * 4));
    await loadCollection(target).catch(() => undefined);
  }
}
