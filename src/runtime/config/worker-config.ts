import { hostname } from 'node:os';
import { ConfigDef, ConfigError, ConfigType, Importance, ParsedConfig, Validators, invalidValue, type ConfigKey, type Validator } from '../../plugin/index.js';
import { CONFIG_PROVIDERS_CONFIG, loadConfigProviders } from './config-providers.js';
import { ConfigTransformer } from './config-transformer.js';
import { isLoopback, parseListener, type Listener } from './rest-listener.js';
import { LogLevel, parseLogLevel } from '../loggers.js';
import {
  ADMIN_LISTENERS_HTTPS_PREFIX,
  LISTENERS_HTTPS_PREFIX,
  REST_SERVER_CONFIG_KEYS,
  sslSettingsFor,
  unusedSslKeyWarning,
  type SslSettings,
} from './rest-server-config.js';
import { propertiesFromEnv, readPropertiesFile, type ConfigSources } from './worker-config-sources.js';

export { parseListener, type Listener } from './rest-listener.js';

function nonEmptyList(what: string): Validator {
  return (name, value) => {
    if (value === null || (value as string[]).length === 0) throw invalidValue(name, value, `at least one ${what} is required`);
  };
}

function logLevelName(name: string, value: unknown): void {
  if (parseLogLevel(String(value)) === null) {
    throw invalidValue(name, value, `String must be one of (case insensitive): ${Object.keys(LogLevel).join(', ')}`);
  }
}

function loggerLevelList(name: string, value: unknown): void {
  if (value === null) return;
  for (const item of value as string[]) {
    const [logger, level, extra] = item.split('=');
    if (extra !== undefined || !logger?.trim() || level === undefined || parseLogLevel(level.trim()) === null) {
      throw invalidValue(name, value, `Expected <logger>=<level> items with a level among ${Object.keys(LogLevel).join(', ')}; got '${item}'`);
    }
  }
}

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
const LEVELS = Object.keys(LogLevel).join(', ');

/** Numbers each key within its group, in the order listed (what `orderInGroup` means to Kafka). */
function grouped(group: string, keys: ReadonlyArray<Omit<ConfigKey, 'group' | 'orderInGroup'>>): ConfigKey[] {
  return keys.map((k, i) => ({ ...k, group, orderInGroup: i + 1 }));
}

/** Which herder the worker runs: connect-standalone's (SQLite) or connect-distributed's (a group on Kafka). */
export type WorkerMode = 'standalone' | 'distributed';

const TOPIC_REPLICATION =
  'Replication factor used when creating the topic; -1 uses the broker default. Capped, with a warning, at the number of brokers of the cluster.';

