/**
 * Kafka client properties (`consumer.*` / `producer.*` / `admin.*` worker keys and the connector's
 * `consumer.override.*` / `producer.override.*` / `admin.override.*`) mapped onto kafkajs options.
 *
 * Consumer property mapping (README table; "—" = no kafkajs equivalent):
 *
 * | Kafka property                       | kafkajs option                     | default here (Kafka's)                       |
 * |--------------------------------------|------------------------------------|----------------------------------------------|
 * | bootstrap.servers                    | brokers                            | worker `bootstrap.servers`                   |
 * | client.id                            | clientId                           | `connector-consumer-<connector>-<task>`      |
 * | group.id (consumer.override only)    | groupId                            | `connect-<connector>`                        |
 * | session.timeout.ms                   | sessionTimeout                     | 45000                                        |
 * | heartbeat.interval.ms                | heartbeatInterval                  | 3000                                         |
 * | max.poll.interval.ms                 | rebalanceTimeout                   | 300000 (Java sends it as the rebalance timeout) |
 * | fetch.min.bytes                      | minBytes                           | 1                                            |
 * | fetch.max.bytes                      | maxBytes                           | 52428800                                     |
 * | max.partition.fetch.bytes            | maxBytesPerPartition               | 1048576                                      |
 * | fetch.max.wait.ms                    | maxWaitTimeInMs                    | 500                                          |
 * | max.poll.records                     | — (approximated)                   | 500: put() gets at most this many records    |
 * | isolation.level                      | readUncommitted                    | read_uncommitted                             |
 * | client.rack                          | rackId                             | none                                         |
 * | metadata.max.age.ms                  | metadataMaxAge                     | 300000                                       |
 * | allow.auto.create.topics             | allowAutoTopicCreation             | true                                         |
 * | auto.offset.reset                    | subscribe fromBeginning            | earliest (Connect's); `none` unsupported     |
 * | request.timeout.ms                   | requestTimeout                     | 30000                                        |
 * | socket.connection.setup.timeout.ms   | connectionTimeout                  | 10000                                        |
 * | retry.backoff.ms                     | retry.initialRetryTime             | 100                                          |
 * | security.protocol                    | ssl / sasl                         | PLAINTEXT                                    |
 * | sasl.mechanism                       | sasl.mechanism                     | PLAIN, SCRAM-SHA-256, SCRAM-SHA-512          |
 * | sasl.jaas.config                     | sasl.username / sasl.password      | `username="…" password="…"` of Plain/Scram   |
 * | ssl.truststore.type=PEM + ssl.truststore.certificates | ssl.ca            |                                              |
 * | ssl.keystore.type=PEM + ssl.keystore.certificate.chain / ssl.keystore.key | ssl.cert / ssl.key |                  |
 * | ssl.endpoint.identification.algorithm | empty = no host name check        | https                                        |
 * | enable.auto.commit, key/value.deserializer | — (ignored like Connect does) | false, bytes                               |
 * | anything else (partition.assignment.strategy, JKS stores, …) | — (warning logged, ignored) |                    |
 *
 * The distributed worker's group membership (group-membership.ts) speaks the group protocol over
 * @platformatic/kafka's connections; protocolClientOptions maps the same client-level keys onto those.
 */
import type { ConnectionOptions } from 'node:tls';
import type { ConnectionOptions as ProtocolConnectionOptions, SASLOptions as ProtocolSASLOptions } from '@platformatic/kafka';
import type { ConsumerConfig, KafkaConfig, SASLOptions } from 'kafkajs';
import { ConfigError } from '../../plugin/index.js';

export type ClientProps = Readonly<Record<string, string>>;

export interface ClientOptions {
  readonly client: Omit<KafkaConfig, 'logCreator' | 'logLevel'>;
  /** keys that have no kafkajs equivalent; the caller logs a warning */
  readonly unsupported: string[];
}

export interface ConsumerOptions extends ClientOptions {
  readonly consumer: ConsumerConfig;
  readonly fromBeginning: boolean;
  readonly maxPollRecords: number;
}

const CLIENT_KEYS = new Set([
  'bootstrap.servers',
  'client.id',
  'request.timeout.ms',
  'socket.connection.setup.timeout.ms',
  'retry.backoff.ms',
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'ssl.truststore.type',
  'ssl.truststore.certificates',
  'ssl.keystore.type',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.endpoint.identification.algorithm',
]);

