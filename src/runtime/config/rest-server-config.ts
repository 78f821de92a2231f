/**
 * The worker keys of the REST server (Kafka's RestServerConfig): listeners, the admin listener, CORS,
 * TLS for https listeners and basic authentication. Declared here, spread into WORKER_CONFIG_DEF.
 *
 * TLS keys are Kafka's `ssl.*` names. As in Kafka, https listeners read them from `listeners.https.ssl.*`
 * when any key with that prefix is set (all or nothing), else from the top-level `ssl.*` keys; separate
 * admin listeners do the same with `admin.listeners.https.`. Node speaks PEM (and PKCS12), not JKS.
 */
import { ConfigType, Importance, ParsedConfig, Validators, invalidValue, type ConfigKey, type Validator } from '../../plugin/index.js';
import { parseListener } from './rest-listener.js';

export const LISTENERS_HTTPS_PREFIX = 'listeners.https.';
export const ADMIN_LISTENERS_HTTPS_PREFIX = 'admin.listeners.https.';

type KeySpec = Omit<ConfigKey, 'group' | 'orderInGroup'>;

function grouped(group: string, keys: readonly KeySpec[]): ConfigKey[] {
  return keys.map((k, i) => ({ ...k, group, orderInGroup: i + 1 }));
}

function listenerList(options: { allowEmpty: boolean }): Validator {
  return (name, value) => {
    if (value === null) {
      if (options.allowEmpty) return;
      throw invalidValue(name, null, 'at least one URL is expected, e.g. http://:8083');
    }
    const urls = value as string[];
    if (urls.length === 0 && !options.allowEmpty) throw invalidValue(name, urls, 'at least one URL is expected, e.g. http://:8083');
    for (const url of urls) {
      try {
        parseListener(url);
      } catch (e) {
        throw invalidValue(name, urls, (e as Error).message);
      }
    }
  };
}

function optionalPort(name: string, value: unknown): void {
  if (value !== null) Validators.between(0, 65535)(name, value);
}

function keystoreType(name: string, value: unknown): void {
  if (typeof value === 'string' && value.toUpperCase() === 'JKS') {
    throw invalidValue(name, value, 'JKS keystores are Java-only: use PEM, or convert with keytool -importkeystore -deststoretype PKCS12 and set PKCS12');
  }
  Validators.oneOfIgnoreCase('PEM', 'PKCS12')(name, value);
}

function truststoreType(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.toUpperCase() !== 'PEM') {
    throw invalidValue(name, value, 'only PEM truststores are supported (a file or inline list of CA certificates)');
  }
}

export const REST_KEYS: readonly KeySpec[] = [
  {
    name: 'listeners',
    type: ConfigType.LIST,
    defaultValue: 'http://:8083',
    validator: listenerList({ allowEmpty: false }),
    importance: Importance.LOW,
    documentation:
      'URLs the REST API listens on, comma-separated: http://:8083 is every interface, http://127.0.0.1:8083 loopback only, port 0 a free port. https:// listeners take their key and certificates from the ssl.* keys, or from listeners.https.ssl.* when any key with that prefix is set.',
  },
  {
    name: 'admin.listeners',
    type: ConfigType.LIST,
    defaultValue: null,
    validator: listenerList({ allowEmpty: true }),
    importance: Importance.LOW,
    documentation:
      'Where the /admin endpoints (runtime log levels) are served: unset, on the regular listeners; empty, nowhere (404); a list of URLs, only there, on a separate server, and no longer on the regular listeners. https:// admin listeners use admin.listeners.https.ssl.* when any key with that prefix is set, else ssl.*.',
  },
  {
    name: 'rest.advertised.host.name',
    type: ConfigType.STRING,
    defaultValue: null,
    importance: Importance.LOW,
    documentation:
      "Host name this worker is known by (worker_id in statuses). Defaults to the first listener's host, or the machine's host name when that host is empty.",
  },
  {
    name: 'rest.advertised.port',
    type: ConfigType.INT,
    defaultValue: null,
    validator: optionalPort,
    importance: Importance.LOW,
    documentation: "Port this worker is known by (worker_id in statuses). Defaults to the first listener's port.",
  },
  {
    name: 'access.control.allow.origin',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.LOW,
    documentation: 'Access-Control-Allow-Origin for REST requests: empty disables CORS, * allows any origin, or a list of origins.',
  },
  {
    name: 'access.control.allow.methods',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.LOW,
    documentation: 'Methods allowed in cross-origin requests (Access-Control-Allow-Methods); empty means GET, POST, HEAD.',
  },
];

