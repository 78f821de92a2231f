/**
 * Kafka's SingleFieldPath and FieldSyntaxVersion (KIP-821): `field.syntax.version=V1` names a top-level
 * field; `V2` a nested one in dotted notation, with backticks around names that contain dots.
 */
import { ConfigError, ConfigType, Importance, Validators, type ConfigKey, type Field, type Schema } from '../../plugin/index.js';
import { fieldOf, mapGet, requireMapOrNull, requireStructOrNull, structGet, type SchemalessMap, type Struct } from './connect-data.js';

export const FIELD_SYNTAX_VERSION_KEY: ConfigKey = {
  name: 'field.syntax.version',
  type: ConfigType.STRING,
  defaultValue: 'V1',
  validator: Validators.oneOfIgnoreCase('V1', 'V2'),
  importance: Importance.HIGH,
  documentation:
    'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. ' +
    'If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. ' +
    'If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. ' +
    'E.g. to access the subfield `baz` from a field named "foo.bar" in a struct/map the following format can be used to access its elements: "`foo.bar`.baz".',
};

export type FieldSyntaxVersion = 'V1' | 'V2';

function incomplete(path: string, backtickAt: number): ConfigError {
  return new ConfigError(`Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${backtickAt} to escape it`);
}

/** The steps of a V2 path: dots separate, backticks quote a step (a backslash escapes a backtick before a dot). */
function stepsV2(path: string): string[] {
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== '`') {
      const start = idx;
      idx = path.indexOf('.', idx);
      if (idx >= 0) {
        steps.push(path.slice(start, idx));
        idx++;
      } else {
        steps.push(path.slice(start));
      }
      continue;
    }
    const backtickAt = idx;
    idx++;
    let field = '';
    let start = idx;
    for (;;) {
      idx = path.indexOf('`', idx);
      if (idx === -1) throw incomplete(path, backtickAt);
      const escaped = path[idx - 1] === '\\';
      if (idx >= path.length - 1) {
        if (escaped) throw incomplete(path, backtickAt);
        field += path.slice(start, idx);
        steps.push(field);
        idx++;
        break;
      }
      if (path[idx + 1] !== '.') {
        idx++;
        continue;
      }
      if (escaped) {
        field += `${path.slice(start, idx - 1)}\``;
        idx++;
        start = idx;
        continue;
      }
      field += path.slice(start, idx);
      steps.push(field);
      idx += 2;
      break;
    }
  }
  if (path.endsWith('.')) steps.push('');
  return steps;
}

export class SingleFieldPath {
  readonly steps: readonly string[];

  constructor(path: string, version: FieldSyntaxVersion) {
    this.steps = version === 'V1' ? [path] : stepsV2(path);
  }

  static version(text: string): FieldSyntaxVersion {
    return text.toUpperCase() === 'V2' ? 'V2' : 'V1';
  }

  /** The field at this path in a schema, or undefined. */
  fieldFrom(schema: Schema | null): Field | undefined {
    if (schema === null) return undefined;
    let current = schema;
    for (const step of this.steps.slice(0, -1)) {
      const field = fieldOf(current, step);
      if (!field) return undefined;
      current = field.schema;
    }
    return fieldOf(current, this.steps[this.steps.length - 1]);
  }

  /** The value at this path in a struct of `schema`, or null. */
  valueFromStruct(struct: Struct | null, schema: Schema, withDefault = true): unknown {
    let current = struct;
    let currentSchema = schema;
    if (current === null) return null;
    for (const step of this.steps.slice(0, -1)) {
      const field = fieldOf(currentSchema, step);
      if (!field) return null;
      current = requireStructOrNull(structGet(current, field), field.schema, 'nested field access');
      if (current === null) return null;
      currentSchema = field.schema;
    }
    const last = fieldOf(currentSchema, this.steps[this.steps.length - 1]);
    return last ? structGet(current, last, withDefault) : null;
  }

  /** The value at this path in a schemaless map, or null. */
  valueFromMap(map: SchemalessMap | null): unknown {
    let current = map;
    if (current === null) return null;
    for (const step of this.steps.slice(0, -1)) {
      current = requireMapOrNull(mapGet(current, step), 'nested field access');
      if (current === null) return null;
    }
    return mapGet(current, this.steps[this.steps.length - 1]);
  }
}
