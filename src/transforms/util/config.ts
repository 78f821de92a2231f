import { ConfigError, ConfigType, formatValue, Importance, invalidValue, javaRegex, type ConfigKey, type Validator } from '../../plugin/index.js';

/** Kafka's documentation of the `replace.null.with.default` key most transformations share. */
export const REPLACE_NULL_WITH_DEFAULT_KEY: ConfigKey = {
  name: 'replace.null.with.default',
  type: ConfigType.BOOLEAN,
  defaultValue: true,
  importance: Importance.MEDIUM,
  documentation:
    'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
};

/** Kafka's transforms NonEmptyListValidator: `Invalid value … for configuration …: Empty list`. */
export function nonEmptyList(): Validator {
  return (name, value) => {
    if (value === null || value === undefined || (value as string[]).length === 0) throw invalidValue(name, value, 'Empty list');
  };
}

/** Java's String.split(regex) for a one-character separator: trailing empty strings are dropped. */
export function javaSplit(text: string, separator: string): string[] {
  if (text === '') return [''];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Kafka's ConfigException(name, value, message) on a list value, shown as Java prints a list. */
export function invalidList(name: string, list: readonly string[], message: string): ConfigError {
  return new ConfigError(`Invalid value ${formatValue(list)} for configuration ${name}: ${message}`);
}

/** Kafka's transforms RegexValidator: `Invalid regex: <why>` for what the Java (here: this worker's) engine refuses. */
export function validJavaRegex(): Validator {
  return (name, value) => {
    try {
      if (value === null || value === undefined) throw new Error('Cannot invoke "String.isEmpty()" because "this.pattern" is null');
      javaRegex(value as string);
    } catch (error) {
      throw invalidValue(name, value, `Invalid regex: ${(error as Error).message}`);
    }
  };
}
