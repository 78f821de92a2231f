import type { ConverterPlugin, PluginLogger, PredicatePlugin, SinkConnectorPlugin, TransformationPlugin } from '../plugin/index.js';
import { convertConfigKey } from './config/config-infos.js';
import { sinkConnectorConfigDefFor } from './config/connector-config.js';
import { checkPluginVersion } from './config/plugin-version.js';
import { BadRequestError, NotFoundError } from './errors.js';
import type { ConfigKeyInfo, ConnectorType, PluginInfo } from './types.js';

export interface PluginsOptions {
  connectors: readonly SinkConnectorPlugin[];
  converters: readonly ConverterPlugin[];
  transformations?: readonly TransformationPlugin[];
  predicates?: readonly PredicatePlugin[];
  /** the modules these plugins were loaded from (see `Plugins.load`); none when they were handed in as objects */
  modules?: readonly PluginModule[];
}

/**
 * A module that exports plugin descriptors (connector, converter, transformation or predicate plugins, or arrays of
 * them) under the names in `exports`. What a class name is to Kafka's plugin path, this is here: tasks
 * run in task threads, each with a module graph of its own, which find the same plugin classes by
 * importing the same modules again.
 */
export interface PluginModule {
  /** an absolute module URL (`import.meta.url` of the module itself is the robust choice) */
  readonly url: string;
  readonly exports: readonly string[];
}

type Registered =
  | { readonly kind: 'connector'; readonly plugin: SinkConnectorPlugin }
  | { readonly kind: 'converter'; readonly plugin: ConverterPlugin }
  | { readonly kind: 'transformation'; readonly plugin: TransformationPlugin }
  | { readonly kind: 'predicate'; readonly plugin: PredicatePlugin };

type AnyPlugin = Registered['plugin'];

/** Kafka reports "no version" as this string internally and omits it from PluginInfo. */
const UNDEFINED_VERSION = 'undefined';

/** Java's Class.getSimpleName: a nested class (`Cast$Value`) is known by its own name (`Value`). */
function simpleName(className: string): string {
  const name = className.slice(className.lastIndexOf('.') + 1);
  return name.slice(name.lastIndexOf('$') + 1);
}

/** Kafka's PluginUtils.prunedName: the simple name without its type suffix (`MilvusSinkConnector` → `MilvusSink`). */
function prunedName(className: string, suffix: string): string {
  const simple = simpleName(className);
  const pos = simple.lastIndexOf(suffix);
  return pos > 0 ? simple.slice(0, pos) : simple;
}

function byClassName<T extends { className: string }>(a: T, b: T): number {
  return a.className < b.className ? -1 : a.className > b.className ? 1 : 0;
}

/** Kafka's PluginDesc.toString, as listed in "available connectors are: …". */
function describe(plugin: AnyPlugin, type: string): string {
  const version = plugin.version ?? UNDEFINED_VERSION;
  return (
    `PluginDesc{klass=class ${plugin.className}, name='${plugin.className}', version='${version}', ` +
    `encodedVersion=${version}, type=${type}, typeName='${type}', location='classpath'}`
  );
}

function isConnectorPlugin(value: unknown): value is SinkConnectorPlugin {
  return typeof value === 'object' && value !== null && typeof (value as SinkConnectorPlugin).createTask === 'function';
}

function isComponentPlugin(value: unknown, kind: 'transformation' | 'predicate'): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

function isConverterPlugin(value: unknown): value is ConverterPlugin {
  return typeof value === 'object' && value !== null && typeof (value as ConverterPlugin).create === 'function';
}

/**
 * The plugin registry (Kafka's Plugins + DelegatingClassLoader aliases). main.ts loads the plugin modules;
 * a class is found by its full name or by an alias: its simple name, its simple name without the type
 * suffix (`Connector`, `Converter`, `HeaderConverter`), or an alias the plugin declares (`MilvusSink`).
 * An alias shared by two plugins is dropped, as in Kafka, so it can never pick the wrong one.
 */
export class Plugins {
  readonly #connectors: readonly SinkConnectorPlugin[];
  readonly #converters: readonly ConverterPlugin[];
  readonly #transformations: readonly TransformationPlugin[];
  readonly #predicates: readonly PredicatePlugin[];
  readonly #byClass = new Map<string, Registered>();
  readonly #aliases = new Map<string, string>();
  /** where the plugins came from, for the task threads: they load the same modules */
  readonly modules: readonly PluginModule[];

