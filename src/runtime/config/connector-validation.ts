/**
 * Connector config validation (Kafka's AbstractHerder.validateConnectorConfig), used by the validate
 * endpoint (200 with the ConfigInfos) and by create/update (400 when `error_count` > 0). Steps, in
 * Kafka's order (spec §5.1): framework sink keys enriched with transforms/predicates, sink cross-field
 * rules, null values, the plugin's own keys and validate(), converter sub-configs, client overrides.
 */
import {
  type ConfigDef,
  ConfigError,
  invalidValue,
  newConfigValue,
  parseType,
  type ConfigValue,
  type ConverterPlugin,
  type SinkConnectorPlugin,
  type Validator,
} from '../../plugin/index.js';
import { generateResult, mergeConfigInfos, prefixedConfigInfos } from './config-infos.js';
import {
  CONNECTOR_CLASS_CONFIG,
  CONNECTOR_VERSION_CONFIG,
  HEADER_CONVERTER_CLASS_CONFIG,
  HEADER_CONVERTER_VERSION_CONFIG,
  KEY_CONVERTER_CLASS_CONFIG,
  KEY_CONVERTER_VERSION_CONFIG,
  VALUE_CONVERTER_CLASS_CONFIG,
  VALUE_CONVERTER_VERSION_CONFIG,
  hasDlqTopic,
  sinkConnectorConfigDef,
  validateSinkTopics,
  type ClassKindChecks,
} from './connector-config.js';
import { enrich } from './transformation-config.js';
import { CLIENT_SECRETS_CONFIG_DEF, CONSUMER_CONFIG_DEF } from './connector-client-config.js';
import { maskResolvedValues, type ConfigTransformer } from './config-transformer.js';
import { BadRequestError } from '../errors.js';
import { PluginVersionMismatchError, checkPluginVersion } from './plugin-version.js';
import type { Plugins } from '../plugins.js';
import type { ConfigInfos } from '../types.js';

export type ConnectorProps = Readonly<Record<string, string | null>>;

export interface ValidationOptions {
  readonly plugins: Plugins;
  /**
   * The worker's `connector.client.config.override.policy` (class name or alias of All, None, Principal);
   * Kafka's default since 3.0 is All, which accepts every override.
   */
  readonly clientOverridePolicy?: string;
  /**
   * Resolves `${provider:path:key}` placeholders before validating (Kafka's WorkerConfigTransformer), so
   * that the plugin validates, and may connect with, the real values. Absent: values are taken literally.
   */
  readonly configTransformer?: ConfigTransformer;
  /**
   * The converters the worker gives connectors that name none (Kafka: key/value only when the worker
   * properties set them, the header converter always): the defaults shown for the converter keys.
   */
  readonly workerConverters?: WorkerConverters;
  /**
   * Connector classes that failed to load before (Kafka's CachedConnectors, kept by the herder): a repeated
   * failure is wrapped in a ConnectException, so its message gains the exception's class name in front.
   */
  readonly failedConnectorClasses?: Set<string>;
}

export interface WorkerConverters {
  readonly key: string | null;
  readonly value: string | null;
  readonly header: string | null;
}

const CONNECT_EXCEPTION = 'org.apache.kafka.connect.errors.ConnectException';

const NULL_VALUE_ERROR = 'Null value can not be supplied as the configuration value.';

/** Runs `fn`; a thrown error becomes Kafka's `<what>[: <message>]` text. */
function attempt<T>(fn: () => T, what: string): { ok: true; value: T } | { ok: false; message: string } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `${what}${message ? `: ${message}` : ''}` };
  }
}

/** Kafka's ConcreteSubClassValidator + InstantiableClassValidator for converter CLASS keys. */
function converterCheck(plugins: Plugins, header: boolean): Validator {
  const iface = header ? 'HeaderConverter' : 'Converter';
  return (name, value) => {
    // null: the class could not be found (already reported) or none was given
    if (value === null) return;
    const plugin = plugins.findConverter(value as string);
    if (!plugin || (header ? !plugin.isHeaderConverter : plugin.isConverter === false)) {
      throw new ConfigError(`Class class ${String(value)} does not implement the ${iface} interface`);
    }
    const created = attempt(() => plugin.create(), 'Could not instantiate class');
    if (!created.ok) throw invalidValue(name, value, created.message);
  };
}

