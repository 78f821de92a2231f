/**
 * The `transforms.<alias>.*` and `predicates.<alias>.*` keys of a connector config (Kafka's
 * ConnectorConfig.enrich and transformationStages): per alias its `type` and `plugin.version`, and for
 * an installed class its own keys embedded under the prefix (a transformation's with `predicate` and
 * `negate` first), in Kafka's order and groups; and the stages the worker builds from them.
 */
import {
  ConfigDef,
  ConfigError,
  ConfigType,
  Importance,
  invalidValue,
  parseType,
  Width,
  type ConfigKey,
  type PredicatePlugin,
  type TransformationPlugin,
  type Validator,
} from '../../plugin/index.js';
import { PREDICATES_GROUP, TRANSFORMS_GROUP, type ClassKindChecks } from './connector-config.js';
import { InvalidVersionSpecError, pluginVersionValidator, versionRequirement } from './plugin-version.js';

export const TRANSFORMS_CONFIG = 'transforms';
export const PREDICATES_CONFIG = 'predicates';
export const PREDICATE_CONFIG = 'predicate';
export const NEGATE_CONFIG = 'negate';
const TYPE_CONFIG = 'type';
const PLUGIN_VERSION_CONFIG = 'plugin.version';

type Kind = 'Transformation' | 'Predicate';
type Props = Readonly<Record<string, string | null>>;

const IMPORTANCE_ORDER = { HIGH: 0, MEDIUM: 1, LOW: 2 } as const;

/** The keys every transformation takes besides its own (Kafka's implicit `predicate` and `negate`). */
function implicitKeys(predicateAliases: readonly string[], prefix: string): ConfigKey[] {
  return [
    {
      name: PREDICATE_CONFIG,
      type: ConfigType.STRING,
      defaultValue: null,
      // not in Kafka, which fails the task at start instead: a predicate alias must be one of `predicates`
      validator: (_name, value) => {
        if (value !== null && !predicateAliases.includes(value as string)) {
          throw invalidValue(
            `${prefix}${PREDICATE_CONFIG}`,
            value,
            `there is no predicate '${String(value)}' in '${PREDICATES_CONFIG}' [${predicateAliases.join(', ')}]`,
          );
        }
      },
      importance: Importance.MEDIUM,
      documentation: 'The alias of a predicate used to determine whether to apply this transformation.',
    },
    {
      name: NEGATE_CONFIG,
      type: ConfigType.BOOLEAN,
      defaultValue: false,
      importance: Importance.MEDIUM,
      documentation: 'Whether the configured predicate should be negated.',
    },
  ];
}