  /**
   * The registry of the plugins exported by `modules`, which it imports. Plugins built this way can run
   * tasks: a task thread imports the same modules and finds the same classes.
   */
  static async load(modules: readonly PluginModule[]): Promise<Plugins> {
    const connectors: SinkConnectorPlugin[] = [];
    const converters: ConverterPlugin[] = [];
    const transformations: TransformationPlugin[] = [];
    const predicates: PredicatePlugin[] = [];
    for (const module of modules) {
      const exported = (await import(module.url)) as Record<string, unknown>;
      for (const name of module.exports) {
        const value = exported[name];
        if (value === undefined) throw new Error(`The plugin module ${module.url} has no export named ${name}`);
        for (const plugin of Array.isArray(value) ? value : [value]) {
          if (isConnectorPlugin(plugin)) connectors.push(plugin);
          else if (isComponentPlugin(plugin, 'transformation')) transformations.push(plugin as TransformationPlugin);
          else if (isComponentPlugin(plugin, 'predicate')) predicates.push(plugin as PredicatePlugin);
          else if (isConverterPlugin(plugin)) converters.push(plugin);
          else throw new Error(`The export ${name} of ${module.url} is no connector, converter, transformation or predicate plugin`);
        }
      }
    }
    return new Plugins({ connectors, converters, transformations, predicates, modules });
  }

