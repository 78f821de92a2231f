/**
 * Kafka's config providers (KIP-297, KIP-421, KIP-993): where the values of `${provider:[path:]key}`
 * placeholders come from, so that secrets stay out of connector configs, the SQLite store and REST
 * answers. Built from the worker keys `config.providers=<names>`, `config.providers.<name>.class` and
 * `config.providers.<name>.param.<param>`, with Kafka's three providers under their Java class names.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { parse as parseProperties } from 'dot-properties';
import { ConfigError, invalidValue } from '../../plugin/index.js';

export const CONFIG_PROVIDERS_CONFIG = 'config.providers';

/** Where placeholders of one provider name are looked up. */
export interface ConfigProvider {
  /**
   * The values of `keys` at `path` (a file, a directory, or '' for the environment). A key the provider
   * cannot find is left out; a path that cannot be used throws ConfigError saying why.
   */
  get(path: string, keys: ReadonlySet<string>): Map<string, string>;
  /** Why `key` was not found at `path`, for the validation error. Never includes a value. */
  missing(path: string, key: string): string;
}

type Params = Readonly<Record<string, string>>;

/** `allowed.paths` (KIP-993): absolute, existing paths; files outside them are refused. */
class AllowedPaths {
  readonly #paths: readonly string[] | null;

