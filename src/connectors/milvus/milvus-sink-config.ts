import {
  ConfigDef,
  ConfigType,
  Importance,
  Password,
  Validators,
  Width,
  type ConfigKey,
  type Validator,
} from '../../plugin/index.js';

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

function original(name: string, type: ConfigType, defaultValue: string, importance: Importance, documentation: string): ConfigKey {
  return { name, type, defaultValue, importance, documentation, group: null, orderInGroup: -1, width: Width.NONE, displayName: name };
}

function key(
  group: string,
  orderInGroup: number,
  name: string,
  type: ConfigType,
  defaultValue: unknown,
  importance: Importance,
  documentation: string,
  extra: { validator?: Validator; recommendedValues?: readonly string[]; displayName?: string } = {},
): ConfigKey {
  return { name, type, defaultValue, importance, documentation, group, orderInGroup, width: Width.MEDIUM, ...extra };
}

function lowerCaseOneOf(...allowed: string[]): { validator: Validator; recommendedValues: readonly string[] } {
  return { validator: Validators.oneOfIgnoreCase(...allowed), recommendedValues: allowed };
}

export const MILVUS_SINK_CONFIG_DEF = new ConfigDef([
  original('public.endpoint', ConfigType.STRING, '', Importance.MEDIUM, 'Public Endpoint'),
  original('token', ConfigType.PASSWORD, ORIGINAL_DEFAULT_TOKEN, Importance.HIGH, 'Token to connect milvus'),
  original('database.name', ConfigType.STRING, 'default', Importance.MEDIUM, 'Database name to save the topic messages'),
  original('collection.name', ConfigType.STRING, '', Importance.MEDIUM, 'Collection name to save the topic messages'),

  key(GROUP, 0, 'milvus.timeout.ms', ConfigType.LONG, 60000, Importance.MEDIUM,
    'Deadline of each Milvus request (insert, upsert, delete, describe) in milliseconds. A request that runs past it counts as a retriable failure.',
    { validator: Validators.atLeast(1), displayName: 'Milvus request timeout (ms)' }),
  key(GROUP, 1, 'milvus.tls.ca', ConfigType.STRING, null, Importance.LOW,
    'Path of a PEM file with the certificate authorities that sign the Milvus server certificate, for https:// endpoints with a private CA. Empty: the system trust store.',
    { displayName: 'TLS CA file' }),
  key(GROUP, 2, 'milvus.tls.skip.verify', ConfigType.BOOLEAN, false, Importance.LOW,
    'Skip verification of the Milvus server certificate on https:// endpoints. Only for tests: it allows anyone on the network path to read the token and the data.',
    { displayName: 'Skip TLS verification' }),
  key(GROUP, 3, 'auto.load', ConfigType.BOOLEAN, false, Importance.MEDIUM,
    'Load the collection when the task starts and finds it not loaded. false (the original behaviour): the task fails with "Collection not loaded".',
    { displayName: 'Load collection' }),

  key(WRITE_GROUP, 0, 'milvus.write.mode', ConfigType.STRING, WriteMode.AUTO, Importance.MEDIUM,
    'How rows are written. auto: upsert by primary key when the collection assigns no IDs itself (autoID=false, replays are idempotent), insert with the primary key left out when it does (autoID=true). insert: always insert (duplicates on replay). upsert: always upsert (needs the primary key in every record, even with autoID).',
    { ...lowerCaseOneOf(...Object.values(WriteMode)), displayName: 'Write mode' }),
  key(WRITE_GROUP, 1, 'dynamic.fields', ConfigType.STRING, DynamicFields.DROP, Importance.MEDIUM,
    'What to do with record fields that are not in the collection schema. drop (the original behaviour): leave them out. meta: write them to the dynamic field $meta (the collection must have the dynamic field enabled). error: treat the record as bad data (errors.tolerance and the dead-letter queue apply).',
    { ...lowerCaseOneOf(...Object.values(DynamicFields)), displayName: 'Unknown fields' }),
  key(WRITE_GROUP, 2, 'pk.mode', ConfigType.STRING, PkMode.VALUE, Importance.MEDIUM,
    'Where the primary key comes from. value (the original behaviour): the field of the record value named like the primary key field. key: the record key (a primitive, a struct/object with the primary key field, or a struct/object with a single field), overriding the value. key_if_missing: the value field when present, otherwise the record key. Ignored when the collection assigns IDs on insert.',
    { ...lowerCaseOneOf(...Object.values(PkMode)), displayName: 'Primary key source' }),
  key(WRITE_GROUP, 3, 'delete.enabled', ConfigType.BOOLEAN, false, Importance.MEDIUM,
    'Treat a record with a null value (a tombstone) as a delete of the primary key taken from the record key. false (the original behaviour): tombstones are skipped.',
    { displayName: 'Delete on tombstone' }),
  key(WRITE_GROUP, 4, 'json.parse.strings', ConfigType.BOOLEAN, false, Importance.LOW,
    'For JSON fields: parse a string value as JSON text and store the document. false (the original behaviour): a string is stored as a JSON string literal.',
    { displayName: 'Parse JSON strings' }),
  key(WRITE_GROUP, 5, 'batch.max.rows', ConfigType.INT, 1000, Importance.MEDIUM,
    'Most rows in one insert/upsert request, after records with the same primary key were merged (the last one wins).',
    { validator: Validators.atLeast(1), displayName: 'Max rows per request' }),
  key(WRITE_GROUP, 6, 'batch.max.bytes', ConfigType.INT, 16 * MiB, Importance.MEDIUM,
    `Most estimated bytes in one insert/upsert request. Milvus refuses requests over 64 MiB, so at most ${BATCH_MAX_BYTES_CAP} (60 MiB). A single larger row is sent alone.`,
    { validator: Validators.between(1024, BATCH_MAX_BYTES_CAP), displayName: 'Max bytes per request' }),
  key(WRITE_GROUP, 7, 'batch.linger.ms', ConfigType.LONG, 0, Importance.LOW,
    'How long a partly filled request waits for more records before it is sent. 0 (the original behaviour): every batch the consumer hands over is sent at once. Under load a partial batch keeps filling for longer: while every request slot is busy, and while the task has paused consumption because records are waiting (then at most 1 s after it resumes).',
    { validator: Validators.between(0, 60000), displayName: 'Linger (ms)' }),
  key(WRITE_GROUP, 8, 'max.in.flight.requests', ConfigType.INT, 1, Importance.LOW,
    'Most insert/upsert/delete requests a task has in flight at once; the next batch fills meanwhile. Requests that touch the same primary key are never in flight together, so per-key order holds at any value. More than 1 can help against a distant server with few tasks; against a busy server it only adds memory and waiting (measured with 4 tasks on Milvus Lite: same throughput at 1 as at 2, with less memory and lower latency).',
    { validator: Validators.between(1, 64), displayName: 'Max requests in flight' }),
  key(WRITE_GROUP, 9, 'max.retries', ConfigType.INT, 10, Importance.LOW,
    'Retries of a request that failed for a transient reason (rate limit, quota or memory protection, server busy, unavailable, timeout, schema changed) before the task fails; -1: retry until errors.retry.timeout runs out. The original retried nothing.',
    { validator: Validators.atLeast(-1), displayName: 'Max retries' }),
  key(WRITE_GROUP, 10, 'retry.backoff.ms', ConfigType.LONG, 500, Importance.LOW,
    'Wait before the first retry; it doubles with each further retry (with jitter), up to retry.backoff.max.ms. Consumption of the affected partitions pauses meanwhile.',
    { validator: Validators.atLeast(0), displayName: 'Retry backoff (ms)' }),
  key(WRITE_GROUP, 11, 'retry.backoff.max.ms', ConfigType.LONG, 30000, Importance.LOW,
    'Longest wait between two retries.',
    { validator: Validators.atLeast(0), displayName: 'Max retry backoff (ms)' }),

  key(CREATE_GROUP, 0, 'auto.create', ConfigType.BOOLEAN, false, Importance.MEDIUM,
    'Create the collection when it does not exist, from the first record: the primary key field (an autoID Int64 when records carry none), a FloatVector as long as the first record\'s vector field, and a nullable column for every other top-level field (typed from the Connect schema when there is one; objects, maps and arrays as JSON), with the dynamic field on; then index and load it. false (the original behaviour): the task fails with "Collection not exist".',
    { displayName: 'Create collection' }),
  key(CREATE_GROUP, 1, 'auto.create.pk.field', ConfigType.STRING, 'id', Importance.LOW,
    'Primary key field of a created collection. When records carry no such field, the collection assigns IDs (autoID).',
    { validator: Validators.nonEmptyString(), displayName: 'Primary key field' }),
  key(CREATE_GROUP, 2, 'auto.create.vector.field', ConfigType.STRING, 'vector', Importance.LOW,
    'Vector field of a created collection; its dimension is the length of that field in the first record.',
    { validator: Validators.nonEmptyString(), displayName: 'Vector field' }),
  key(CREATE_GROUP, 3, 'auto.create.metric', ConfigType.STRING, 'COSINE', Importance.LOW,
    'Metric of the vector index of a created collection.',
    { ...lowerCaseOneOf(...METRICS), displayName: 'Metric type' }),
  key(CREATE_GROUP, 4, 'auto.create.index', ConfigType.STRING, 'AUTOINDEX', Importance.LOW,
    'Index type of the vector field of a created collection (AUTOINDEX lets Milvus choose).',
    { validator: Validators.nonEmptyString(), displayName: 'Index type' }),
]);

/** The connector's configuration, parsed and typed, as the task uses it. */
export interface MilvusSinkConfig {
  readonly endpoint: string;
  /** null when `token` was not set: connect without authentication (the original failed instead) */
  readonly token: Password | null;
  readonly databaseName: string;
  readonly collectionName: string;
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
