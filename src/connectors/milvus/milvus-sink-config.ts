import { ConfigDef, ConfigType, Importance, type Password, Validators, Width } from '../../plugin/index.js';
import { parseTopicToCollection, TOPIC_TO_COLLECTION, validTopicToCollection } from './collection-router.js';

/**
 * The Milvus sink's own keys. The first four are the original connector's
 * (com.milvus.io.kafka.MilvusSinkConnectorConfig) with identical metadata, so the validate endpoint shows
 * them exactly as the Java worker does: no group, order -1, width NONE, display name = key, no validator.
 * Every key after them is ours, optional, and defaults to the original behaviour unless that lost data.
 */

export const WriteMode = { AUTO: 'auto', INSERT: 'insert', UPSERT: 'upsert' } as const;
export type WriteMode = (typeof WriteMode)[keyof typeof WriteMode];

export const DynamicFields = { DROP: 'drop', META: 'meta', ERROR: 'error' } as const;
export type DynamicFields = (typeof DynamicFields)[keyof typeof DynamicFields];

export const PkMode = { VALUE: 'value', KEY: 'key', KEY_IF_MISSING: 'key_if_missing' } as const;
export type PkMode = (typeof PkMode)[keyof typeof PkMode];

/** The token the original uses as its default; an absent `token` means "no authentication" here. */
export const ORIGINAL_DEFAULT_TOKEN = 'db_admin:****';

const MiB = 1024 * 1024;
/** Milvus' proxy refuses gRPC messages over 64 MiB; leave room for the protobuf framing and other fields. */
export const BATCH_MAX_BYTES_CAP = 60 * MiB;

const GROUP = 'Milvus';
const WRITE_GROUP = 'Milvus Write';
const CREATE_GROUP = 'Milvus Auto Create';

const METRICS = ['COSINE', 'L2', 'IP', 'HAMMING', 'JACCARD', 'BM25'] as const;