/** Kafka's DistributedConfig keys, with Kafka's names and defaults (the three topics and group.id are required). */
export const DISTRIBUTED_KEYS: readonly ConfigKey[] = grouped('Distributed', [
  {
    name: 'group.id',
    type: ConfigType.STRING,
    validator: Validators.nonEmptyString(),
    importance: Importance.HIGH,
    documentation: 'A unique string that identifies the Connect cluster group this worker belongs to.',
  },
  {
    name: 'config.storage.topic',
    type: ConfigType.STRING,
    validator: Validators.nonEmptyString(),
    importance: Importance.HIGH,
    documentation: "The compacted topic (one partition) holding connector and task configurations and target states, in Kafka Connect's record format.",
  },
  { name: 'config.storage.replication.factor', type: ConfigType.SHORT, defaultValue: 3, importance: Importance.LOW, documentation: TOPIC_REPLICATION },
  {
    name: 'offset.storage.topic',
    type: ConfigType.STRING,
    validator: Validators.nonEmptyString(),
    importance: Importance.HIGH,
    documentation:
      'The compacted topic for source connector offsets. Created as Kafka Connect does; sink connectors keep their offsets in the consumer groups connect-<connector name>.',
  },
  { name: 'offset.storage.replication.factor', type: ConfigType.SHORT, defaultValue: 3, importance: Importance.LOW, documentation: TOPIC_REPLICATION },
  {
    name: 'offset.storage.partitions',
    type: ConfigType.INT,
    defaultValue: 25,
    importance: Importance.LOW,
    documentation: 'Partitions of the offset storage topic when it is created.',
  },
  {
    name: 'status.storage.topic',
    type: ConfigType.STRING,
    validator: Validators.nonEmptyString(),
    importance: Importance.HIGH,
    documentation: "The compacted topic holding connector and task statuses, in Kafka Connect's record format.",
  },
  { name: 'status.storage.replication.factor', type: ConfigType.SHORT, defaultValue: 3, importance: Importance.LOW, documentation: TOPIC_REPLICATION },
  {
    name: 'status.storage.partitions',
    type: ConfigType.INT,
    defaultValue: 5,
    importance: Importance.LOW,
    documentation: 'Partitions of the status storage topic when it is created.',
  },
  {
    name: 'session.timeout.ms',
    type: ConfigType.INT,
    defaultValue: 10_000,
    importance: Importance.HIGH,
    documentation: "How long the group coordinator waits for a worker's heartbeat before it removes the worker and reassigns its tasks.",
  },
  {
    name: 'heartbeat.interval.ms',
    type: ConfigType.INT,
    defaultValue: 3_000,
    importance: Importance.HIGH,
    documentation: 'How often a worker heartbeats to the group coordinator; keep it below a third of session.timeout.ms.',
  },
  {
    name: 'rebalance.timeout.ms',
    type: ConfigType.INT,
    defaultValue: 60_000,
    importance: Importance.HIGH,
    documentation: 'How long each worker may take to stop its tasks and rejoin once a rebalance began.',
  },
  {
    name: 'scheduled.rebalance.max.delay.ms',
    type: ConfigType.INT,
    defaultValue: 300_000,
    importance: Importance.LOW,
    documentation:
      "Accepted for compatibility: this worker assigns eagerly (docs/architecture.md), so a departed worker's tasks move after session.timeout.ms without this delay.",
  },
  {
    name: 'worker.sync.timeout.ms',
    type: ConfigType.INT,
    defaultValue: 3_000,
    importance: Importance.MEDIUM,
    documentation: 'How long a worker waits to catch up with the config topic before it leaves the group to retry.',
  },
  {
    name: 'worker.unsync.backoff.ms',
    type: ConfigType.INT,
    defaultValue: 300_000,
    importance: Importance.MEDIUM,
    documentation: 'How long a worker that could not catch up with the config topic waits before rejoining.',
  },
  {
    name: 'rest.advertised.listener',
    type: ConfigType.STRING,
    defaultValue: null,
    importance: Importance.LOW,
    documentation: "The scheme (http or https) other workers use to forward requests to this one; default: the first listener's.",
  },
]);

/** Keys only connect-standalone reads. */
const STANDALONE_ONLY = new Set(['sqlite.path']);

/**
 * The worker's keys, declared once. Kafka's names (WorkerConfig, StandaloneConfig, RestServerConfig)
 * wherever Kafka has the setting; `sqlite.*` and `log4j.*` are this worker's own.
 */
