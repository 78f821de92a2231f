import { invalidValue, type Validator } from './config-def.js';

/** Kafka's ConfigDef.Range.atLeast */
export function atLeast(min: number): Validator {
  return (name, value) => {
    if (value === null || value === undefined) throw invalidValue(name, null, 'Value must be non-null');
    if ((value as number) < min) throw invalidValue(name, value, `Value must be at least ${min}`);
  };
}

/** Kafka's ConfigDef.Range.between */
export function between(min: number, max: number): Validator {
  return (name, value) => {
    if (value === null || value === undefined) throw invalidValue(name, null, 'Value must be non-null');
    const n = value as number;
    if (n < min) throw invalidValue(name, value, `Value must be at least ${min}`);
    if (n > max) throw invalidValue(name, value, `Value must be no more than ${max}`);
  };
}

/** Kafka's ConfigDef.ValidString.in: case-sensitive. */
export function oneOf(...allowed: string[]): Validator {
  return (name, value) => {
    if (!allowed.includes(value as string)) throw invalidValue(name, value, `String must be one of: ${allowed.join(', ')}`);
  };
}

/** Kafka's ConfigDef.CaseInsensitiveValidString.in */
export function oneOfIgnoreCase(...allowed: string[]): Validator {
  const lower = allowed.map((a) => a.toLowerCase());
  return (name, value) => {
    if (typeof value !== 'string' || !lower.includes(value.toLowerCase())) {
      throw invalidValue(name, value, `String must be one of (case insensitive): ${allowed.join(', ')}`);
    }
  };
}

/** Kafka's ConfigDef.NonEmptyString */
export function nonEmptyString(): Validator {
  return (name, value) => {
    if (value === null || value === undefined) throw invalidValue(name, null, 'String may not be null');
    if ((value as string).trim().length === 0) throw invalidValue(name, value, 'String may not be empty');
  };
}

/** Kafka's ConfigDef.NonEmptyStringWithoutControlChars (used for the connector `name`). */
export function nonEmptyStringWithoutControlChars(): Validator {
  return (name, value) => {
    if (value === null || value === undefined) throw invalidValue(name, null, 'String may not be null');
    const s = value as string;
    if (s.trim().length === 0) throw invalidValue(name, s, 'String may not be empty');
    const controls: number[] = [];
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) controls.push(cp);
    }
    if (controls.length > 0) {
      throw invalidValue(name, s, `String may not contain control sequences but had the following ASCII chars: ${controls.join(', ')}`);
    }
  };
}

/** Runs validators in order; the first failure wins (Kafka's CompositeValidator). */
export function all(...validators: Validator[]): Validator {
  return (name, value) => {
    for (const v of validators) v(name, value);
  };
}