export const MILVUS_SINK_CONFIG_DEF = new ConfigDef([
  {
    name: 'public.endpoint',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.MEDIUM,
    documentation: 'Public Endpoint',
    group: null,
    orderInGroup: -1,
    width: Width.NONE,
    displayName: 'public.endpoint',
  },
  {
    name: 'token',
    type: ConfigType.PASSWORD,
    defaultValue: ORIGINAL_DEFAULT_TOKEN,
    importance: Importance.HIGH,
    documentation: 'Token to connect milvus',
    group: null,
    orderInGroup: -1,
    width: Width.NONE,
    displayName: 'token',
  },
  {
    name: 'database.name',
    type: ConfigType.STRING,
    defaultValue: 'default',
    importance: Importance.MEDIUM,
    documentation: 'Database name to save the topic messages',
    group: null,
    orderInGroup: -1,
    width: Width.NONE,
    displayName: 'database.name',
  },
  {
    name: 'collection.name',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.MEDIUM,
    documentation: 'Collection name to save the topic messages',
    group: null,
    orderInGroup: -1,
    width: Width.NONE,
    displayName: 'collection.name',
  },

  {
    name: 'milvus.timeout.ms',
    type: ConfigType.LONG,
    defaultValue: 60000,
    validator: Validators.atLeast(1),
    importance: Importance.MEDIUM,
    documentation:
      'Deadline of each Milvus request (insert, upsert, delete, describe) in milliseconds. A request that runs past it counts as a retriable failure.',
    group: GROUP,
    orderInGroup: 0,
    width: Width.MEDIUM,
    displayName: 'Milvus request timeout (ms)',
  },
  {
    name: 'milvus.tls.ca',
    type: ConfigType.STRING,
    defaultValue: null,
    importance: Importance.LOW,
    documentation:
      'Path of a PEM file with the certificate authorities that sign the Milvus server certificate, for https:// endpoints with a private CA. Empty: the system trust store.',
    group: GROUP,
    orderInGroup: 1,
    width: Width.MEDIUM,
    displayName: 'TLS CA file',
  },
  {
    name: 'milvus.tls.skip.verify',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.LOW,
    documentation:
      'Skip verification of the Milvus server certificate on https:// endpoints. Only for tests: it allows anyone on the network path to read the token and the data.',
    group: GROUP,
    orderInGroup: 2,
    width: Width.MEDIUM,
    displayName: 'Skip TLS verification',
  },
  {
    name: 'auto.load',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation:
      'Load the collection when the task starts and finds it not loaded. false (the original behaviour): the task fails with "Collection not loaded".',
    group: GROUP,
    orderInGroup: 3,
    width: Width.MEDIUM,
    displayName: 'Load collection',
  },
  {
    name: TOPIC_TO_COLLECTION,
    type: ConfigType.LIST,
    defaultValue: '',
    validator: validTopicToCollection,
    importance: Importance.MEDIUM,
    documentation:
      "Collections by topic, as topic:collection pairs (topicA:collA,topicB:collB). A record of a listed topic goes to its collection; any other record to collection.name, which may contain ${topic} (the record's topic after transforms, with . and - replaced by _), e.g. milvus_${topic}. A collection name holds letters, digits and underscores and starts with a letter or underscore; a topic that gives another name fails the task, naming the topic. Each collection is checked (or created, with auto.create) when its first record arrives. Empty (the original behaviour): every record goes to collection.name.",
    group: GROUP,
    orderInGroup: 4,
    width: Width.LONG,
    displayName: 'Topic to collection map',
  },

  {
    name: 'milvus.write.mode',
    type: ConfigType.STRING,
    defaultValue: WriteMode.AUTO,
    validator: Validators.oneOfIgnoreCase(...Object.values(WriteMode)),
    importance: Importance.MEDIUM,
    documentation:
      'How rows are written. auto: upsert by primary key when the collection assigns no IDs itself (autoID=false, replays are idempotent), insert with the primary key left out when it does (autoID=true). insert: always insert (duplicates on replay). upsert: always upsert (needs the primary key in every record, even with autoID).',
    group: WRITE_GROUP,
    orderInGroup: 0,
    width: Width.MEDIUM,
    displayName: 'Write mode',
    recommendedValues: Object.values(WriteMode),
  },
  {
    name: 'dynamic.fields',
    type: ConfigType.STRING,
    defaultValue: DynamicFields.DROP,
    validator: Validators.oneOfIgnoreCase(...Object.values(DynamicFields)),
    importance: Importance.MEDIUM,
    documentation:
      'What to do with record fields that are not in the collection schema. drop (the original behaviour): leave them out. meta: write them to the dynamic field $meta (the collection must have the dynamic field enabled). error: treat the record as bad data (errors.tolerance and the dead-letter queue apply).',
    group: WRITE_GROUP,
    orderInGroup: 1,
    width: Width.MEDIUM,
    displayName: 'Unknown fields',
    recommendedValues: Object.values(DynamicFields),
  },
  {
    name: 'pk.mode',
    type: ConfigType.STRING,
    defaultValue: PkMode.VALUE,
    validator: Validators.oneOfIgnoreCase(...Object.values(PkMode)),
    importance: Importance.MEDIUM,
    documentation:
      'Where the primary key comes from. value (the original behaviour): the field of the record value named like the primary key field. key: the record key (a primitive, a struct/object with the primary key field, or a struct/object with a single field), overriding the value. key_if_missing: the value field when present, otherwise the record key. Ignored when the collection assigns IDs on insert.',
    group: WRITE_GROUP,
    orderInGroup: 2,
    width: Width.MEDIUM,
    displayName: 'Primary key source',
    recommendedValues: Object.values(PkMode),
  },
  {
    name: 'delete.enabled',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation:
      'Treat a record with a null value (a tombstone) as a delete of the primary key taken from the record key. false (the original behaviour): tombstones are skipped.',
    group: WRITE_GROUP,
    orderInGroup: 3,
    width: Width.MEDIUM,
    displayName: 'Delete on tombstone',
  },
  {
    name: 'json.parse.strings',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.LOW,
    documentation:
      'For JSON fields: parse a string value as JSON text and store the document. false (the original behaviour): a string is stored as a JSON string literal.',
    group: WRITE_GROUP,
    orderInGroup: 4,
    width: Width.MEDIUM,
    displayName: 'Parse JSON strings',
  },
  {
    name: 'batch.max.rows',
    type: ConfigType.INT,
    defaultValue: 1000,
    validator: Validators.atLeast(1),
    importance: Importance.MEDIUM,
    documentation: 'Most rows in one insert/upsert request, after records with the same primary key were merged (the last one wins).',
    group: WRITE_GROUP,
    orderInGroup: 5,
    width: Width.MEDIUM,
    displayName: 'Max rows per request',
  },
  {
    name: 'batch.max.bytes',
    type: ConfigType.INT,
    defaultValue: 16 * MiB,
    validator: Validators.between(1024, BATCH_MAX_BYTES_CAP),
    importance: Importance.MEDIUM,
    documentation: `Most estimated bytes in one insert/upsert request. Milvus refuses requests over 64 MiB, so at most ${BATCH_MAX_BYTES_CAP} (60 MiB). A single larger row is sent alone.`,
    group: WRITE_GROUP,
    orderInGroup: 6,
    width: Width.MEDIUM,
    displayName: 'Max bytes per request',
  },
  {
    name: 'batch.linger.ms',
    type: ConfigType.LONG,
    defaultValue: 0,
    validator: Validators.between(0, 60000),
    importance: Importance.LOW,
    documentation:
      'How long a partly filled request waits for more records before it is sent. 0 (the original behaviour): every batch the consumer hands over is sent at once. Under load a partial batch keeps filling for longer: while every request slot is busy, and while the task has paused consumption because records are waiting (then at most 1 s after it resumes).',
    group: WRITE_GROUP,
    orderInGroup: 7,
    width: Width.MEDIUM,
    displayName: 'Linger (ms)',
  },
  {
    name: 'max.in.flight.requests',
    type: ConfigType.INT,
    defaultValue: 1,
    validator: Validators.between(1, 64),
    importance: Importance.LOW,
    documentation:
      'Most insert/upsert/delete requests a task has in flight at once; the next batch fills meanwhile. Requests that touch the same primary key are never in flight together, so per-key order holds at any value. More than 1 can help against a distant server with few tasks; against a busy server it only adds memory and waiting (measured with 4 tasks on Milvus Lite: same throughput at 1 as at 2, with less memory and lower latency).',
    group: WRITE_GROUP,
    orderInGroup: 8,
    width: Width.MEDIUM,
    displayName: 'Max requests in flight',
  },
  {
    name: 'max.retries',
    type: ConfigType.INT,
    defaultValue: 10,
    validator: Validators.atLeast(-1),
    importance: Importance.LOW,
    documentation:
      'Retries of a request that failed for a transient reason (rate limit, quota or memory protection, server busy, unavailable, timeout, schema changed) before the task fails; -1: retry until errors.retry.timeout runs out. The original retried nothing.',
    group: WRITE_GROUP,
    orderInGroup: 9,
    width: Width.MEDIUM,
    displayName: 'Max retries',
  },
  {
    name: 'retry.backoff.ms',
    type: ConfigType.LONG,
    defaultValue: 500,
    validator: Validators.atLeast(0),
    importance: Importance.LOW,
    documentation:
      'Wait before the first retry; it doubles with each further retry (with jitter), up to retry.backoff.max.ms. Consumption of the affected partitions pauses meanwhile.',
    group: WRITE_GROUP,
    orderInGroup: 10,
    width: Width.MEDIUM,
    displayName: 'Retry backoff (ms)',
  },
  {
    name: 'retry.backoff.max.ms',
    type: ConfigType.LONG,
    defaultValue: 30000,
    validator: Validators.atLeast(0),
    importance: Importance.LOW,
    documentation: 'Longest wait between two retries.',
    group: WRITE_GROUP,
    orderInGroup: 11,
    width: Width.MEDIUM,
    displayName: 'Max retry backoff (ms)',
  },

  {
    name: 'auto.create',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation:
      'Create the collection when it does not exist, from the first record: the primary key field (an autoID Int64 when records carry none), a FloatVector as long as the first record\'s vector field, and a nullable column for every other top-level field (typed from the Connect schema when there is one; objects, maps and arrays as JSON), with the dynamic field on; then index and load it. false (the original behaviour): the task fails with "Collection not exist".',
    group: CREATE_GROUP,
    orderInGroup: 0,
    width: Width.MEDIUM,
    displayName: 'Create collection',
  },
  {
    name: 'auto.create.pk.field',
    type: ConfigType.STRING,
    defaultValue: 'id',
    validator: Validators.nonEmptyString(),
    importance: Importance.LOW,
    documentation: 'Primary key field of a created collection. When records carry no such field, the collection assigns IDs (autoID).',
    group: CREATE_GROUP,
    orderInGroup: 1,
    width: Width.MEDIUM,
    displayName: 'Primary key field',
  },
  {
    name: 'auto.create.vector.field',
    type: ConfigType.STRING,
    defaultValue: 'vector',
    validator: Validators.nonEmptyString(),
    importance: Importance.LOW,
    documentation: 'Vector field of a created collection; its dimension is the length of that field in the first record.',
    group: CREATE_GROUP,
    orderInGroup: 2,
    width: Width.MEDIUM,
    displayName: 'Vector field',
  },
  {
    name: 'auto.create.metric',
    type: ConfigType.STRING,
    defaultValue: 'COSINE',
    validator: Validators.oneOfIgnoreCase(...METRICS),
    importance: Importance.LOW,
    documentation: 'Metric of the vector index of a created collection.',
    group: CREATE_GROUP,
    orderInGroup: 3,
    width: Width.MEDIUM,
    displayName: 'Metric type',
    recommendedValues: METRICS,
  },
  {
    name: 'auto.create.index',
    type: ConfigType.STRING,
    defaultValue: 'AUTOINDEX',
    validator: Validators.nonEmptyString(),
    importance: Importance.LOW,
    documentation: 'Index type of the vector field of a created collection (AUTOINDEX lets Milvus choose).',
    group: CREATE_GROUP,
    orderInGroup: 4,
    width: Width.MEDIUM,
    displayName: 'Index type',
  },
]);