const CONSUMER_KEYS = new Set([
  'group.id',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'max.poll.interval.ms',
  'fetch.min.bytes',
  'fetch.max.bytes',
  'max.partition.fetch.bytes',
  'fetch.max.wait.ms',
  'max.poll.records',
  'isolation.level',
  'client.rack',
  'metadata.max.age.ms',
  'allow.auto.create.topics',
  'auto.offset.reset',
]);

/** Connect forces these for sink consumers; setting them is harmless and silently ignored. */
const IGNORED_CONSUMER_KEYS = new Set(['enable.auto.commit', 'key.deserializer', 'value.deserializer']);
/** The DLQ producer always writes bytes with acks=all. */
const IGNORED_PRODUCER_KEYS = new Set(['acks', 'key.serializer', 'value.serializer']);

function int(props: ClientProps, key: string, fallback: number): number;
function int(props: ClientProps, key: string, fallback?: number): number | undefined;
function int(props: ClientProps, key: string, fallback?: number): number | undefined {
  const raw = props[key];
  if (raw === undefined) return fallback;
  const n = Number(raw.trim());
  if (!Number.isInteger(n)) throw new ConfigError(`Invalid value ${raw} for configuration ${key}: Not a number of type INT`);
  return n;
}

function jaasOption(jaas: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas);
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

function sasl(props: ClientProps): SASLOptions | undefined {
  const mechanism = (props['sasl.mechanism'] ?? 'GSSAPI').trim().toUpperCase();
  const jaas = props['sasl.jaas.config'] ?? '';
  const username = jaasOption(jaas, 'username');
  const password = jaasOption(jaas, 'password');
  if (username === undefined || password === undefined) {
    throw new ConfigError('sasl.jaas.config must give username="…" and password="…" (PlainLoginModule or ScramLoginModule)');
  }
  switch (mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username, password };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
    default:
      throw new ConfigError(`Invalid value ${mechanism} for configuration sasl.mechanism: supported are PLAIN, SCRAM-SHA-256, SCRAM-SHA-512`);
  }
}

function tls(props: ClientProps): ConnectionOptions {
  const options: ConnectionOptions = {};
  if (props['ssl.truststore.type']?.trim().toUpperCase() === 'PEM' && props['ssl.truststore.certificates']) {
    options.ca = props['ssl.truststore.certificates'];
  }
  if (props['ssl.keystore.type']?.trim().toUpperCase() === 'PEM') {
    if (props['ssl.keystore.certificate.chain']) options.cert = props['ssl.keystore.certificate.chain'];
    if (props['ssl.keystore.key']) options.key = props['ssl.keystore.key'];
  }
  if (props['ssl.endpoint.identification.algorithm']?.trim() === '') options.checkServerIdentity = () => undefined;
  return options;
}

/** Client-level options shared by consumers, producers and admin clients. */
export function clientOptions(
  props: ClientProps,
  defaults: { bootstrapServers: readonly string[]; clientId: string },
  known: ReadonlySet<string> = new Set(),
): ClientOptions {
  const brokers = props['bootstrap.servers']
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [...defaults.bootstrapServers];
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').trim().toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw new ConfigError(`Invalid value ${protocol} for configuration security.protocol`);
  }
  const client: Omit<KafkaConfig, 'logCreator' | 'logLevel'> = {
    brokers,
    clientId: props['client.id']?.trim() || defaults.clientId,
    requestTimeout: int(props, 'request.timeout.ms', 30000),
    connectionTimeout: int(props, 'socket.connection.setup.timeout.ms', 10000),
    retry: { initialRetryTime: int(props, 'retry.backoff.ms', 100) },
    ...(protocol.endsWith('SSL') ? { ssl: tls(props) } : {}),
    ...(protocol.startsWith('SASL') ? { sasl: sasl(props) } : {}),
  };
  const unsupported = Object.keys(props).filter((k) => !CLIENT_KEYS.has(k) && !known.has(k));
  return { client, unsupported };
}