export function classKindChecks(plugins: Plugins): ClassKindChecks {
  return {
    converter: converterCheck(plugins, false),
    headerConverter: converterCheck(plugins, true),
    notA: (kind, className) => `Class class ${className} does not implement the ${kind} interface`,
    component: (kind, classOrAlias) => (kind === 'Transformation' ? plugins.findTransformation(classOrAlias) : plugins.findPredicate(classOrAlias)),
    components: (kind) => (kind === 'Transformation' ? plugins.transformationClasses() : plugins.predicateClasses()),
  };
}

/**
 * Validates a connector config. Throws BadRequestError when `connector.class` is absent
 * (`Connector config {<keys>} contains no connector type`) or names no installed connector.
 */
export async function validateConnectorConfig(rawProps: ConnectorProps, options: ValidationOptions): Promise<ConfigInfos> {
  const { plugins } = options;
  // the answer shows the placeholders again; an unresolvable one is an error on its key
  const { config: props, errors: unresolved } = options.configTransformer?.transform(rawProps) ?? { config: rawProps, errors: new Map<string, string>() };
  const connectorClass = props[CONNECTOR_CLASS_CONFIG];
  if (connectorClass === undefined || connectorClass === null) {
    throw new BadRequestError(`Connector config ${describeProps(rawProps)} contains no connector type`);
  }
  const plugin = loadConnector(connectorClass, options);
  const parseOptions = { resolveClass: (c: string) => plugins.resolveClass(c) };
  const checks = classKindChecks(plugins);
  const installedVersion = plugin.version ?? 'undefined';
  const defaults = enrichedDefaults(installedVersion, props, options);

  try {
    checkPluginVersion(plugin.className, installedVersion, props[CONNECTOR_VERSION_CONFIG]);
  } catch (e) {
    if (!(e instanceof PluginVersionMismatchError)) throw new BadRequestError((e as Error).message);
    return invalidVersionedConnector(connectorClass, props, sinkConnectorConfigDef(checks, defaults), e, parseOptions);
  }

  const frameworkDef = enrich(sinkConnectorConfigDef(checks, defaults), props, checks);
  const framework = frameworkDef.validateAll(props, parseOptions);
  validateSinkTopics(props, framework);

  const connector = plugin.createConnector();
  const pluginDef = connector.config();
  let pluginValues = pluginDef.validateAll(props, parseOptions);
  if (connector.validate) pluginValues = await connector.validate(withoutNulls(props), pluginValues);

  // a plugin's value for a key overrides the framework's (the last value of a name wins in generateResult)
  const values: ConfigValue[] = [...framework.values(), ...pluginValues.values()];
  addNullValueErrors(props, values);
  addResolutionErrors(rawProps, unresolved, values);

  // before the result is generated: a converter that cannot be loaded, configured or matched to its
  // required version adds errors to the framework's class and version values, which must be counted
  const converter = (property: string, versionProperty: string, type: string, header: boolean): ConfigInfos | null =>
    validateConverterConfig(props, framework.get(property), framework.get(versionProperty), property, versionProperty, type, header, plugins);
  const headerConverter = converter(HEADER_CONVERTER_CLASS_CONFIG, HEADER_CONVERTER_VERSION_CONFIG, 'header', true);
  const keyConverter = converter(KEY_CONVERTER_CLASS_CONFIG, KEY_CONVERTER_VERSION_CONFIG, 'key', false);
  const valueConverter = converter(VALUE_CONVERTER_CLASS_CONFIG, VALUE_CONVERTER_VERSION_CONFIG, 'value', false);

  const keys = new Map(frameworkDef.keys);
  for (const [name, key] of pluginDef.keys) keys.set(name, key);
  const groups = [...new Set([...frameworkDef.groups(), ...pluginDef.groups()])];
  const main = generateResult(connectorClass, keys, values, groups);

  // sinks use a consumer always, and a producer and an admin client only for the dead letter queue
  const dlq = hasDlqTopic(props);
  const policy = overridePolicy(options.clientOverridePolicy);
  const producer = dlq ? validateClientOverrides(props, 'producer.override.', CLIENT_SECRETS_CONFIG_DEF, policy) : null;
  const consumer = validateClientOverrides(props, 'consumer.override.', CONSUMER_CONFIG_DEF, policy);
  const admin = dlq ? validateClientOverrides(props, 'admin.override.', CLIENT_SECRETS_CONFIG_DEF, policy) : null;

  const infos = mergeConfigInfos(connectorClass, main, producer, consumer, admin, headerConverter, keyConverter, valueConverter);
  return maskResolvedValues(infos, rawProps, props);
}