export const WORKER_CONFIG_DEF = new ConfigDef([
  ...grouped('Kafka', [
    {
      name: 'bootstrap.servers',
      type: ConfigType.LIST,
      defaultValue: 'localhost:9092',
      validator: nonEmptyList('host:port'),
      importance: Importance.HIGH,
      documentation:
        'Kafka brokers to connect to, as a list of host:port pairs. Sink task consumers and the offsets admin client use them; consumer.* and admin.* keys configure those clients further.',
    },
    {
      name: 'key.converter',
      type: ConfigType.CLASS,
      defaultValue: JSON_CONVERTER,
      importance: Importance.HIGH,
      documentation:
        'Converter for record keys when a connector does not set its own. Its settings are the keys prefixed with key.converter., e.g. key.converter.schemas.enable.',
    },
    {
      name: 'value.converter',
      type: ConfigType.CLASS,
      defaultValue: JSON_CONVERTER,
      importance: Importance.HIGH,
      documentation:
        'Converter for record values when a connector does not set its own. Its settings are the keys prefixed with value.converter., e.g. value.converter.schemas.enable.',
    },
    {
      name: 'header.converter',
      type: ConfigType.CLASS,
      defaultValue: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
      importance: Importance.LOW,
      documentation: 'Converter for record headers when a connector does not set its own; settings prefixed with header.converter.',
    },
  ]),
  ...grouped('Tasks', [
    {
      name: 'offset.flush.interval.ms',
      type: ConfigType.LONG,
      defaultValue: 1000,
      validator: Validators.atLeast(0),
      importance: Importance.LOW,
      documentation:
        'How often sink tasks commit the offsets of records Milvus has acknowledged. Kafka defaults to 60000; this worker defaults to 1000 because a commit is one cheap consumer-group request and a short interval means fewer records delivered again after a crash.',
    },
    {
      name: 'offset.flush.timeout.ms',
      type: ConfigType.LONG,
      defaultValue: 5000,
      validator: Validators.atLeast(1),
      importance: Importance.LOW,
      documentation: 'How long an offset commit may take before it is given up and retried at the next interval.',
    },
    {
      name: 'task.shutdown.graceful.timeout.ms',
      type: ConfigType.LONG,
      defaultValue: 5000,
      validator: Validators.atLeast(0),
      importance: Importance.LOW,
      documentation:
        'How long a stopping task may take to finish its in-flight batch and commit before it is abandoned (its records are then delivered again).',
    },
    {
      name: 'task.threads.per.connector',
      type: ConfigType.INT,
      defaultValue: 0,
      validator: Validators.atLeast(0),
      importance: Importance.LOW,
      documentation:
        "Most threads one connector's sink tasks run in on this worker. Tasks run off the thread that serves the REST API, in threads of their connector (connectors never share a thread); a connector with more tasks than this spreads them evenly over its threads, where they take turns on one event loop. Each thread loads the sink's client library again (about 80 MiB and 1 s of CPU for the Milvus sink), so more threads than cores costs memory and gains nothing. 0 (the default): one fewer than the cores the process may use, at least 1 (the main thread, the Kafka and gRPC I/O and, on small machines, the servers the tasks write to need a share of the cores: on 2 cores shared with Kafka and Milvus, one task thread moved more rows per second than two, with less CPU and memory).",
    },
    {
      name: 'task.threads.nice',
      type: ConfigType.INT,
      defaultValue: 10,
      validator: Validators.between(0, 19),
      importance: Importance.LOW,
      documentation:
        "How much lower than the process's the scheduling priority of the task threads is (Linux nice levels; elsewhere ignored). When the cores are busy, the thread that serves the REST API, the herder and the statuses, and the servers the tasks wait for on the same machine, get them first, so a backfill that saturates the cores does not slow down REST answers; when the cores are not busy, it changes nothing. 0 runs the task threads at the process's priority.",
    },
    {
      name: 'task.threads.unresponsive.timeout.ms',
      type: ConfigType.LONG,
      defaultValue: 60000,
      validator: Validators.atLeast(0),
      importance: Importance.LOW,
      documentation:
        "How long a task thread's event loop may go without answering the worker before the thread is terminated and its tasks are reported FAILED, with a trace that says so. A task whose code blocks its thread (an endless loop, a synchronous call that never returns) can neither heartbeat its consumer nor write anything; without this it would show RUNNING while nothing moves. The default is above the consumer's default session.timeout.ms (45 s), after which the broker has handed its partitions to other members anyway. 0 turns the check off.",
    },
    {
      name: 'task.heap.max.mb',
      type: ConfigType.INT,
      defaultValue: 0,
      validator: Validators.atLeast(0),
      importance: Importance.LOW,
      documentation:
        "Largest JavaScript heap of one task thread, in MiB (see task.threads.per.connector). A thread that needs more than this ends, and its tasks fail (FAILED, 'ran out of memory'), while the worker and the other connectors run on. 0 leaves Node's default limit, which depends on the machine's memory. A thread needs about 40 MiB to start with the Milvus sink, plus what each of its tasks buffers: the records of a fetch, and the batches its sink holds.",
    },
    {
      name: 'shutdown.timeout.ms',
      type: ConfigType.LONG,
      defaultValue: 30000,
      validator: Validators.atLeast(1),
      importance: Importance.LOW,
      documentation:
        "This worker's own bound on a whole shutdown after SIGTERM or SIGINT: stop serving REST requests, stop every task (each within task.shutdown.graceful.timeout.ms: flush to Milvus, commit offsets, leave the consumer group), close the database. Past it the process exits with status 1; what was not committed is delivered again after the restart.",
    },
    {
      name: 'topic.tracking.enable',
      type: ConfigType.BOOLEAN,
      defaultValue: true,
      importance: Importance.LOW,
      documentation: 'Record the topics each connector consumes (GET /connectors/{name}/topics).',
    },
    {
      name: 'topic.tracking.allow.reset',
      type: ConfigType.BOOLEAN,
      defaultValue: true,
      importance: Importance.LOW,
      documentation: 'Allow PUT /connectors/{name}/topics/reset.',
    },
    {
      name: 'connector.client.config.override.policy',
      type: ConfigType.STRING,
      defaultValue: 'All',
      validator: Validators.oneOf('All', 'None', 'Principal'),
      importance: Importance.MEDIUM,
      documentation:
        'Which consumer.override.* keys connector configs may set: All, None, or Principal (only sasl.jaas.config, sasl.mechanism and security.protocol).',
    },
  ]),
  ...REST_SERVER_CONFIG_KEYS,
  ...grouped('Secrets', [
    {
      name: CONFIG_PROVIDERS_CONFIG,
      type: ConfigType.LIST,
      defaultValue: '',
      importance: Importance.LOW,
      documentation:
        'Names of config providers, as in Kafka: each needs config.providers.<name>.class (org.apache.kafka.common.config.provider.EnvVarConfigProvider, FileConfigProvider or DirectoryConfigProvider, or their simple names) and may take config.providers.<name>.param.<param> settings (allowed.paths, allowlist.pattern). Connector configs then refer to secrets as ${<name>:[path:]key}; they are stored and shown with the placeholder and resolved only when a connector or task starts and when a config is validated. Placeholders in this worker config are resolved at start-up too.',
    },
  ]),
  ...grouped('Storage', [
    {
      name: 'sqlite.path',
      type: ConfigType.STRING,
      defaultValue: 'data/connect.db',
      validator: Validators.nonEmptyString(),
      importance: Importance.HIGH,
      documentation:
        'SQLite database holding connector configs, target states and task configs; its directory is created if missing. Relative to the working directory.',
    },
    {
      name: 'plugin.path',
      type: ConfigType.LIST,
      defaultValue: null,
      importance: Importance.LOW,
      documentation: 'Accepted so that stock connect-standalone.properties files work, and ignored: connectors and converters are built in.',
    },
  ]),
  ...grouped('Logging', [
    {
      name: 'log4j.root.loglevel',
      type: ConfigType.STRING,
      defaultValue: 'INFO',
      validator: logLevelName,
      importance: Importance.LOW,
      documentation: `Initial root log level, one of ${LEVELS} (the Confluent images' CONNECT_LOG4J_ROOT_LOGLEVEL). Change it at runtime with PUT /admin/loggers/root.`,
    },
    {
      name: 'log4j.loggers',
      type: ConfigType.LIST,
      defaultValue: '',
      validator: loggerLevelList,
      importance: Importance.LOW,
      documentation:
        "Initial levels of named loggers as <logger>=<level> items, e.g. org.apache.kafka.connect.runtime.WorkerSinkTask=DEBUG (the Confluent images' CONNECT_LOG4J_LOGGERS).",
    },
  ]),
]);