  constructor(options: PluginsOptions) {
    this.modules = options.modules ?? [];
    this.#connectors = [...options.connectors].sort(byClassName);
    this.#converters = [...options.converters].sort(byClassName);
    this.#transformations = [...(options.transformations ?? [])].sort(byClassName);
    this.#predicates = [...(options.predicates ?? [])].sort(byClassName);
    for (const plugin of this.#connectors) this.#register({ kind: 'connector', plugin });
    for (const plugin of this.#converters) this.#register({ kind: 'converter', plugin });
    for (const plugin of this.#transformations) this.#register({ kind: 'transformation', plugin });
    for (const plugin of this.#predicates) this.#register({ kind: 'predicate', plugin });

    const candidates = new Map<string, Set<string>>();
    const add = (alias: string, className: string): void => {
      if (alias === className) return;
      const set = candidates.get(alias) ?? new Set<string>();
      candidates.set(alias, set.add(className));
    };
    for (const p of this.#connectors) {
      for (const alias of [simpleName(p.className), prunedName(p.className, 'Connector'), ...p.aliases]) add(alias, p.className);
    }
    for (const p of this.#converters) {
      const suffixes = p.isHeaderConverter ? ['Converter', 'HeaderConverter'] : ['Converter'];
      const names = [simpleName(p.className), ...suffixes.map((s) => prunedName(p.className, s)), ...p.aliases];
      for (const alias of names) add(alias, p.className);
    }
    for (const [plugins, suffix] of [
      [this.#transformations, 'Transformation'],
      [this.#predicates, 'Predicate'],
    ] as const) {
      for (const p of plugins) for (const alias of [simpleName(p.className), prunedName(p.className, suffix), ...p.aliases]) add(alias, p.className);
    }
    for (const [alias, classes] of candidates) if (classes.size === 1) this.#aliases.set(alias, [...classes][0]);
  }

  /** Gives every connector plugin that asks for them the worker's named loggers (SinkConnectorPlugin.routeLogs), in this thread. */
  routeLogs(logger: (name: string) => PluginLogger): void {
    for (const plugin of this.#connectors) plugin.routeLogs?.(logger);
  }

  #register(entry: Registered): void {
    if (this.#byClass.has(entry.plugin.className)) throw new Error(`Plugin class ${entry.plugin.className} is registered twice`);
    this.#byClass.set(entry.plugin.className, entry);
  }

  #lookup(classOrAlias: string): Registered | undefined {
    return this.#byClass.get(classOrAlias) ?? this.#byClass.get(this.#aliases.get(classOrAlias) ?? '');
  }

  /** The full class name of any installed plugin, by class name or alias (how CLASS config values load). */
  resolveClass(classOrAlias: string): string | undefined {
    return this.#lookup(classOrAlias)?.plugin.className;
  }

  /** The connector plugin, or undefined when none matches (see `connector` for the rules). */
  findConnector(classOrAlias: string): SinkConnectorPlugin | undefined {
    try {
      return this.connector(classOrAlias);
    } catch {
      return undefined;
    }
  }

  /**
   * The connector plugin for a `connector.class` value (Kafka's Plugins.connectorClass): the class or an
   * alias, else any connector whose simple name is the value or the value + `Connector`.
   * Unknown or ambiguous: BadRequestError with Kafka's text (Kafka answers 500; 400 is our deviation).
   */
  connector(classOrAlias: string): SinkConnectorPlugin {
    const found = this.#lookup(classOrAlias);
    if (found?.kind === 'connector') return found.plugin;
    const matches = this.#connectors.filter((p) => {
      const simple = simpleName(p.className);
      return simple === classOrAlias || simple === `${classOrAlias}Connector`;
    });
    const available = this.#connectors.map((p) => describe(p, p.type)).join(', ');
    if (matches.length === 0) {
      throw new BadRequestError(
        `Failed to find any class that implements Connector and which name matches ${classOrAlias}, available connectors are: ${available}`,
      );
    }
    if (matches.length > 1) {
      throw new BadRequestError(
        `More than one connector matches alias ${classOrAlias}. Please use full package and class name instead. Classes found: ${available}`,
      );
    }
    return matches[0];
  }

  /** `sink` for an installed connector class, `unknown` otherwise (ConnectorInfo.type). */
  connectorType(connectorClass: string | null | undefined): ConnectorType {
    return connectorClass != null && this.findConnector(connectorClass) ? 'sink' : 'unknown';
  }

  findConverter(classOrAlias: string): ConverterPlugin | undefined {
    const found = this.#lookup(classOrAlias);
    return found?.kind === 'converter' ? found.plugin : undefined;
  }

  /** The converter plugin for a `*.converter` value; BadRequestError with Kafka's text when none. */
  converter(classOrAlias: string): ConverterPlugin {
    const found = this.findConverter(classOrAlias);
    if (found) return found;
    const available = this.#converters.map((p) => describe(p, 'converter')).join(', ');
    throw new BadRequestError(
      `Failed to find any class that implements Converter and which name matches ${classOrAlias}, available converters are: ${available}`,
    );
  }

  /** The transformation plugin for a `transforms.<alias>.type` value (class name or alias), if installed. */
  findTransformation(classOrAlias: string): TransformationPlugin | undefined {
    const found = this.#lookup(classOrAlias);
    return found?.kind === 'transformation' ? found.plugin : undefined;
  }

  /** The predicate plugin for a `predicates.<alias>.type` value (class name or alias), if installed. */
  findPredicate(classOrAlias: string): PredicatePlugin | undefined {
    const found = this.#lookup(classOrAlias);
    return found?.kind === 'predicate' ? found.plugin : undefined;
  }

  /** Every installed transformation, by class name (the recommended values of `transforms.<alias>.type`). */
  transformationClasses(): string[] {
    return this.#transformations.map((p) => p.className);
  }

  /** Every installed predicate, by class name (the recommended values of `predicates.<alias>.type`). */
  predicateClasses(): string[] {
    return this.#predicates.map((p) => p.className);
  }

  /**
   * `GET /connector-plugins`: sink connectors (sorted by class), then — unless `connectorsOnly` —
   * transformations, predicates, converters and header converters; a converter usable for headers is listed
   * under both types, as in Kafka.
   */
  connectorPlugins(connectorsOnly: boolean): PluginInfo[] {
    const info = (plugin: AnyPlugin, type: PluginInfo['type']): PluginInfo =>
      plugin.version === undefined || plugin.version === UNDEFINED_VERSION
        ? { class: plugin.className, type }
        : { class: plugin.className, type, version: plugin.version };
    const result = this.#connectors.map((p) => info(p, 'sink'));
    if (connectorsOnly) return result;
    result.push(...this.#transformations.map((p) => info(p, 'transformation')));
    result.push(...this.#predicates.map((p) => info(p, 'predicate')));
    result.push(...this.#converters.filter((p) => p.isConverter !== false).map((p) => info(p, 'converter')));
    result.push(...this.#converters.filter((p) => p.isHeaderConverter).map((p) => info(p, 'header_converter')));
    return result;
  }

  /**
   * `GET /connector-plugins/{p}/config`: a connector's own keys, then the framework's sink keys it does not
   * define itself; a converter's, transformation's or predicate's own keys. `Unknown plugin <p>.` (404) when no class or alias matches.
   */
  pluginConfig(name: string, version?: string): ConfigKeyInfo[] {
    const found = this.#lookup(name);
    if (!found) throw new NotFoundError(`Unknown plugin ${name}.`);
    // KIP-891: an installed version outside the requirement, or a malformed requirement, is a 400
    try {
      checkPluginVersion(found.plugin.className, found.plugin.version ?? UNDEFINED_VERSION, version);
    } catch (e) {
      throw new BadRequestError((e as Error).message);
    }
    if (found.kind !== 'connector') return [...found.plugin.create().config().keys.values()].map((k) => convertConfigKey(k));
    const own = found.plugin.createConnector().config();
    const merged = own.withKeys([...sinkConnectorConfigDefFor(found.plugin.version ?? null).keys.values()]);
    return [...merged.keys.values()].map((k) => convertConfigKey(k));
  }
}
