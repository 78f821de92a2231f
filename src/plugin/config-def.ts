import { ConfigError } from './errors.js';
import { javaDoubleToString, parseJavaDouble } from './java-floating-point.js';

/**
 * Kafka's ConfigDef, one object literal per key (no telescoping define() overloads).
 * Each key is declared once and drives parsing, validation, the validate endpoint and the docs.
 */
export const ConfigType = {
  BOOLEAN: 'BOOLEAN',
  STRING: 'STRING',
  INT: 'INT',
  SHORT: 'SHORT',
  LONG: 'LONG',
  DOUBLE: 'DOUBLE',
  LIST: 'LIST',
  CLASS: 'CLASS',
  PASSWORD: 'PASSWORD',
} as const;
export type ConfigType = (typeof ConfigType)[keyof typeof ConfigType];

export const Importance = { HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW' } as const;
export type Importance = (typeof Importance)[keyof typeof Importance];

export const Width = { NONE: 'NONE', SHORT: 'SHORT', MEDIUM: 'MEDIUM', LONG: 'LONG' } as const;
export type Width = (typeof Width)[keyof typeof Width];

/** Throws ConfigError (use `invalidValue`) when `value` (already parsed, possibly null) is not acceptable. */
export type Validator = (name: string, value: unknown) => void;

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  /** Absent (undefined) means required; `null` is an explicit null default. Typed, or a string to be parsed. */
  readonly defaultValue?: unknown;
  readonly validator?: Validator;
  readonly importance: Importance;
  readonly documentation: string | null;
  readonly group?: string | null;
  /** -1 when ungrouped */
  readonly orderInGroup?: number;
  readonly width?: Width;
  /** defaults to the key name */
  readonly displayName?: string;
  readonly dependents?: readonly string[];
  /** shown as `recommended_values` by the validate endpoint */
  readonly recommendedValues?: readonly string[];
  /** hidden keys are parsed but never listed (e.g. internal worker knobs) */
  readonly internal?: boolean;
}

/** A secret: prints as `[hidden]` everywhere (logs, JSON, validation output). Read it with `.value`. */
export class Password {
  static readonly HIDDEN = '[hidden]';
  constructor(readonly value: string) {}
  toString(): string {
    return Password.HIDDEN;
  }
  toJSON(): string {
    return Password.HIDDEN;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return Password.HIDDEN;
  }
}

/** Kafka's ConfigValue: the outcome of validating one key. */
export interface ConfigValue {
  readonly name: string;
  value: unknown;
  recommendedValues: unknown[];
  errors: string[];
  visible: boolean;
}

export function newConfigValue(name: string, value: unknown = null): ConfigValue {
  return { name, value, recommendedValues: [], errors: [], visible: true };
}

/** `Invalid value <v> for configuration <k>: <reason>`, Kafka's ConfigException(name, value, message). */
export function invalidValue(name: string, value: unknown, reason?: string): ConfigError {
  const shown = value instanceof Password ? Password.HIDDEN : formatValue(value);
  return new ConfigError(`Invalid value ${shown} for configuration ${name}${reason === undefined ? '' : `: ${reason}`}`);
}

/** Renders a parsed value the way Java's toString would (lists as `[a, b]`). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return String(value);
}

export function missingRequired(name: string): ConfigError {
  return new ConfigError(`Missing required configuration "${name}" which has no default value.`);
}

const NO_DEFAULT = undefined;
const COMMA_WITH_WHITESPACE = /\s*,\s*/;
const JAVA_INTEGER = /^[+-]?\d+$/;
const JAVA_LONG_MIN = -(2n ** 63n);
const JAVA_LONG_MAX = 2n ** 63n - 1n;

/**
 * Java's String.trim(): strips every char <= U+0020 from both ends (control chars included), but not the
 * Unicode spaces JS trim() also removes. Config values and connector names are trimmed this way in Kafka.
 */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * How CLASS values are resolved. Kafka loads the class (through the plugin class loader, which also
 * accepts aliases) and shows its full name; here the runtime passes its plugin registry's lookup.
 * Without a resolver a CLASS value is kept as the trimmed string.
 */
export interface ParseOptions {
  /** The full class name for a class name or alias, or undefined when no such class exists. */
  resolveClass?(classOrAlias: string): string | undefined;
}