/** Keys handed on to a client or converter under a prefix (Kafka's originalsWithPrefix); never "unknown". */
export const PASSTHROUGH_PREFIXES: readonly string[] = [
  'key.converter.',
  'value.converter.',
  'header.converter.',
  'consumer.',
  'producer.',
  'admin.',
  `${CONFIG_PROVIDERS_CONFIG}.`,
];

/** The distributed worker's keys: the common ones, less SQLite, plus Kafka's DistributedConfig. */
export const DISTRIBUTED_CONFIG_DEF = new ConfigDef([...[...WORKER_CONFIG_DEF.keys.values()].filter((k) => !STANDALONE_ONLY.has(k.name)), ...DISTRIBUTED_KEYS]);

const DISTRIBUTED_ONLY =
  'a distributed-mode setting: this worker is standalone and keeps its state in SQLite (sqlite.path); run milvus-connect-distributed for a cluster';
const STANDALONE_ONLY_REASON = 'a distributed worker keeps its state in the Kafka topics config.storage.topic and status.storage.topic';

/** Kafka worker keys that mean nothing here, with the reason given in the start-up warning. */
export const IGNORED_KEYS: Readonly<Record<string, string>> = {
  'offset.storage.file.filename': 'sink connectors commit their offsets to Kafka consumer groups (connect-<connector name>)',
  'plugin.path': 'connectors and converters are built in',
  'rest.extension.classes': 'REST extensions are Java classes; for basic authentication set rest.basic.auth.credentials.file',
};

/** Keys of the other mode, with the reason a worker of this mode ignores them. */
function otherModeKeys(mode: WorkerMode): Readonly<Record<string, string>> {
  return mode === 'standalone'
    ? Object.fromEntries(DISTRIBUTED_KEYS.map((k) => [k.name, DISTRIBUTED_ONLY]))
    : Object.fromEntries([...STANDALONE_ONLY].map((k) => [k, STANDALONE_ONLY_REASON]));
}