/** Kafka's ConfigDef.sortedConfigs for a plugin's keys: by group and order, then required first, importance, name. */
function sortedKeys(keys: readonly ConfigKey[]): ConfigKey[] {
  const groups = [...new Set(keys.map((k) => k.group).filter((g): g is string => !!g))];
  return [...keys].sort((a, b) => {
    const ga = a.group ? groups.indexOf(a.group) : -1;
    const gb = b.group ? groups.indexOf(b.group) : -1;
    if (ga !== gb) return ga - gb;
    const oa = a.orderInGroup ?? -1;
    const ob = b.orderInGroup ?? -1;
    if (oa !== ob) return oa - ob;
    const ra = a.defaultValue === undefined;
    const rb = b.defaultValue === undefined;
    if (ra !== rb) return ra ? -1 : 1;
    if (a.importance !== b.importance) return IMPORTANCE_ORDER[a.importance] - IMPORTANCE_ORDER[b.importance];
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/** Kafka's ConfigDef.embed: the keys under `prefix`, in `group`, ordered from `from`; validators see the unprefixed name. */
function embedded(keys: readonly ConfigKey[], prefix: string, group: string, from: number): ConfigKey[] {
  return sortedKeys(keys).map((key, i) => {
    const validator: Validator | undefined = key.validator && ((name, value) => key.validator!(name.slice(prefix.length), value));
    return {
      ...key,
      name: prefix + key.name,
      displayName: key.displayName ?? key.name,
      group: key.group ? `${group}: ${key.group}` : group,
      orderInGroup: from + i,
      ...(validator ? { validator } : {}),
      ...(key.dependents ? { dependents: key.dependents.map((d) => prefix + d) } : {}),
    };
  });
}

/** The props under `prefix`, prefix stripped, without the framework's own keys of the alias. */
function ownProps(props: Props, prefix: string, framework: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === null || !k.startsWith(prefix)) continue;
    const name = k.slice(prefix.length);
    if (!framework.includes(name)) out[name] = v;
  }
  return out;
}

function aliasesOf(props: Props, config: string): string[] {
  return [...new Set((parseType(config, props[config], ConfigType.LIST) as string[] | null) ?? [])];
}

/** Kafka 4.1's message when the installed version is outside `plugin.version` (a VersionedPluginLoadingException). */
function versionMismatch(plugin: TransformationPlugin | PredicatePlugin, requirement: string | null | undefined): string | null {
  let range: ReturnType<typeof versionRequirement>;
  try {
    range = versionRequirement(requirement);
  } catch (error) {
    if (error instanceof InvalidVersionSpecError) return null;
    throw error;
  }
  if (range === null || range.contains(plugin.version)) return null;
  return `Plugin ${plugin.className} not found that matches the version range ${range.toString()}, available versions: [${plugin.version}]`;
}

/**
 * Kafka's ConnectorConfig.enrich(…, requireFullConfig=false): for each distinct alias of `transforms` and
 * `predicates`, its `type` and `plugin.version` keys and, when the type is an installed class of the
 * right kind in the required version, that class's keys. Beyond Kafka, which only finds out when the
 * task starts, a transformation's `predicate` must name an alias of `predicates`, and a class whose keys
 * are valid one by one must also accept them together (its configure() runs; its refusal is an error on
 * the `type` key).
 */
export function enrich(base: ConfigDef, props: Props, checks: ClassKindChecks): ConfigDef {
  const keys: ConfigKey[] = [];
  const predicateAliases = aliasesOf(props, PREDICATES_CONFIG);
  for (const [config, kind, groupName] of [
    [TRANSFORMS_CONFIG, 'Transformation', TRANSFORMS_GROUP],
    [PREDICATES_CONFIG, 'Predicate', PREDICATES_GROUP],
  ] as const) {
    for (const alias of aliasesOf(props, config)) {
      const prefix = `${config}.${alias}.`;
      const group = `${groupName}: ${alias}`;
      const given = props[`${prefix}${TYPE_CONFIG}`];
      const plugin = given === null || given === undefined ? undefined : checks.component(kind, given.trim());
      const mismatch = plugin ? versionMismatch(plugin, props[`${prefix}${PLUGIN_VERSION_CONFIG}`]) : null;
      const own = plugin && mismatch === null ? ownKeys(plugin, kind, predicateAliases, prefix) : null;
      keys.push(
        {
          name: `${prefix}${TYPE_CONFIG}`,
          type: ConfigType.CLASS,
          validator: (_name, value) => {
            if (kind === 'Transformation') checkNegateHasPredicate(props, prefix);
            // null: the class could not be found, already reported
            if (value === null) return;
            if (!plugin) throw new ConfigError(checks.notA(kind, value as string));
            if (mismatch !== null) throw new ConfigError(mismatch);
            if (own instanceof Error) throw new ConfigError(`Error getting config definition from ${kind}: ${own.message}`);
            if (own) checkConfigures(plugin, own, props, prefix, kind);
          },
          importance: Importance.HIGH,
          documentation: `Class for the '${alias}' ${kind.toLowerCase()}.`,
          group,
          orderInGroup: 0,
          width: Width.LONG,
          displayName: `${kind} type for ${alias}`,
          recommendedValues: checks.components(kind),
        },
        {
          name: `${prefix}${PLUGIN_VERSION_CONFIG}`,
          type: ConfigType.STRING,
          defaultValue: plugin?.version ?? null,
          validator: (name, value) => {
            pluginVersionValidator()(name, value);
            // the default (the installed version, checked when the key is defined) always matches
            if (mismatch !== null && value !== plugin?.version) throw new ConfigError(mismatch);
          },
          importance: Importance.HIGH,
          documentation: `Version of the '${alias}' ${kind.toLowerCase()}.`,
          group,
          orderInGroup: 1,
          width: Width.LONG,
          displayName: `${kind} version for ${alias}`,
          recommendedValues: plugin ? [plugin.version] : [],
        },
      );
      if (own && !(own instanceof Error)) keys.push(...embedded(own, prefix, group, 2));
    }
  }
  return base.withKeys(keys);
}

/** The keys of an installed class, the implicit ones first for a transformation; an Error when it cannot say. */
function ownKeys(plugin: TransformationPlugin | PredicatePlugin, kind: Kind, predicateAliases: readonly string[], prefix: string): ConfigKey[] | Error {
  let keys: ConfigKey[];
  try {
    keys = [...plugin.create().config().keys.values()];
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  if (kind === 'Predicate') return keys;
  // the implicit keys mask any of the transformation's own of the same name, as in Kafka
  return [...implicitKeys(predicateAliases, prefix), ...keys.filter((k) => k.name !== PREDICATE_CONFIG && k.name !== NEGATE_CONFIG)];
}

/** A class whose keys validate one by one must also take them together (InsertField with no field to insert does not). */
function checkConfigures(plugin: TransformationPlugin | PredicatePlugin, keys: readonly ConfigKey[], props: Props, prefix: string, kind: Kind): void {
  const framework = kind === 'Transformation' ? [TYPE_CONFIG, PLUGIN_VERSION_CONFIG, PREDICATE_CONFIG, NEGATE_CONFIG] : [TYPE_CONFIG, PLUGIN_VERSION_CONFIG];
  const own = ownProps(props, prefix, framework);
  const def = new ConfigDef(keys.filter((k) => !framework.includes(k.name)));
  // a key with errors of its own is reported there
  for (const value of def.validateAll(own).values()) if (value.errors.length > 0) return;
  try {
    const instance = plugin.create();
    instance.configure(own);
    instance.close?.();
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

function checkNegateHasPredicate(props: Props, prefix: string): void {
  const negate = `${prefix}${NEGATE_CONFIG}`;
  const predicate = `${prefix}${PREDICATE_CONFIG}`;
  if (Object.hasOwn(props, negate) && !Object.hasOwn(props, predicate)) {
    throw new ConfigError(`Config '${negate}' was provided but there is no config '${predicate}' defining a predicate to be negated.`);
  }
}

/** One stage of the chain as the config describes it (Kafka's TransformationStage before instantiation). */
export interface StageSpec {
  readonly alias: string;
  readonly transformation: TransformationPlugin;
  readonly props: Readonly<Record<string, string>>;
  readonly predicate: { readonly alias: string; readonly plugin: PredicatePlugin; readonly props: Readonly<Record<string, string>> } | null;
  readonly negate: boolean;
}

/**
 * Kafka's ConnectorConfig.transformationStages for a validated config: the stages in `transforms` order.
 * Throws ConfigError naming the alias when a class is missing or of the wrong kind, or a predicate alias
 * is not defined (a config stored before validation knew transformations).
 */
export function transformationStageSpecs(props: Props, checks: Pick<ClassKindChecks, 'component'>): StageSpec[] {
  const predicateAliases = new Set(aliasesOf(props, PREDICATES_CONFIG));
  const transformAliases = (parseType(TRANSFORMS_CONFIG, props[TRANSFORMS_CONFIG], ConfigType.LIST) as string[] | null) ?? [];
  return transformAliases.map((alias) => {
    const prefix = `${TRANSFORMS_CONFIG}.${alias}.`;
    const transformation = component(props, prefix, 'Transformation', checks) as TransformationPlugin;
    const predicateAlias = props[`${prefix}${PREDICATE_CONFIG}`]?.trim() || null;
    let predicate: StageSpec['predicate'] = null;
    if (predicateAlias !== null) {
      if (!predicateAliases.has(predicateAlias)) {
        throw new ConfigError(`Transformation '${alias}' names the predicate '${predicateAlias}', which is not one of '${PREDICATES_CONFIG}'`);
      }
      const predicatePrefix = `${PREDICATES_CONFIG}.${predicateAlias}.`;
      predicate = {
        alias: predicateAlias,
        plugin: component(props, predicatePrefix, 'Predicate', checks) as PredicatePlugin,
        props: ownProps(props, predicatePrefix, [TYPE_CONFIG, PLUGIN_VERSION_CONFIG]),
      };
    }
    return {
      alias,
      transformation,
      props: ownProps(props, prefix, [TYPE_CONFIG, PLUGIN_VERSION_CONFIG, PREDICATE_CONFIG, NEGATE_CONFIG]),
      predicate,
      negate: props[`${prefix}${NEGATE_CONFIG}`]?.trim().toLowerCase() === 'true',
    };
  });
}

function component(props: Props, prefix: string, kind: Kind, checks: Pick<ClassKindChecks, 'component'>): TransformationPlugin | PredicatePlugin {
  const type = props[`${prefix}${TYPE_CONFIG}`]?.trim();
  if (!type) throw new ConfigError(`Missing required configuration "${prefix}${TYPE_CONFIG}" which has no default value.`);
  const plugin = checks.component(kind, type);
  if (!plugin) throw new ConfigError(`Invalid value ${type} for configuration ${prefix}${TYPE_CONFIG}: no ${kind.toLowerCase()} of that class is installed`);
  return plugin;
}