/** The connector plugin; an unknown class is a 400, and from its second failure on Kafka's wrapped message. */
function loadConnector(connectorClass: string, options: ValidationOptions): SinkConnectorPlugin {
  try {
    return options.plugins.connector(connectorClass);
  } catch (e) {
    const failed = options.failedConnectorClasses;
    if (!(e instanceof BadRequestError) || !failed) throw e;
    if (failed.has(connectorClass)) throw new BadRequestError(`${CONNECT_EXCEPTION}: ${e.message}`);
    failed.add(connectorClass);
    throw e;
  }
}

/**
 * Kafka 4.1's ConnectorConfig.enrichedConfigDef defaults: the connector's installed version; for each
 * converter key the worker's converter, and the version of the converter the connector will really use
 * (the one the connector config names, else the worker's).
 */
function enrichedDefaults(connectorVersion: string, props: ConnectorProps, options: ValidationOptions): Record<string, string | null> {
  const worker = options.workerConverters ?? { key: null, value: null, header: null };
  const defaults: Record<string, string | null> = { [CONNECTOR_VERSION_CONFIG]: connectorVersion };
  const converters = [
    [KEY_CONVERTER_CLASS_CONFIG, KEY_CONVERTER_VERSION_CONFIG, worker.key],
    [VALUE_CONVERTER_CLASS_CONFIG, VALUE_CONVERTER_VERSION_CONFIG, worker.value],
    [HEADER_CONVERTER_CLASS_CONFIG, HEADER_CONVERTER_VERSION_CONFIG, worker.header],
  ] as const;
  for (const [classKey, versionKey, configured] of converters) {
    const own = props[classKey] ?? null;
    // a worker converter that is not installed cannot be a default (the worker would fail on it anyway)
    const workerClass = configured !== null && options.plugins.findConverter(configured) ? configured : null;
    if (own === null && workerClass === null) continue;
    defaults[classKey] = workerClass;
    defaults[versionKey] = options.plugins.findConverter(own ?? workerClass ?? '')?.version ?? null;
  }
  return defaults;
}

/**
 * Kafka's invalidVersionedConnectorValidation: a `connector.plugin.version` the installed connector does
 * not satisfy ends validation after the framework keys, with the error on the class and the version keys
 * and the available versions recommended.
 */
function invalidVersionedConnector(
  connectorClass: string,
  props: ConnectorProps,
  def: ConfigDef,
  error: PluginVersionMismatchError,
  parseOptions: { resolveClass: (c: string) => string | undefined },
): ConfigInfos {
  const values = def.validateAll(props, parseOptions);
  values.get(CONNECTOR_CLASS_CONFIG)?.errors.push(error.message);
  const version = values.get(CONNECTOR_VERSION_CONFIG);
  if (version) {
    version.errors.push(error.message);
    version.recommendedValues = [...error.availableVersions];
  }
  const all = [...values.values()];
  addNullValueErrors(props, all);
  return generateResult(connectorClass, def.keys, all, [...def.groups()]);
}

function withoutNulls(props: ConnectorProps): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (v !== null) out[k] = v;
  return out;
}

/**
 * Every key given as null gets Kafka's null-value error, on the entry that will be shown for it (an entry
 * without definition when nobody defines the key). Kafka attaches it to the framework's entry, so for a
 * key the plugin defines the plugin's entry replaces it and the error is lost; we keep it, because a
 * null must never reach the store.
 */
function addNullValueErrors(props: ConnectorProps, values: ConfigValue[]): void {
  for (const [name, value] of Object.entries(props)) {
    if (value !== null) continue;
    const shown = values.findLast((v) => v.name === name);
    if (shown) shown.errors.push(NULL_VALUE_ERROR);
    else values.push({ ...newConfigValue(name), errors: [NULL_VALUE_ERROR] });
  }
}

/**
 * A placeholder that could not be resolved is the error of its key, replacing what validators said about
 * the literal `${…}` text (noise once the real cause is known). Keys nobody defines get an entry of their own.
 */
function addResolutionErrors(props: ConnectorProps, unresolved: ReadonlyMap<string, string>, values: ConfigValue[]): void {
  for (const [name, message] of unresolved) {
    const shown = values.findLast((v) => v.name === name);
    if (shown) shown.errors.splice(0, shown.errors.length, message);
    else values.push({ ...newConfigValue(name, props[name]), errors: [message] });
  }
}