function isRequired(key: ConfigKey): boolean {
  return key.defaultValue === NO_DEFAULT;
}

function parseInteger(name: string, value: unknown, type: ConfigType, min: bigint, max: bigint): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  // Integer.parseInt / Short.parseShort / Long.parseLong: optional sign, decimal digits, within range
  if (typeof value === 'string') {
    const trimmed = javaTrim(value);
    if (JAVA_INTEGER.test(trimmed)) {
      const n = BigInt(trimmed);
      if (n >= min && n <= max) return Number(n);
    }
  }
  throw invalidValue(name, value, `Not a number of type ${type}`);
}

/**
 * Kafka's ConfigDef.parseType: strings (as they come from REST and properties files) or already-typed
 * values to the key's type. `null` stays null. Strings are trimmed the Java way first.
 * Throws ConfigError with Kafka's wording, showing the value as given (untrimmed).
 */
export function parseType(name: string, value: unknown, type: ConfigType, options: ParseOptions = {}): unknown {
  if (value === null || value === undefined) return null;
  const trimmed = typeof value === 'string' ? javaTrim(value) : undefined;
  switch (type) {
    case ConfigType.BOOLEAN:
      if (typeof value === 'boolean') return value;
      if (trimmed !== undefined) {
        const t = trimmed.toLowerCase();
        if (t === 'true') return true;
        if (t === 'false') return false;
      }
      throw invalidValue(name, value, 'Expected value to be either true or false');
    case ConfigType.STRING:
      if (trimmed !== undefined) return trimmed;
      throw invalidValue(name, value, `Expected value to be a string, but it was a ${typeof value}`);
    case ConfigType.PASSWORD:
      if (value instanceof Password) return value;
      if (trimmed !== undefined) return new Password(trimmed);
      throw invalidValue(name, value, `Expected value to be a string, but it was a ${typeof value}`);
    case ConfigType.SHORT:
      return parseInteger(name, value, type, -(2n ** 15n), 2n ** 15n - 1n);
    case ConfigType.INT:
      return parseInteger(name, value, type, -(2n ** 31n), 2n ** 31n - 1n);
    case ConfigType.LONG:
      // Java longs beyond 2^53 lose precision as JS numbers; they are accepted like Kafka does
      return parseInteger(name, value, type, JAVA_LONG_MIN, JAVA_LONG_MAX);
    case ConfigType.DOUBLE:
      if (typeof value === 'number') return value;
      if (trimmed !== undefined) {
        const parsed = parseJavaDouble(trimmed);
        if (parsed !== undefined) return parsed;
      }
      throw invalidValue(name, value, 'Not a number of type DOUBLE');
    case ConfigType.LIST:
      if (Array.isArray(value)) return value.map(String);
      if (trimmed !== undefined) return trimmed === '' ? [] : trimmed.split(COMMA_WITH_WHITESPACE);
      throw invalidValue(name, value, 'Expected a comma separated list.');
    case ConfigType.CLASS: {
      if (trimmed === undefined) throw invalidValue(name, value, 'Expected a Class instance or class name.');
      if (!options.resolveClass) return trimmed;
      const resolved = options.resolveClass(trimmed);
      if (resolved === undefined) throw invalidValue(name, value, `Class ${String(value)} could not be found.`);
      return resolved;
    }
  }
}

/** Kafka's ConfigDef.convertToString: how a parsed value is shown in `default_value` and `value.value`. */
export function renderValue(value: unknown, type: ConfigType): string | null {
  if (value === null || value === undefined) return null;
  if (type === ConfigType.PASSWORD) return Password.HIDDEN;
  if (type === ConfigType.LIST && Array.isArray(value)) return value.join(',');
  if (type === ConfigType.DOUBLE && typeof value === 'number') return javaDoubleToString(value);
  return String(value);
}