  constructor(providerName: string, value: string | undefined) {
    if (value === undefined || value.trim() === '') {
      this.#paths = null;
      return;
    }
    const key = `${CONFIG_PROVIDERS_CONFIG}.${providerName}.param.allowed.paths`;
    this.#paths = value.split(',').map((p) => {
      const path = normalize(p.trim());
      if (!isAbsolute(path) || !existsSync(path)) throw invalidValue(key, value, `Path ${path} is not valid. The path should be absolute and exist`);
      return path;
    });
  }

  /** Throws when `path` is not inside one of the allowed paths (compared segment by segment, like Java's Path.startsWith). */
  check(providerName: string, path: string): string {
    const normalised = normalize(path);
    if (this.#paths === null) return normalised;
    const inside = this.#paths.some((allowed) => {
      const rel = relative(allowed, normalised);
      return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
    });
    if (!inside) {
      throw new ConfigError(`the path ${path} is outside ${CONFIG_PROVIDERS_CONFIG}.${providerName}.param.allowed.paths (${this.#paths.join(',')})`);
    }
    return normalised;
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${code ?? (e as Error).message})`;
    throw new ConfigError(`the ${what} ${path} ${reason}`);
  }
}

/** Kafka's EnvVarConfigProvider: `${env:NAME}`; `allowlist.pattern` limits which variables may be read. */
export class EnvVarConfigProvider implements ConfigProvider {
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #allow: RegExp | null;
  readonly #name: string;

  constructor(name: string, params: Params, env: Readonly<Record<string, string | undefined>>) {
    this.#name = name;
    this.#env = env;
    const pattern = params['allowlist.pattern'];
    try {
      this.#allow = pattern === undefined ? null : new RegExp(`^(?:${pattern})$`);
    } catch (e) {
      throw invalidValue(`${CONFIG_PROVIDERS_CONFIG}.${name}.param.allowlist.pattern`, pattern, (e as Error).message);
    }
  }

  get(path: string, keys: ReadonlySet<string>): Map<string, string> {
    if (path !== '') throw new ConfigError(`Path is not supported for EnvVarConfigProvider, invalid value '${path}': write \${${this.#name}:VARIABLE}`);
    const out = new Map<string, string>();
    for (const key of keys) {
      const value = this.#env[key];
      if (value !== undefined && (this.#allow === null || this.#allow.test(key))) out.set(key, value);
    }
    return out;
  }

  missing(_path: string, key: string): string {
    if (this.#env[key] !== undefined && this.#allow !== null) {
      return `the environment variable ${key} does not match ${CONFIG_PROVIDERS_CONFIG}.${this.#name}.param.allowlist.pattern`;
    }
    return `the environment variable ${key} is not set in the worker's environment`;
  }
}

/** Kafka's FileConfigProvider: `${file:/path/to/file.properties:key}` reads one key of a properties file. */
export class FileConfigProvider implements ConfigProvider {
  readonly #name: string;
  readonly #allowed: AllowedPaths;

  constructor(name: string, params: Params) {
    this.#name = name;
    this.#allowed = new AllowedPaths(name, params['allowed.paths']);
  }

  get(path: string, keys: ReadonlySet<string>): Map<string, string> {
    if (path === '') throw new ConfigError(`no file given: write \${${this.#name}:/path/to/file.properties:key}`);
    const file = this.#allowed.check(this.#name, path);
    const props = parseProperties(readText(file, 'properties file')) as Record<string, string>;
    const out = new Map<string, string>();
    for (const key of keys) if (Object.hasOwn(props, key)) out.set(key, props[key]);
    return out;
  }

  missing(path: string, key: string): string {
    return `the properties file ${path} has no key '${key}'`;
  }
}

/** Kafka's DirectoryConfigProvider: `${directory:/run/secrets:token}` is the content of the file /run/secrets/token. */
export class DirectoryConfigProvider implements ConfigProvider {
  readonly #name: string;
  readonly #allowed: AllowedPaths;

  constructor(name: string, params: Params) {
    this.#name = name;
    this.#allowed = new AllowedPaths(name, params['allowed.paths']);
  }

  get(path: string, keys: ReadonlySet<string>): Map<string, string> {
    if (path === '') throw new ConfigError(`no directory given: write \${${this.#name}:/path/to/directory:file-name}`);
    const dir = this.#allowed.check(this.#name, path);
    if (!existsSync(dir)) throw new ConfigError(`the directory ${path} does not exist`);
    if (!statSync(dir).isDirectory()) throw new ConfigError(`${path} is not a directory`);
    const out = new Map<string, string>();
    for (const key of keys) {
      // keys name files directly in the directory, never a path below or above it
      if (key === '' || basename(key) !== key || key === '.' || key === '..') continue;
      const file = join(dir, key);
      if (existsSync(file) && statSync(file).isFile()) out.set(key, readText(file, 'file'));
    }
    return out;
  }

  missing(path: string, key: string): string {
    return `the directory ${path} has no regular file named '${key}'`;
  }
}

type ProviderFactory = (name: string, params: Params, env: Readonly<Record<string, string | undefined>>) => ConfigProvider;

const KAFKA_PACKAGE = 'org.apache.kafka.common.config.provider.';

const KINDS: ReadonlyArray<readonly [simpleName: string, shortName: string, factory: ProviderFactory]> = [
  ['EnvVarConfigProvider', 'env', (name, params, env) => new EnvVarConfigProvider(name, params, env)],
  ['FileConfigProvider', 'file', (name, params) => new FileConfigProvider(name, params)],
  ['DirectoryConfigProvider', 'directory', (name, params) => new DirectoryConfigProvider(name, params)],
];

/** Kafka's class names, their simple names, and the usual provider names, all accepted in `.class`. */
const FACTORIES: ReadonlyMap<string, ProviderFactory> = new Map(
  KINDS.flatMap(([simple, short, factory]) => [KAFKA_PACKAGE + simple, simple, short].map((n) => [n, factory] as const)),
);

export const CONFIG_PROVIDER_CLASSES: readonly string[] = [...FACTORIES.keys()].filter((n) => n.startsWith(KAFKA_PACKAGE));

/**
 * The providers the worker properties name, by provider name. `props` are the worker's original keys.
 * Throws ConfigError for a listed provider without a known class or with an invalid parameter.
 */
export function loadConfigProviders(
  props: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Map<string, ConfigProvider> {
  const names = (props[CONFIG_PROVIDERS_CONFIG] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const providers = new Map<string, ConfigProvider>();
  for (const name of names) {
    const classKey = `${CONFIG_PROVIDERS_CONFIG}.${name}.class`;
    const className = props[classKey]?.trim();
    if (!className) {
      throw new ConfigError(`${CONFIG_PROVIDERS_CONFIG} lists '${name}' but ${classKey} is not set; set it to one of ${CONFIG_PROVIDER_CLASSES.join(', ')}`);
    }
    const factory = FACTORIES.get(className);
    if (!factory) throw invalidValue(classKey, className, `no such config provider; this worker has ${CONFIG_PROVIDER_CLASSES.join(', ')}`);
    const prefix = `${CONFIG_PROVIDERS_CONFIG}.${name}.param.`;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) params[k.slice(prefix.length)] = v;
    providers.set(name, factory(name, params, env));
  }
  return providers;
}
