import { ConfigError, ConfigType, Importance, invalidValue, type ConfigKey, type ParsedConfig } from '../../plugin/index.js';
import { withoutCredentials, type RegistryClientOptions } from './registry-client.js';

/**
 * The keys of Confluent's AbstractKafkaSchemaSerDeConfig that matter to a deserialising converter,
 * with Confluent's names, defaults and texts. (Confluent's converters expose no ConfigDef at all, so
 * Kafka shows none for them; here they are declared so that validation and
 * `GET /connector-plugins/<class>/config` can answer.) Serialising keys (auto.register.schemas,
 * use.latest.version, subject name strategies …) have no effect on a sink and are not declared.
 */

export const SCHEMA_REGISTRY_URL_CONFIG = 'schema.registry.url';
export const CREDENTIALS_SOURCE_CONFIG = 'basic.auth.credentials.source';
export const USER_INFO_CONFIG = 'basic.auth.user.info';
/** Confluent's deprecated name, which wins when set (UserInfoCredentialProvider) */
export const DEPRECATED_USER_INFO_CONFIG = 'schema.registry.basic.auth.user.info';
/** Confluent's prefix for extra HTTP headers on every registry request */
export const REQUEST_HEADER_PREFIX = 'request.header.';

function credentialsSource(name: string, value: unknown): void {
  if (value === 'URL' || value === 'USER_INFO') return;
  if (value === 'SASL_INHERIT') {
    throw invalidValue(
      name,
      value,
      "SASL_INHERIT (the Kafka client's SASL/PLAIN credentials) is not supported by this worker; set basic.auth.credentials.source=USER_INFO and basic.auth.user.info=<user>:<password>",
    );
  }
  throw invalidValue(name, value, 'The supported values are URL and USER_INFO');
}

function registryUrls(name: string, value: unknown): void {
  const urls = value as string[] | null;
  if (urls === null) return;
  if (urls.length === 0) throw invalidValue(name, '', 'at least one URL is needed');
  // credentials in a URL (basic.auth.credentials.source=URL) never reach a message
  const shown = urls.map(withoutCredentials);
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidValue(name, shown, `${JSON.stringify(withoutCredentials(url))} is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw invalidValue(name, shown, `${parsed.protocol}// URLs are not supported (Confluent's mock:// is for its own tests); use http:// or https://`);
    }
  }
}

function nonNegative(name: string, value: unknown): void {
  if (typeof value === 'number' && value < 0) throw invalidValue(name, value, 'Value must be at least 0');
}

function key(
  name: string,
  type: ConfigKey['type'],
  defaultValue: unknown,
  importance: Importance,
  documentation: string,
  validator?: ConfigKey['validator'],
): ConfigKey {
  return { name, type, defaultValue, importance, documentation, ...(validator ? { validator } : {}) };
}

export const REGISTRY_CLIENT_KEYS: readonly ConfigKey[] = [
  key(
    SCHEMA_REGISTRY_URL_CONFIG,
    ConfigType.LIST,
    undefined,
    Importance.HIGH,
    'Comma-separated list of URLs for schema registry instances that can be used to register or look up schemas.',
    registryUrls,
  ),
  key(
    'schema.registry.url.randomize',
    ConfigType.BOOLEAN,
    false,
    Importance.LOW,
    'Whether to randomize the starting index of the schema registry URL list. This can help with load balancing if many schema registry clients are using a shared configuration.',
  ),
  key('max.schemas.per.subject', ConfigType.INT, 1000, Importance.LOW, 'Maximum number of schemas to create or cache locally.', nonNegative),
  key(
    CREDENTIALS_SOURCE_CONFIG,
    ConfigType.STRING,
    'URL',
    Importance.MEDIUM,
    'Specify how to pick the credentials for Basic Auth header. The supported values are URL, USER_INFO and SASL_INHERIT (SASL_INHERIT is refused by this worker)',
    credentialsSource,
  ),
  key(DEPRECATED_USER_INFO_CONFIG, ConfigType.PASSWORD, '', Importance.MEDIUM, 'Specify the user info for Basic Auth in the form of {username}:{password}'),
  key(USER_INFO_CONFIG, ConfigType.PASSWORD, '', Importance.MEDIUM, 'Specify the user info for Basic Auth in the form of {username}:{password}'),
  key(
    'http.connect.timeout.ms',
    ConfigType.INT,
    60000,
    Importance.LOW,
    'Specify the http connection timeout in milliseconds for schema registry client',
    nonNegative,
  ),
  key('http.read.timeout.ms', ConfigType.INT, 60000, Importance.LOW, 'Specify the http read timeout in milliseconds for schema registry client', nonNegative),
  key('max.retries', ConfigType.INT, 3, Importance.LOW, 'The maximum number of retries for a request', nonNegative),
  key('retries.wait.ms', ConfigType.INT, 1000, Importance.LOW, 'The maximum time to wait for the first retry.', nonNegative),
  key('retries.max.wait.ms', ConfigType.INT, 20000, Importance.LOW, 'The maximum time to wait for any retry.', nonNegative),
];

/** The registry client's options from a parsed converter config; ConfigError for a combination that cannot work. */
export function registryClientOptions(config: ParsedConfig): RegistryClientOptions {
  const source = config.getString(CREDENTIALS_SOURCE_CONFIG) as 'URL' | 'USER_INFO';
  const userInfo = [DEPRECATED_USER_INFO_CONFIG, USER_INFO_CONFIG].map((k) => config.getPassword(k)?.value ?? '').find((v) => v !== '') ?? null;
  if (source === 'USER_INFO' && userInfo === null) throw new ConfigError('UserInfo must be provided when basic.auth.credentials.source is set to USER_INFO');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.originalsWithPrefix(REQUEST_HEADER_PREFIX))) headers[k] = v;
  return {
    urls: config.getList(SCHEMA_REGISTRY_URL_CONFIG),
    randomize: config.getBoolean('schema.registry.url.randomize'),
    credentialsSource: source,
    userInfo,
    headers,
    connectTimeoutMs: config.getInt('http.connect.timeout.ms'),
    readTimeoutMs: config.getInt('http.read.timeout.ms'),
    maxRetries: config.getInt('max.retries'),
    retriesWaitMs: config.getInt('retries.wait.ms'),
    retriesMaxWaitMs: config.getInt('retries.max.wait.ms'),
  };
}
