import { readFileSync } from 'node:fs';
import { parse as parseProperties } from 'dot-properties';
import { isLosslessNumber, parse as parseJson } from 'lossless-json';
import { ConfigError } from '../../plugin/index.js';
import { AlreadyExistsError } from '../errors.js';
import { connectorName } from '../config/connector-name.js';
import type { Herder } from './herder.js';
import type { CreateConnectorRequest } from '../types.js';

type InitialState = NonNullable<CreateConnectorRequest['initial_state']>;
const INITIAL_STATES: readonly InitialState[] = ['RUNNING', 'PAUSED', 'STOPPED'];

/** A connector named on the command line, as Kafka's ConnectStandalone reads it. */
export interface ConnectorFile {
  readonly name: string;
  readonly config: Record<string, string | null>;
  /** only from the JSON `{name, config, initial_state}` form; applies only when the connector is created */
  readonly initialState?: InitialState;
}

function missingName(path: string): ConfigError {
  return new ConfigError(`Connector configuration at '${path}' is missing the mandatory 'name' configuration`);
}

/** The file's name under the rule of every other path (connector-name.ts); its config says the same name. */
function named(path: string, file: ConnectorFile): ConnectorFile {
  let name: string;
  try {
    name = connectorName(file.name);
  } catch (e) {
    throw new ConfigError(`Connector configuration at '${path}' has an invalid name: ${(e as Error).message}`, { cause: e });
  }
  return name === file.name ? file : { ...file, name, config: { ...file.config, name } };
}

/** Jackson binds JSON scalars into Map<String, String> as their text; objects and arrays are refused. */
function toConfigValue(path: string, key: string, value: unknown): string | null {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  // lossless-json keeps the digits as written, so 12345678901234567890 stays exact
  if (isLosslessNumber(value)) return value.toString();
  throw new ConfigError(`Connector configuration at '${path}' has a non-scalar value for '${key}': config values must be strings`);
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'boolean'].includes(typeof value) || isLosslessNumber(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

function fromJson(path: string, json: unknown): ConnectorFile {
  if (!isPlainObject(json)) throw new ConfigError(`Connector configuration at '${path}' must be a JSON object`);
  if (Object.values(json).every(isScalar)) {
    // a flat config map, as the body of PUT /connectors/{name}/config
    const config = Object.fromEntries(Object.entries(json).map(([k, v]) => [k, toConfigValue(path, k, v)]));
    if (typeof config.name !== 'string') throw missingName(path);
    return { name: config.name, config };
  }
  if (!isPlainObject(json.config)) {
    throw new ConfigError(`Connector configuration at '${path}' must be a flat map of strings or an object {"name": …, "config": {…}}`);
  }
  // the body of POST /connectors
  const config = Object.fromEntries(Object.entries(json.config).map(([k, v]) => [k, toConfigValue(path, k, v)]));
  const name = typeof json.name === 'string' ? json.name : config.name;
  if (typeof name !== 'string') throw missingName(path);
  if (config.name === undefined) config.name = name;
  else if (config.name !== name) {
    throw new ConfigError(`Connector name configuration in 'config' doesn't match the one specified in 'name' at '${path}'`);
  }
  if (json.initial_state === undefined || json.initial_state === null) return { name, config };
  const initialState = String(json.initial_state).toUpperCase() as InitialState;
  if (!INITIAL_STATES.includes(initialState)) {
    throw new ConfigError(
      `Connector configuration at '${path}' has the initial_state '${String(json.initial_state)}'; use one of ${INITIAL_STATES.join(', ')}`,
    );
  }
  return { name, config, initialState };
}

/**
 * Parses a connector file: a JSON flat map, a JSON `{name, config, initial_state?}` request, or a Java
 * properties file (Kafka 3.9's ConnectStandalone accepts the same three). A `.json` file must be JSON;
 * other files are read as JSON when they look like it, else as properties.
 */
export function parseConnectorFile(path: string, text: string): ConnectorFile {
  const looksLikeJson = text.trimStart().startsWith('{');
  if (path.toLowerCase().endsWith('.json') || looksLikeJson) {
    let json: unknown;
    try {
      json = parseJson(text);
    } catch (e) {
      if (path.toLowerCase().endsWith('.json')) {
        throw new ConfigError(`Connector configuration at '${path}' is not valid JSON: ${(e as Error).message}`, { cause: e });
      }
    }
    if (json !== undefined) return named(path, fromJson(path, json));
  }
  const config = parseProperties(text) as Record<string, string>;
  if (typeof config.name !== 'string') throw missingName(path);
  return named(path, { name: config.name, config });
}

export function readConnectorFile(path: string): ConnectorFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read the connector configuration file ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseConnectorFile(path, text);
}

/**
 * Creates the connector, or updates it when the store already has it (Kafka's standalone store is in
 * memory, ours survives restarts, so restarting with the same files must not fail). `initial_state`
 * applies only to a creation, as on POST /connectors. Returns whether it was created.
 */
export async function applyConnectorFile(herder: Herder, file: ConnectorFile): Promise<{ created: boolean }> {
  if (file.initialState !== undefined) {
    try {
      await herder.createConnector({ name: file.name, config: file.config, initial_state: file.initialState });
      return { created: true };
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
    }
  }
  const { created } = await herder.putConnectorConfig(file.name, file.config);
  return { created };
}
