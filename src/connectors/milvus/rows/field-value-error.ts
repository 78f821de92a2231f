/**
 * What every per-type converter is (field-converters.ts for scalars, vector-converters.ts for vectors): a
 * value as converters produce it → the form the Node SDK writes exactly, or a FieldValueError. It lives
 * beside the error so both converter files depend on this contract, not on each other.
 */
export type FieldConverter = (value: unknown) => unknown;

/**
 * Why one field value cannot be written. Thrown by the per-type converters with only the reason
 * (`expected 8 numbers, got 7`); recordToRow adds the field, its type and the record coordinates.
 */
export class FieldValueError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'FieldValueError';
  }
}

/** A short, bounded rendering of a bad value for error messages (never a whole vector or document). */
export function preview(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof Date) return `a date (${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (value instanceof Map) return `a map of ${value.size}`;
  return 'an object';
}

/** The kind of a value in words: `a string`, `a number`, `an array`, … */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'a date';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'bigint':
      return 'an integer';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