/** The TLS keys of https listeners, by their top-level names. */
export const REST_SSL_KEYS: readonly KeySpec[] = [
  {
    name: 'ssl.keystore.type',
    type: ConfigType.STRING,
    defaultValue: 'PEM',
    validator: keystoreType,
    importance: Importance.MEDIUM,
    documentation: 'Format of the server key and certificate of https listeners: PEM or PKCS12. (Kafka defaults to JKS, which Node cannot read.)',
  },
  {
    name: 'ssl.keystore.location',
    type: ConfigType.STRING,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation:
      "File with the server's private key and certificate chain: for PEM, the key followed by the certificates (cat server.key server.crt); for PKCS12, a .p12 file opened with ssl.keystore.password. Alternatively give ssl.keystore.key and ssl.keystore.certificate.chain.",
  },
  {
    name: 'ssl.keystore.password',
    type: ConfigType.PASSWORD,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation: 'Password of a PKCS12 keystore file.',
  },
  {
    name: 'ssl.key.password',
    type: ConfigType.PASSWORD,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation: 'Password of an encrypted PEM private key (in the ssl.keystore.location file or ssl.keystore.key).',
  },
  {
    name: 'ssl.keystore.key',
    type: ConfigType.PASSWORD,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation:
      "The server's private key as inline PEM (with ssl.keystore.type=PEM), used with ssl.keystore.certificate.chain instead of ssl.keystore.location. Line breaks may be spaces, as in a continued properties line or an environment variable.",
  },
  {
    name: 'ssl.keystore.certificate.chain',
    type: ConfigType.PASSWORD,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation: "The server's certificate chain as inline PEM, server certificate first.",
  },
  {
    name: 'ssl.truststore.type',
    type: ConfigType.STRING,
    defaultValue: 'PEM',
    validator: truststoreType,
    importance: Importance.MEDIUM,
    documentation: 'Format of the CA certificates that verify client certificates: PEM.',
  },
  {
    name: 'ssl.truststore.location',
    type: ConfigType.STRING,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation: 'PEM file with the CA certificates client certificates must chain to; required when ssl.client.auth is requested or required.',
  },
  {
    name: 'ssl.truststore.certificates',
    type: ConfigType.PASSWORD,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation: 'The same CA certificates as inline PEM, instead of ssl.truststore.location.',
  },
  {
    name: 'ssl.client.auth',
    type: ConfigType.STRING,
    defaultValue: 'none',
    validator: Validators.oneOfIgnoreCase('none', 'requested', 'required'),
    importance: Importance.MEDIUM,
    documentation:
      'Client certificates on https listeners: none; requested (asked for; a connection presenting one that does not verify is closed, one without any is served); required (connections without a verified certificate are refused during the handshake).',
  },
  {
    name: 'ssl.enabled.protocols',
    type: ConfigType.LIST,
    defaultValue: 'TLSv1.2,TLSv1.3',
    validator: (name, value) => {
      Validators.validList('TLSv1.2', 'TLSv1.3')(name, value);
      if ((value as string[]).length === 0) throw invalidValue(name, value, 'at least one of TLSv1.2, TLSv1.3 is required');
    },
    importance: Importance.MEDIUM,
    documentation: 'TLS versions https listeners accept: TLSv1.2, TLSv1.3 or both.',
  },
];

export const REST_AUTH_KEYS: readonly KeySpec[] = [
  {
    name: 'rest.basic.auth.credentials.file',
    type: ConfigType.STRING,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation:
      'Turns on HTTP basic authentication for the whole REST API (admin listeners included): a file of user:hash lines, the hashes made by npm run hash-password (scrypt; plain-text passwords are refused). Read at start. Requests without valid credentials get 401. Unset: no authentication, as in Kafka.',
  },
  {
    name: 'rest.basic.auth.realm',
    type: ConfigType.STRING,
    defaultValue: 'Kafka Connect',
    validator: Validators.nonEmptyString(),
    importance: Importance.LOW,
    documentation: 'Realm named in the WWW-Authenticate header of 401 answers.',
  },
  {
    name: 'rest.basic.auth.health.public',
    type: ConfigType.BOOLEAN,
    defaultValue: true,
    importance: Importance.LOW,
    documentation:
      'Whether GET /health answers without credentials when basic authentication is on, for container and load-balancer health checks. It tells only whether the worker is up.',
  },
];

/** The prefixed TLS keys: parsed and validated with the worker config, not listed in the reference. */
function prefixed(prefix: string): ConfigKey[] {
  return REST_SSL_KEYS.map((k, i) => ({ ...k, name: `${prefix}${k.name}`, internal: true, group: 'REST TLS', orderInGroup: REST_SSL_KEYS.length + i + 1 }));
}

export const REST_SERVER_CONFIG_KEYS: readonly ConfigKey[] = [
  ...grouped('REST', REST_KEYS),
  ...grouped('REST TLS', REST_SSL_KEYS),
  ...grouped('REST authentication', REST_AUTH_KEYS),
  ...prefixed(LISTENERS_HTTPS_PREFIX),
  ...prefixed(ADMIN_LISTENERS_HTTPS_PREFIX),
];

/** The TLS settings of one kind of listener, by top-level `ssl.*` names, and the prefix they were given with. */
export interface SslSettings {
  readonly config: ParsedConfig;
  /** '' or the prefix of the keys actually used, to name them in messages */
  readonly prefix: string;
}

/**
 * The TLS settings for listeners of one kind (Kafka's valuesWithPrefixAllOrNothing): the `prefix`ed keys
 * when any of them was given, else the top-level `ssl.*` keys.
 */
export function sslSettingsFor(config: ParsedConfig, prefix: string): SslSettings {
  const from = Object.keys(config.originalsWithPrefix(prefix)).length > 0 ? prefix : '';
  const values = new Map<string, unknown>(REST_SSL_KEYS.map((k) => [k.name, config.get(`${from}${k.name}`)]));
  return { config: new ParsedConfig(values, from ? config.originalsWithPrefix(from) : config.originals), prefix: from };
}

/** Why an `ssl.*` key (possibly prefixed) does nothing here; null for the keys this worker reads. */
export function unusedSslKeyWarning(key: string): string | null {
  const bare = [LISTENERS_HTTPS_PREFIX, ADMIN_LISTENERS_HTTPS_PREFIX].reduce((k, p) => (k.startsWith(p) ? k.slice(p.length) : k), key);
  if (!bare.startsWith('ssl.') || REST_SSL_KEYS.some((k) => k.name === bare)) return null;
  return `The configuration '${key}' is ignored by this worker: it is a Java TLS setting; https listeners use Node's TLS defaults except for the ssl.* keys in the configuration reference.`;
}
