/**
 * Renders ConfigDef keys and validation results into the REST entities of the validate endpoint
 * (Kafka's AbstractHerder.convertConfigKey / convertConfigValue / generateResult / prefixedConfigInfos /
 * mergeConfigInfos). Kept apart from the validation algorithm so `GET /connector-plugins/{p}/config`
 * renders keys exactly like validation does.
 */
import { ConfigType, formatValue, parseType, renderValue, type ConfigKey, type ConfigValue } from '../../plugin/index.js';
import type { ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo } from '../types.js';

/** A ConfigKey as `definition` (or as an item of the plugin config endpoint); `prefix` names embedded keys. */
export function convertConfigKey(key: ConfigKey, prefix = ''): ConfigKeyInfo {
  const required = key.defaultValue === undefined;
  return {
    name: prefix + key.name,
    type: key.type,
    required,
    default_value: required ? null : renderValue(parseType(key.name, key.defaultValue, key.type), key.type),
    importance: key.importance,
    documentation: key.documentation,
    group: key.group ?? null,
    width: key.width ?? 'NONE',
    display_name: key.displayName ?? key.name,
    dependents: [...(key.dependents ?? [])],
    order: key.orderInGroup ?? -1,
  };
}

/** A ConfigValue as `value`; `type` null for keys nobody defined (then Java's toString rendering). */
export function convertConfigValue(value: ConfigValue, type: ConfigType | null): ConfigValueInfo {
  const render = (v: unknown, t: ConfigType | null): string | null =>
    t === null ? (v === null || v === undefined ? null : formatValue(v)) : renderValue(v, t);
  const recommendedType = type === ConfigType.LIST ? ConfigType.STRING : type;
  return {
    name: value.name,
    value: render(value.value, type),
    recommended_values: value.recommendedValues.map((v) => render(v, recommendedType) ?? 'null'),
    errors: [...value.errors],
    visible: value.visible,
  };
}

/**
 * Kafka's generateResult: first the values no key defines (definition null), then one entry per defined
 * key in definition order (value null when nobody validated it). When several values share a name the
 * last one wins, which is how a plugin's own validation overrides the framework's for the same key.
 * `error_count` counts every error message.
 */
export function generateResult(
  connectorType: string,
  keys: ReadonlyMap<string, ConfigKey>,
  values: readonly ConfigValue[],
  groups: readonly string[],
): ConfigInfos {
  let errorCount = 0;
  const configs: ConfigInfo[] = [];
  const byName = new Map<string, ConfigValue>();
  for (const value of values) {
    byName.set(value.name, value);
    if (!keys.has(value.name)) {
      configs.push({ definition: null, value: convertConfigValue(value, null) });
      errorCount += value.errors.length;
    }
  }
  for (const [name, key] of keys) {
    const value = byName.get(name);
    if (value) errorCount += value.errors.length;
    configs.push({ definition: convertConfigKey(key), value: value ? convertConfigValue(value, key.type) : null });
  }
  return { name: connectorType, error_count: errorCount, groups: [...groups], configs };
}

/**
 * Kafka's prefixedConfigInfos, for the appended sections (client overrides, converters): one entry per
 * value, named with the prefix, with the key's definition when there is one. Unlike generateResult,
 * `error_count` counts entries that have errors, not messages (Kafka counts this way too).
 */
export function prefixedConfigInfos(keys: ReadonlyMap<string, ConfigKey>, values: readonly ConfigValue[], prefix: string): ConfigInfos {
  let errorCount = 0;
  const groups = new Set<string>();
  const configs: ConfigInfo[] = [];
  for (const value of values) {
    const key = keys.get(value.name);
    if (key?.group) groups.add(key.group);
    if (value.errors.length > 0) errorCount++;
    configs.push({
      definition: key ? convertConfigKey(key, prefix) : null,
      value: convertConfigValue({ ...value, name: prefix + value.name }, key ? key.type : null),
    });
  }
  return { name: '', error_count: errorCount, groups: [...groups], configs };
}

/** Kafka's mergeConfigInfos: sections concatenated in order, groups de-duplicated, counts summed. */
export function mergeConfigInfos(connectorType: string, ...sections: Array<ConfigInfos | null>): ConfigInfos {
  let errorCount = 0;
  const groups = new Set<string>();
  const configs: ConfigInfo[] = [];
  for (const section of sections) {
    if (!section) continue;
    errorCount += section.error_count;
    for (const group of section.groups) groups.add(group);
    configs.push(...section.configs);
  }
  return { name: connectorType, error_count: errorCount, groups: [...groups], configs };
}

/**
 * The 400 message of a create or update whose validation found errors (Kafka's maybeAddConfigErrors),
 * or null when there are none. Every message of every entry, in `configs` order.
 */
export function configErrorsMessage(infos: ConfigInfos): string | null {
  if (infos.error_count === 0) return null;
  const lines = [`Connector configuration is invalid and contains the following ${infos.error_count} error(s):`];
  for (const config of infos.configs) lines.push(...(config.value?.errors ?? []));
  lines.push('You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`');
  return lines.join('\n');
}
