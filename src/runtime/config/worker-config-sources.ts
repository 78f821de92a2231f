import { readFileSync } from 'node:fs';
import { parse as parseProperties } from 'dot-properties';
import { ConfigError } from '../../plugin/index.js';

/** Worker settings come from a properties file and from `CONNECT_*` variables, which win. */
export const ENV_PREFIX = 'CONNECT_';

/** Where each key's value came from, for error messages (`in worker.properties`, `from CONNECT_X`). */
export type ConfigSources = Record<string, string>;

/**
 * Reads a Java `.properties` file (`#`/`!` comments, `=`, `:` or whitespace separators, `\` line
 * continuations, `\uXXXX` escapes) as Kafka's `Utils.loadProps` does.
 */
export function readPropertiesFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read the properties file ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseProperties(text) as Record<string, string>;
}

/**
 * The environment variable for a key, the Confluent-image way: upper case, `.` → `_`, and `_` and
 * `-` (rare in keys) escaped as `__` and `___` so the mapping can be reversed.
 */
export function envNameForKey(key: string): string {
  return ENV_PREFIX + key.replaceAll('_', '__').replaceAll('-', '___').replaceAll('.', '_').toUpperCase();
}

/** The reverse of `envNameForKey` for a variable no known key maps to: lower case, `_` → `.`, `__` → `_`, `___` → `-`. */
export function keyForEnvName(name: string): string {
  return name.slice(ENV_PREFIX.length).toLowerCase().replaceAll('_', '.').replaceAll('...', '-').replaceAll('..', '_');
}

/**
 * The `CONNECT_*` variables of `env` as worker properties. Known keys are matched exactly (so the
 * mapping never depends on lower-casing); any other variable is mapped as the Confluent images do.
 */
export function propertiesFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  knownKeys: Iterable<string>,
): { props: Record<string, string>; sources: ConfigSources } {
  const known = new Map<string, string>();
  for (const key of knownKeys) known.set(envNameForKey(key), key);
  const props: Record<string, string> = {};
  const sources: ConfigSources = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith(ENV_PREFIX) || name === ENV_PREFIX || value === undefined) continue;
    const key = known.get(name) ?? keyForEnvName(name);
    props[key] = value;
    sources[key] = `from environment variable ${name}`;
  }
  return { props, sources };
}