/**
 * Kafka's validateConverterConfig (3.8+): when the connector config names a converter and that key has no
 * error, the converter's own ConfigDef is validated against the `<property>.`-prefixed keys, with
 * `converter.type` defaulting to key/value/header. Trouble getting there is added to the converter key.
 */
function validateConverterConfig(
  props: ConnectorProps,
  classValue: ConfigValue | undefined,
  versionValue: ConfigValue | undefined,
  property: string,
  versionProperty: string,
  converterType: string,
  header: boolean,
  plugins: Plugins,
): ConfigInfos | null {
  const given = props[property];
  if (given === undefined || given === null || !classValue || classValue.errors.length > 0 || (versionValue?.errors.length ?? 0) > 0) return null;
  const what = `${converterType} converter`;
  const plugin: ConverterPlugin | undefined = plugins.findConverter(classValue.value as string);
  if (!plugin || (header ? !plugin.isHeaderConverter : plugin.isConverter === false)) return null;
  try {
    checkPluginVersion(plugin.className, plugin.version, props[versionProperty]);
  } catch (e) {
    // KIP-891: a version the installed converter does not satisfy is an error on both keys
    const message = (e as Error).message;
    classValue.errors.push(message);
    versionValue?.errors.push(message);
    return null;
  }

  const created = attempt(() => plugin.create(), `Failed to load class ${given}`);
  if (!created.ok) return fail(classValue, created.message);
  const def = attempt((): ConfigDef => created.value.config(), `Failed to load ConfigDef from ${what}`);
  if (!def.ok) return fail(classValue, def.message);

  const prefix = `${property}.`;
  const converterProps: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) converterProps[k.slice(prefix.length)] = v;
  if (!Object.hasOwn(converterProps, 'converter.type')) converterProps['converter.type'] = converterType;

  const validated = attempt(() => def.value.validateAll(converterProps), `Failed to perform config validation for ${what}`);
  if (!validated.ok) return fail(classValue, validated.message);
  return prefixedConfigInfos(def.value.keys, [...validated.value.values()], prefix);
}

function fail(classValue: ConfigValue, message: string): null {
  classValue.errors.push(message);
  return null;
}

type OverridePolicy = { name: 'All' | 'None' | 'Principal'; allows(key: string): boolean };

const PRINCIPAL_KEYS = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

/** Kafka's ConnectorClientConfigOverridePolicy implementations, by class name or alias. */
export function overridePolicy(configured: string | undefined): OverridePolicy {
  const simple = (configured ?? 'All')
    .trim()
    .split('.')
    .pop()!
    .replace(/ConnectorClientConfigOverridePolicy$/, '');
  if (simple === 'None') return { name: 'None', allows: () => false };
  if (simple === 'Principal') return { name: 'Principal', allows: (key) => PRINCIPAL_KEYS.has(key) };
  return { name: 'All', allows: () => true };
}

/**
 * Kafka's validateClientOverrides: one entry per `<prefix><key>` the connector config sets, with the
 * policy's verdict. Keys the client ConfigDef defines are parsed to its type and shown with its definition
 * (a value that does not parse is an error here; Kafka answers 500); other keys have `definition: null`.
 * Only the consumer keys this worker honours are defined (CONSUMER_CONFIG_DEF).
 */
function validateClientOverrides(props: ConnectorProps, prefix: string, def: ConfigDef, policy: OverridePolicy): ConfigInfos {
  const values: ConfigValue[] = [];
  for (const [key, raw] of Object.entries(props)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    const configValue = newConfigValue(name, raw);
    const type = def.keys.get(name)?.type;
    if (type) {
      try {
        configValue.value = parseType(key, raw, type);
      } catch (e) {
        configValue.value = null;
        configValue.errors.push((e as Error).message);
      }
    }
    if (!policy.allows(name)) {
      configValue.errors.push(`The '${policy.name}' policy does not allow '${name}' to be overridden in the connector configuration.`);
    }
    values.push(configValue);
  }
  return prefixedConfigInfos(def.keys, values, prefix);
}

/**
 * A connector config in Kafka's "contains no connector type" message. Kafka prints the whole map with its
 * values (`{k=v, …}`), secrets included; without a connector class nothing says which keys are secret,
 * so only the keys are printed: `{name, topics, token}`.
 */
function describeProps(props: ConnectorProps): string {
  return `{${Object.keys(props).join(', ')}}`;
}