export function workerConfigDef(mode: WorkerMode): ConfigDef {
  return mode === 'standalone' ? WORKER_CONFIG_DEF : DISTRIBUTED_CONFIG_DEF;
}

/** Why a supplied key does nothing, in Kafka's wording where Kafka has one; null for keys in use. */
function unusedKeyWarning(key: string, mode: WorkerMode): string | null {
  const ignored = { ...IGNORED_KEYS, ...otherModeKeys(mode) };
  if (Object.hasOwn(ignored, key)) return `The configuration '${key}' is ignored by this worker: ${ignored[key]}.`;
  if (workerConfigDef(mode).keys.has(key) || PASSTHROUGH_PREFIXES.some((p) => key.startsWith(p))) return null;
  const ssl = unusedSslKeyWarning(key);
  if (ssl !== null) return ssl;
  const unknown = `The configuration '${key}' was supplied but isn't a known config.`;
  if (key === 'connector.class') {
    return `${unknown.slice(0, -1)}: this looks like a connector config; the worker properties file comes first, connector files after it.`;
  }
  if (key.startsWith('log4j.')) {
    return `The configuration '${key}' is ignored by this worker: log lines are JSON; only log4j.root.loglevel and log4j.loggers are used.`;
  }
  return unknown;
}

function unusedKeyWarnings(props: Readonly<Record<string, string>>, sources: ConfigSources, mode: WorkerMode): string[] {
  return Object.keys(props).flatMap((key) => {
    const warning = unusedKeyWarning(key, mode);
    if (warning === null) return [];
    return [sources[key] ? `${warning} (${sources[key]})` : warning];
  });
}

/** The worker configuration (Kafka's StandaloneConfig): typed getters by key name plus a few derived values. */
export class WorkerConfig extends ParsedConfig {
  /** Start-up warnings about keys that are set but unused; main logs them once loggers exist. */
  readonly warnings: readonly string[];

  readonly mode: WorkerMode;

  /** Throws ConfigError (`Invalid value … for configuration …`) for the first invalid key. */
  constructor(props: Readonly<Record<string, string>> = {}, sources: ConfigSources = {}, mode: WorkerMode = 'standalone') {
    const parsed = workerConfigDef(mode).parse(props);
    super(parsed.values, parsed.originals);
    this.mode = mode;
    const warnings = unusedKeyWarnings(props, sources, mode);
    const exposed = [...this.listeners, ...(this.adminListeners ?? [])].filter((l) => l.protocol === 'http' && !isLoopback(l));
    if (this.basicAuthCredentialsFile !== null && exposed.length > 0) {
      warnings.push(
        `Basic authentication is on, but ${exposed.map((l) => l.url).join(', ')} ${exposed.length === 1 ? 'is' : 'are'} plain http reachable from other machines: passwords cross the network readable. Use https listeners or TLS in front of the worker.`,
      );
    }
    this.warnings = warnings;
  }

  get listeners(): Listener[] {
    return this.getList('listeners').map(parseListener);
  }

  /** null: served on the regular listeners; []: disabled; otherwise only on these. */
  get adminListeners(): Listener[] | null {
    const urls = this.get('admin.listeners') as string[] | null;
    return urls === null ? null : urls.map(parseListener);
  }

  /** The `ssl.*` settings of https listeners (from `listeners.https.ssl.*` when any is set). */
  get listenersSsl(): SslSettings {
    return sslSettingsFor(this, LISTENERS_HTTPS_PREFIX);
  }

  /** The `ssl.*` settings of https admin listeners (from `admin.listeners.https.ssl.*` when any is set). */
  get adminListenersSsl(): SslSettings {
    return sslSettingsFor(this, ADMIN_LISTENERS_HTTPS_PREFIX);
  }

  /** `rest.basic.auth.credentials.file`; null when the REST API needs no credentials. */
  get basicAuthCredentialsFile(): string | null {
    return this.getString('rest.basic.auth.credentials.file') || null;
  }

  /** `<advertised host>:<advertised port>` as Kafka's worker id. */
  get workerId(): string {
    const first = this.listeners[0];
    const host = this.getString('rest.advertised.host.name') || first.host || hostname();
    const port = (this.get('rest.advertised.port') as number | null) ?? first.port;
    return `${host}:${port}`;
  }

  /** Where other workers forward requests to this one (Kafka's advertised URL): scheme, then the worker id. */
  get advertisedUrl(): string {
    const scheme = (this.mode === 'distributed' ? this.getString('rest.advertised.listener') : null) || this.listeners[0].protocol;
    return `${scheme}://${this.workerId}/`;
  }