/** Parsed values with typed getters (Kafka's AbstractConfig). */
export class ParsedConfig {
  constructor(
    readonly values: ReadonlyMap<string, unknown>,
    readonly originals: Readonly<Record<string, string>>,
  ) {}
  get(name: string): unknown {
    if (!this.values.has(name)) throw new ConfigError(`Unknown configuration '${name}'`);
    return this.values.get(name);
  }
  getString(name: string): string | null {
    return this.get(name) as string | null;
  }
  getInt(name: string): number {
    return this.get(name) as number;
  }
  getLong(name: string): number {
    return this.get(name) as number;
  }
  getDouble(name: string): number {
    return this.get(name) as number;
  }
  getBoolean(name: string): boolean {
    return this.get(name) as boolean;
  }
  getList(name: string): string[] {
    return (this.get(name) as string[] | null) ?? [];
  }
  getPassword(name: string): Password | null {
    return this.get(name) as Password | null;
  }
  /** Original keys starting with `prefix`, prefix stripped (Kafka's originalsWithPrefix). */
  originalsWithPrefix(prefix: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originals)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  }
}

export class ConfigDef {
  readonly #keys = new Map<string, ConfigKey>();

  constructor(keys: readonly ConfigKey[] = []) {
    for (const key of keys) this.#define(key);
  }

  #define(key: ConfigKey): void {
    if (this.#keys.has(key.name)) throw new ConfigError(`Configuration ${key.name} is defined twice.`);
    if (!isRequired(key) && key.defaultValue !== null) {
      // fail at definition time, like Kafka's ConfigKey constructor, rather than on the first request
      key.validator?.(key.name, parseType(key.name, key.defaultValue, key.type));
    }
    this.#keys.set(key.name, key);
  }

  /** A new ConfigDef with this one's keys followed by `keys`; keys already defined here are kept (first wins). */
  withKeys(keys: readonly ConfigKey[]): ConfigDef {
    const merged = new ConfigDef([...this.#keys.values()]);
    for (const key of keys) if (!merged.#keys.has(key.name)) merged.#define(key);
    return merged;
  }

  get keys(): ReadonlyMap<string, ConfigKey> {
    return this.#keys;
  }

  /** Group names in definition order, de-duplicated. */
  groups(): string[] {
    const groups = new Set<string>();
    for (const key of this.#keys.values()) if (key.group) groups.add(key.group);
    return [...groups];
  }

  /** The parsed default; null for required keys (check `defaultValue === undefined` to tell them apart). */
  defaultValue(key: ConfigKey, options?: ParseOptions): unknown {
    return isRequired(key) ? null : parseType(key.name, key.defaultValue, key.type, options);
  }

  /** Parses and validates every key; throws the first ConfigError (Kafka's ConfigDef.parse). */
  parse(props: Readonly<Record<string, string | null>>, options?: ParseOptions): ParsedConfig {
    const values = new Map<string, unknown>();
    for (const key of this.#keys.values()) {
      let value: unknown;
      if (Object.hasOwn(props, key.name)) value = parseType(key.name, props[key.name], key.type, options);
      else if (isRequired(key)) throw missingRequired(key.name);
      else value = this.defaultValue(key, options);
      key.validator?.(key.name, value);
      values.set(key.name, value);
    }
    const originals: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) if (v !== null) originals[k] = v;
    return new ParsedConfig(values, originals);
  }

  /**
   * Every defined key gets a ConfigValue with all its errors (Kafka's ConfigDef.validateAll), in definition
   * order. A parse failure or a missing required key leaves the value null and the validator still runs on
   * that null, so a validator that rejects null adds a second error (as Kafka does for `tasks.max`).
   */
  validateAll(props: Readonly<Record<string, string | null>>, options?: ParseOptions): Map<string, ConfigValue> {
    const results = new Map<string, ConfigValue>();
    for (const key of this.#keys.values()) {
      const result = newConfigValue(key.name);
      let value: unknown = null;
      if (Object.hasOwn(props, key.name)) {
        try {
          value = parseType(key.name, props[key.name], key.type, options);
        } catch (e) {
          result.errors.push(errorMessage(e));
        }
      } else if (isRequired(key)) {
        result.errors.push(missingRequired(key.name).message);
      } else {
        value = this.defaultValue(key, options);
      }
      if (key.validator) {
        try {
          key.validator(key.name, value);
        } catch (e) {
          result.errors.push(errorMessage(e));
        }
      }
      if (key.recommendedValues) result.recommendedValues = [...key.recommendedValues];
      result.value = value;
      results.set(key.name, result);
    }
    return results;
  }
}

/** Validators signal with ConfigError; anything else they throw is a bug worth showing, not a crash. */
function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
