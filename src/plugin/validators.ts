import { invalidValue, type Validator } from './config-def.js';
import { javaRegex } from './java-regex.js';

/*
 * Kafka's ConfigDef validators, with Kafka's messages. A validator receives the parsed value, which is
 * null when the key is missing, was given as null, or failed to parse; the null handling of each
 * validator follows Kafka's (some accept null silently, some report it).
 */

/** Kafka's ConfigDef.Range.atLeast: null is an error (`Value must be non-null`). */
export function atLeast(min: number): Validator {
  return (name, value) => {
    if (value === null || value === undefined) throw invalidValue(name, null, 'Value must be non-null');
    if ((value as number) < min) throw invalidValue(name, value, `Value must be at least ${min}`);
  };
}

/** Kafka's ConfigDef.Range.between (both bounds inclusive). */
export function between(min: number, max: number): Validator {
  return (name, value) => {
    if (value === null || value === undefined) throw invalidValue(name, null, 'Value must be non-null');
    const n = value as number;
    if (n < min) throw invalidValue(name, value, `Value must be at least ${min}`);
    if (n > max) throw invalidValue(name, value, `Value must be no more than ${max}`);
  };
}

/** Kafka's ConfigDef.ValidString.in: case-sensitive; null is not one of them. */
export function oneOf(...allowed: string[]): Validator {
  return (name, value) => {
    if (!allowed.includes(value as string)) throw invalidValue(name, value, `String must be one of: ${allowed.join(', ')}`);
  };
}

/** Kafka's ConfigDef.CaseInsensitiveValidString.in: the message lists the values upper-cased, as Kafka does. */
export function oneOfIgnoreCase(...allowed: string[]): Validator {
  const upper = allowed.map((a) => a.toUpperCase());
  return (name, value) => {
    if (typeof value !== 'string' || !upper.includes(value.toUpperCase())) {
      throw invalidValue(name, value, `String must be one of (case insensitive): ${upper.join(', ')}`);
    }
  };
}

/** Kafka's ConfigDef.ValidList.in: every element must be one of `allowed` (case-sensitive). */
export function validList(...allowed: string[]): Validator {
  const element = oneOf(...allowed);
  return (name, value) => {
    for (const item of (value as string[] | null) ?? []) element(name, item);
  };
}

/** Kafka's ConfigDef.NonNullValidator. */
export function nonNull(): Validator {
  return (name, value) => {
    if (value === null || value === undefined) throw invalidValue(name, 'null', 'entry must be non null');
  };
}

/**
 * Kafka's ConfigDef.NonEmptyString: null passes; only the empty string fails (STRING values are already
 * trimmed by parsing, so a blank value is empty here).
 */
export function nonEmptyString(): Validator {
  return (name, value) => {
    if (value === '') throw invalidValue(name, value, 'String must be non-empty');
  };
}

/** ISO control characters, Java's Character.isISOControl. */
function isIsoControl(cp: number): boolean {
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);
}

/**
 * Kafka's ConfigDef.NonEmptyStringWithoutControlChars (the connector `name`). Null passes: a missing name
 * is already reported as a missing required configuration.
 */
export function nonEmptyStringWithoutControlChars(): Validator {
  return (name, value) => {
    if (value === null || value === undefined) return;
    const s = value as string;
    if (s.length === 0) throw invalidValue(name, s, 'String may not be empty');
    const controls: number[] = [];
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (isIsoControl(cp)) controls.push(cp);
    }
    if (controls.length > 0) {
      throw invalidValue(name, s, `String may not contain control sequences but had the following ASCII chars: ${controls.join(', ')}`);
    }
  };
}

/** Kafka's ConfigDef.ListSize.atMostOfSize. */
export function listSize(max: number): Validator {
  return (name, value) => {
    if (((value as string[] | null) ?? []).length > max) throw invalidValue(name, value, `exceeds maximum list size of [${max}].`);
  };
}

/**
 * Kafka's RegexValidator (`topics.regex`): a Java regex, with Java's PatternSyntaxException message, or
 * refused when it uses what this worker cannot translate faithfully (see java-regex.ts).
 */
export function validRegex(): Validator {
  return (name, value) => {
    try {
      if (value === null || value === undefined) throw new Error('null');
      javaRegex(value as string);
    } catch (e) {
      throw invalidValue(name, value, `Invalid regex: ${(e as Error).message}`);
    }
  };
}

/** Runs validators in order; the first failure wins (Kafka's CompositeValidator). */
export function all(...validators: Validator[]): Validator {
  return (name, value) => {
    for (const v of validators) v(name, value);
  };
}