  /**
   * The worker's own Kafka client settings (Kafka's distributed worker uses its top-level keys for the
   * internal topics and the group): bootstrap, security and the common timeouts.
   */
  get clusterClientProps(): Record<string, string> {
    const own = (key: string) =>
      ['bootstrap.servers', 'security.protocol', 'client.id', 'request.timeout.ms', 'retry.backoff.ms', 'socket.connection.setup.timeout.ms'].includes(key) ||
      key.startsWith('sasl.') ||
      (key.startsWith('ssl.') && !key.startsWith('ssl.client.auth'));
    return Object.fromEntries(Object.entries(this.originals).filter(([key]) => own(key)));
  }

  get sqlitePath(): string {
    return this.getString('sqlite.path')!;
  }

  /**
   * Resolves `${provider:path:key}` placeholders of connector configs with the providers of
   * `config.providers` (checked by loadWorkerConfig; reads variables from `env`).
   */
  configTransformer(env: Readonly<Record<string, string | undefined>> = process.env): ConfigTransformer {
    return new ConfigTransformer(loadConfigProviders(this.originals, env));
  }

  /** Start-up log levels for `Loggers`: `root` plus each `log4j.loggers` entry. */
  get logLevels(): Record<string, LogLevel> {
    const levels: Record<string, LogLevel> = { root: parseLogLevel(this.getString('log4j.root.loglevel')!)! };
    for (const item of this.getList('log4j.loggers')) {
      const [logger, level] = item.split('=');
      levels[logger.trim()] = parseLogLevel(level.trim())!;
    }
    return levels;
  }
}

/**
 * Reads the worker config the way connect-standalone does, plus the environment: the properties
 * `file` (if any), overridden by `CONNECT_<KEY>` variables of `env`. Every invalid key is reported
 * in one ConfigError that says where the value came from.
 */
export function loadWorkerConfig(options: { file?: string; env?: Readonly<Record<string, string | undefined>>; mode?: WorkerMode } = {}): WorkerConfig {
  const mode = options.mode ?? 'standalone';
  const def = workerConfigDef(mode);
  const props: Record<string, string> = {};
  const sources: ConfigSources = {};
  if (options.file !== undefined) {
    for (const [k, v] of Object.entries(readPropertiesFile(options.file))) {
      props[k] = v;
      sources[k] = `in ${options.file}`;
    }
  }
  const fromEnv = propertiesFromEnv(options.env ?? {}, [...def.keys.keys(), ...Object.keys(IGNORED_KEYS), ...Object.keys(otherModeKeys(mode))]);
  Object.assign(props, fromEnv.props);
  Object.assign(sources, fromEnv.sources);

  const errors: string[] = [];
  resolveWorkerPlaceholders(props, sources, options.env ?? {}, errors);
  for (const [k, result] of def.validateAll(props)) {
    // the first error says it; Kafka's validators may add a second one about the null left behind
    if (result.errors.length > 0) errors.push(sources[k] ? `${result.errors[0]} (${sources[k]})` : result.errors[0]);
  }
  if (errors.length === 1) throw new ConfigError(errors[0]);
  if (errors.length > 1) throw new ConfigError(`The worker configuration has ${errors.length} errors:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  return new WorkerConfig(props, sources, mode);
}

/**
 * Kafka resolves placeholders in the worker config itself (e.g. `consumer.sasl.jaas.config=${file:…}`),
 * with the providers the same config defines. Replaces values in `props`; problems go to `errors`.
 */
function resolveWorkerPlaceholders(
  props: Record<string, string>,
  sources: ConfigSources,
  env: Readonly<Record<string, string | undefined>>,
  errors: string[],
): void {
  let transformer: ConfigTransformer;
  try {
    transformer = new ConfigTransformer(loadConfigProviders(props, env));
  } catch (e) {
    const source = sources[`${CONFIG_PROVIDERS_CONFIG}`];
    errors.push(source ? `${(e as Error).message} (${source})` : (e as Error).message);
    return;
  }
  const own = Object.fromEntries(Object.entries(props).filter(([k]) => k !== CONFIG_PROVIDERS_CONFIG && !k.startsWith(`${CONFIG_PROVIDERS_CONFIG}.`)));
  const { config, errors: unresolved } = transformer.transform(own);
  Object.assign(props, config);
  for (const [key, message] of unresolved) errors.push(`${key}: ${message}${sources[key] ? ` (${sources[key]})` : ''}`);
}