/** Options of one sink task's consumer. `props` = worker `consumer.*` merged with `consumer.override.*`. */
export function consumerOptions(props: ClientProps, defaults: { bootstrapServers: readonly string[]; clientId: string; groupId: string }): ConsumerOptions {
  const { client, unsupported } = clientOptions(props, defaults, new Set([...CONSUMER_KEYS, ...IGNORED_CONSUMER_KEYS]));
  const reset = (props['auto.offset.reset'] ?? 'earliest').trim().toLowerCase();
  if (reset !== 'earliest' && reset !== 'latest') unsupported.push('auto.offset.reset');
  const isolation = (props['isolation.level'] ?? 'read_uncommitted').trim().toLowerCase();
  const consumer: ConsumerConfig = {
    groupId: props['group.id']?.trim() || defaults.groupId,
    sessionTimeout: int(props, 'session.timeout.ms', 45000),
    heartbeatInterval: int(props, 'heartbeat.interval.ms', 3000),
    rebalanceTimeout: int(props, 'max.poll.interval.ms', 300000),
    minBytes: int(props, 'fetch.min.bytes', 1),
    maxBytes: int(props, 'fetch.max.bytes', 52428800),
    maxBytesPerPartition: int(props, 'max.partition.fetch.bytes', 1048576),
    maxWaitTimeInMs: int(props, 'fetch.max.wait.ms', 500),
    readUncommitted: isolation !== 'read_committed',
    metadataMaxAge: int(props, 'metadata.max.age.ms', 300000),
    allowAutoTopicCreation: (props['allow.auto.create.topics'] ?? 'true').trim().toLowerCase() !== 'false',
    // a crash is reported to the task loop, which decides; kafkajs restarts only retriable ones
    retry: { initialRetryTime: client.retry?.initialRetryTime ?? 100 },
  };
  const rack = props['client.rack']?.trim();
  if (rack) consumer.rackId = rack;
  return { client, consumer, unsupported, fromBeginning: reset !== 'latest', maxPollRecords: Math.max(1, int(props, 'max.poll.records', 500)) };
}

/** Options of the dead-letter-queue producer (`producer.*` merged with `producer.override.*`). */
export function producerOptions(props: ClientProps, defaults: { bootstrapServers: readonly string[]; clientId: string }): ClientOptions {
  return clientOptions(props, defaults, IGNORED_PRODUCER_KEYS);
}

/** What the group membership needs to reach the brokers over @platformatic/kafka's protocol layer. */
export interface ProtocolClientOptions {
  readonly bootstrapServers: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
  /** per connection: TLS, SASL, connect timeout (the request timeout is set per connection by the caller) */
  readonly connection: ProtocolConnectionOptions;
}

const PROTOCOL_SASL: Record<string, ProtocolSASLOptions['mechanism']> = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' };

function hostAndPort(server: string): { host: string; port: number } {
  const at = server.lastIndexOf(':');
  const port = Number(server.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0) throw new ConfigError(`Invalid value ${server} for configuration bootstrap.servers: expected host:port`);
  return { host: server.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * The same properties as clientOptions (bootstrap.servers, client.id, request.timeout.ms,
 * retry.backoff.ms, socket.connection.setup.timeout.ms, security.protocol, sasl.*, ssl.* PEM settings),
 * for a client built on @platformatic/kafka's Connection; other keys are ignored.
 */
export function protocolClientOptions(props: ClientProps, defaults: { bootstrapServers: readonly string[]; clientId: string }): ProtocolClientOptions {
  const { client } = clientOptions(props, defaults);
  const sasl = client.sasl as { mechanism: string; username: string; password: string } | undefined;
  return {
    bootstrapServers: (client.brokers as string[]).map(hostAndPort),
    clientId: client.clientId ?? defaults.clientId,
    requestTimeoutMs: client.requestTimeout ?? 30000,
    retryBackoffMs: client.retry?.initialRetryTime ?? 100,
    connection: {
      connectTimeout: client.connectionTimeout,
      ...(client.ssl ? { tls: client.ssl === true ? {} : client.ssl } : {}),
      ...(sasl ? { sasl: { mechanism: PROTOCOL_SASL[sasl.mechanism], username: sasl.username, password: sasl.password } } : {}),
    },
  };
}

/** Keys with `prefix`, prefix stripped; later maps win. */
export function withPrefix(prefix: string, ...maps: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const map of maps) {
    for (const [key, value] of Object.entries(map)) if (key.startsWith(prefix) && key.length > prefix.length) out[key.slice(prefix.length)] = value;
  }
  return out;
}