/** The connector's configuration, parsed and typed, as the task uses it. */
export interface MilvusSinkConfig {
  readonly endpoint: string;
  /** null when `token` was not set: connect without authentication (the original failed instead) */
  readonly token: Password | null;
  readonly databaseName: string;
  /** a fixed name, or a template with `${topic}` (collection-router.ts) */
  readonly collectionName: string;
  /** `topic.to.collection`: explicit collection per topic, ahead of collectionName */
  readonly topicToCollection: ReadonlyMap<string, string>;
  readonly timeoutMs: number;
  readonly tlsCaPath: string | null;
  readonly tlsSkipVerify: boolean;
  readonly autoLoad: boolean;
  readonly writeMode: WriteMode;
  readonly dynamicFields: DynamicFields;
  readonly pkMode: PkMode;
  readonly deleteEnabled: boolean;
  readonly jsonParseStrings: boolean;
  readonly batchMaxRows: number;
  readonly batchMaxBytes: number;
  readonly batchLingerMs: number;
  readonly maxInFlightRequests: number;
  /** -1: no limit (errors.retry.timeout still applies) */
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly autoCreate: boolean;
  readonly autoCreatePkField: string;
  readonly autoCreateVectorField: string;
  readonly autoCreateMetric: string;
  readonly autoCreateIndex: string;
}

