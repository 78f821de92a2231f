/**
 * Resolves `${provider:[path:]key}` placeholders (Kafka's ConfigTransformer / WorkerConfigTransformer).
 * Configs are stored and shown with their placeholders; they are resolved only where values are used:
 * when a connector or task starts, when a config is validated, and for the offsets clients. A value
 * never leaves this module in a message: errors name the key, the placeholder and what to fix.
 */
import { ConfigError } from '../../plugin/index.js';
import { CONFIG_PROVIDERS_CONFIG, type ConfigProvider } from './config-providers.js';
import type { ConfigInfos } from '../types.js';

/** Kafka's ConfigTransformer.DEFAULT_PATTERN: `${provider:path:key}` or `${provider:key}`. */
const PLACEHOLDER = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

export interface TransformResult<V extends string | null> {
  /** The config with every placeholder replaced; keys that could not be resolved keep their raw value. */
  readonly config: Record<string, V>;
  /** Keys whose placeholders could not be resolved, with what to fix. */
  readonly errors: ReadonlyMap<string, string>;
}

interface Lookup {
  readonly provider: string;
  readonly path: string;
  readonly key: string;
}

export function hasPlaceholder(value: string | null | undefined): boolean {
  return typeof value === 'string' && new RegExp(PLACEHOLDER.source).test(value);
}

export class ConfigTransformer {
  /** No providers: any placeholder is an error, which says how to configure one. */
  static readonly NONE = new ConfigTransformer(new Map());

  readonly #providers: ReadonlyMap<string, ConfigProvider>;

  constructor(providers: ReadonlyMap<string, ConfigProvider>) {
    this.#providers = providers;
  }

  /** Resolves every placeholder it can; null values (the validate endpoint allows them) pass through. */
  transform<V extends string | null>(props: Readonly<Record<string, V>>): TransformResult<V> {
    const config: Record<string, V> = { ...props };
    const errors = new Map<string, string>();
    // one read per provider and path, however many keys refer to it
    const wanted = new Map<string, { provider: string; path: string; keys: Set<string> }>();
    for (const value of Object.values(props)) {
      for (const lookup of lookups(value)) {
        const id = `${lookup.provider}\u0000${lookup.path}`;
        let entry = wanted.get(id);
        if (!entry) wanted.set(id, (entry = { provider: lookup.provider, path: lookup.path, keys: new Set() }));
        entry.keys.add(lookup.key);
      }
    }
    if (wanted.size === 0) return { config, errors };

    const found = new Map<string, Map<string, string> | ConfigError>();
    for (const [id, { provider, path, keys }] of wanted) {
      const source = this.#providers.get(provider);
      if (!source) continue;
      try {
        found.set(id, source.get(path, keys));
      } catch (e) {
        found.set(id, e instanceof ConfigError ? e : new ConfigError((e as Error).message));
      }
    }

    for (const [name, value] of Object.entries(props)) {
      if (value === null) continue;
      const problems: string[] = [];
      const resolved = value.replace(PLACEHOLDER, (text, provider: string, path: string | undefined, key: string) => {
        const data = found.get(`${provider}\u0000${path ?? ''}`);
        const hit = data instanceof Map ? data.get(key) : undefined;
        if (hit !== undefined) return hit;
        problems.push(`Could not resolve ${text}: ${this.#why(provider, path ?? '', key, data)}`);
        return text;
      });
      if (problems.length > 0) errors.set(name, problems.join('; '));
      else config[name] = resolved as V;
    }
    return { config, errors };
  }

  /** The config with placeholders resolved; throws ConfigError naming every key that could not be. */
  resolve(props: Readonly<Record<string, string>>, what: string): Record<string, string> {
    const { config, errors } = this.transform(props);
    if (errors.size === 0) return config;
    const lines = [...errors].map(([key, message]) => `${key}: ${message}`);
    throw new ConfigError(`The configuration of ${what} has placeholders that cannot be resolved:\n${lines.join('\n')}`);
  }

  /**
   * Kafka's reverseTransform: configs a connector derived from its resolved config get the raw
   * placeholder back for every key whose raw value has one, so that task configs are stored (and
   * shown by `GET …/tasks`) without secrets.
   */
  reverseTransform(raw: Readonly<Record<string, string>>, derived: readonly Record<string, string>[]): Record<string, string>[] {
    const withPlaceholders = Object.entries(raw).filter(([, value]) => hasPlaceholder(value));
    return derived.map((config) => {
      const out = { ...config };
      for (const [key, value] of withPlaceholders) if (Object.hasOwn(out, key)) out[key] = value;
      return out;
    });
  }

  #why(provider: string, path: string, key: string, data: Map<string, string> | ConfigError | undefined): string {
    if (!this.#providers.has(provider)) {
      const names = [...this.#providers.keys()];
      const configured = names.length === 0 ? `${CONFIG_PROVIDERS_CONFIG} is not set` : `${CONFIG_PROVIDERS_CONFIG}=${names.join(',')}`;
      return (
        `no config provider named '${provider}' is configured on this worker (${configured}); ` +
        `add '${provider}' to ${CONFIG_PROVIDERS_CONFIG} ` +
        `and set ${CONFIG_PROVIDERS_CONFIG}.${provider}.class in the worker properties`
      );
    }
    if (data instanceof ConfigError) return data.message;
    return this.#providers.get(provider)!.missing(path, key);
  }
}

/** Resolved values shorter than this are too common to be told apart from other text in a message. */
const MIN_MASKED_LENGTH = 4;

/**
 * The validate answer as Kafka shows it for a stored config: keys with placeholders show the raw
 * placeholder, not what it resolved to, and any resolved value a validator quoted in a message is
 * replaced by its placeholder. PASSWORD values stay `[hidden]`.
 */
export function maskResolvedValues(
  infos: ConfigInfos,
  raw: Readonly<Record<string, string | null>>,
  resolved: Readonly<Record<string, string | null>>,
): ConfigInfos {
  const masked = Object.entries(raw).filter(([, value]) => hasPlaceholder(value)) as Array<[string, string]>;
  if (masked.length === 0) return infos;
  const rawByKey = new Map(masked);
  const secrets = masked
    .map(([key, placeholder]) => [resolved[key], placeholder] as const)
    .filter((pair): pair is readonly [string, string] => typeof pair[0] === 'string' && pair[0] !== pair[1] && pair[0].length >= MIN_MASKED_LENGTH)
    .sort(([a], [b]) => b.length - a.length);
  const clean = (text: string): string => secrets.reduce((t, [secret, placeholder]) => t.replaceAll(secret, placeholder), text);
  return {
    ...infos,
    configs: infos.configs.map(({ definition, value }) => {
      if (value === null) return { definition, value };
      const placeholder = rawByKey.get(value.name);
      const shown = placeholder !== undefined && value.value !== '[hidden]' && value.value !== null ? placeholder : value.value;
      return { definition, value: { ...value, value: shown, errors: value.errors.map(clean), recommended_values: value.recommended_values.map(clean) } };
    }),
  };
}

function lookups(value: string | null): Lookup[] {
  if (value === null || !value.includes('${')) return [];
  return [...value.matchAll(PLACEHOLDER)].map((m) => ({ provider: m[1], path: m[2] ?? '', key: m[3] }));
}