/** Parses and validates the connector's keys (framework keys are ignored); throws ConfigError. */
export function parseMilvusSinkConfig(props: Readonly<Record<string, string>>): MilvusSinkConfig {
  const c = MILVUS_SINK_CONFIG_DEF.parse(props);
  const token = Object.hasOwn(props, 'token') ? c.getPassword('token') : null;
  return {
    endpoint: c.getString('public.endpoint') ?? '',
    token: token === null || token.value === '' ? null : token,
    databaseName: c.getString('database.name') || 'default',
    collectionName: c.getString('collection.name') ?? '',
    topicToCollection: parseTopicToCollection(c.getList(TOPIC_TO_COLLECTION)),
    timeoutMs: c.getLong('milvus.timeout.ms'),
    tlsCaPath: c.getString('milvus.tls.ca') || null,
    tlsSkipVerify: c.getBoolean('milvus.tls.skip.verify'),
    autoLoad: c.getBoolean('auto.load'),
    writeMode: c.getString('milvus.write.mode')!.toLowerCase() as WriteMode,
    dynamicFields: c.getString('dynamic.fields')!.toLowerCase() as DynamicFields,
    pkMode: c.getString('pk.mode')!.toLowerCase() as PkMode,
    deleteEnabled: c.getBoolean('delete.enabled'),
    jsonParseStrings: c.getBoolean('json.parse.strings'),
    batchMaxRows: c.getInt('batch.max.rows'),
    batchMaxBytes: c.getInt('batch.max.bytes'),
    batchLingerMs: c.getLong('batch.linger.ms'),
    maxInFlightRequests: c.getInt('max.in.flight.requests'),
    maxRetries: c.getInt('max.retries'),
    retryBackoffMs: c.getLong('retry.backoff.ms'),
    retryBackoffMaxMs: c.getLong('retry.backoff.max.ms'),
    autoCreate: c.getBoolean('auto.create'),
    autoCreatePkField: c.getString('auto.create.pk.field')!,
    autoCreateVectorField: c.getString('auto.create.vector.field')!,
    autoCreateMetric: c.getString('auto.create.metric')!.toUpperCase(),
    autoCreateIndex: c.getString('auto.create.index')!,
  };
}
