/**
 * org.apache.kafka.connect.transforms.Cast$Key / $Value: casts fields of a struct or map, or the whole
 * key or value, to a primitive type, with Java's conversions (narrowing wraps, `Boolean.parseBoolean`,
 * base64 for bytes to string, ISO text for dates to string).
 */
import {
  ConfigDef,
  ConfigError,
  ConfigType,
  connectDateText,
  DataError,
  Importance,
  SchemaType,
  type Schema,
  type SinkRecord,
  type Transformation,
} from '../plugin/index.js';
import { javaSplit, invalidList, REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import {
  copyMap,
  javaClassName,
  LogicalName,
  mapGet,
  mapSet,
  requireMap,
  requireStruct,
  SchemaCache,
  schemaBasics,
  setOwn,
  structGet,
  structSchema,
  withSchema,
  isMap,
} from './util/connect-data.js';
import {
  int64Value,
  JavaNumberFormatError,
  javaIntegral,
  javaNumberToString,
  numberTypeOf,
  parseJavaFloatingPoint,
  parseJavaIntegral,
  type JavaNumberType,
} from './util/java-numbers.js';
import { keyValueDoc, keyValuePlugins } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const CAST_OVERVIEW_DOC =
  'Cast fields or the entire key or value to a specific type, e.g. to force an integer field to a smaller width. ' +
  'Cast from integers, floats, boolean and string to any other type, and cast binary to string (base64 encoded).' +
  keyValueDoc('Cast');

const PURPOSE = 'cast types';
const MILLIS_PER_DAY = 86_400_000;
const SCHEMA_TYPES = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES', 'ARRAY', 'MAP', 'STRUCT'];
const INPUT_TYPES: readonly string[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES'];
const OUTPUT_TYPES: readonly string[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING'];

interface Casts {
  /** the type the whole key or value is cast to, when the spec is a single type */
  readonly whole: SchemaType | null;
  readonly fields: ReadonlyMap<string, SchemaType>;
}

/** Schema.Type.valueOf, with Kafka's (odd) message when the name is no type. */
function targetType(text: string): SchemaType {
  const upper = text.trim().toUpperCase();
  if (!SCHEMA_TYPES.includes(upper)) {
    throw new ConfigError(
      `Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.${upper} ` +
        `for configuration Invalid type found in casting spec: ${text.trim()}`,
    );
  }
  if (!OUTPUT_TYPES.includes(upper)) {
    throw new ConfigError(`Cast transformation does not support casting to ${upper}; supported types are [${OUTPUT_TYPES.join(', ')}]`);
  }
  return upper.toLowerCase() as SchemaType;
}

function parseFieldTypes(mappings: readonly string[]): Casts {
  let whole: SchemaType | null = null;
  const fields = new Map<string, SchemaType>();
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':');
    // Kafka names the wrong key here (it shares the parser of ReplaceField's renames)
    if (parts.length > 2) throw invalidList('renames', mappings, `Invalid rename mapping: ${mapping}`);
    if (parts.length === 1) whole = targetType(parts[0]);
    else fields.set((parts[0] ?? '').trim(), targetType(parts[1] ?? ''));
  }
  if (whole !== null && mappings.length > 1) {
    throw new ConfigError('Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec');
  }
  return { whole, fields };
}

export const CAST_CONFIG_DEF = new ConfigDef([
  {
    name: 'spec',
    type: ConfigType.LIST,
    validator: (_name, value) => {
      const list = value as string[] | null;
      if (list === null || list.length === 0) throw new ConfigError('Must specify at least one field to cast.');
      parseFieldTypes(list);
    },
    importance: Importance.HIGH,
    documentation:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. ' +
      'A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. ' +
      'Note that binary fields can only be cast to string.',
  },
  REPLACE_NULL_WITH_DEFAULT_KEY,
]);

/** ConnectSchema.schemaType(value.getClass()) for schemaless values; null for what Connect has no type for. */
function inferredType(value: unknown): string | null {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
  if (value instanceof Uint8Array) return 'BYTES';
  if (Array.isArray(value)) return 'ARRAY';
  if (value instanceof Date) return null;
  return isMap(value) ? 'MAP' : null;
}

type Source = { kind: 'number'; type: JavaNumberType; value: number | bigint | string } | { kind: 'other'; value: unknown };

/** The Java value a cast starts from: logical Date/Time/Timestamp encoded to their numbers unless cast to a string. */
function source(schema: Schema | null, value: unknown, target: SchemaType): Source {
  if (schema?.name !== undefined && target !== SchemaType.STRING && value instanceof Date) {
    const ms = value.getTime();
    if (schema.name === LogicalName.DATE) {
      if (ms % MILLIS_PER_DAY !== 0) throw new DataError('Kafka Connect Date type should not have any time fields set to non-zero values.');
      return { kind: 'number', type: 'int', value: ms / MILLIS_PER_DAY };
    }
    if (schema.name === LogicalName.TIME) {
      if (ms < 0 || ms >= MILLIS_PER_DAY) throw new DataError('Kafka Connect Time type should not have any date fields set to non-zero values.');
      return { kind: 'number', type: 'int', value: ms };
    }
    if (schema.name === LogicalName.TIMESTAMP) return { kind: 'number', type: 'long', value: ms };
  }
  const type = numberTypeOf(value, schema);
  if (type !== null && (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string')) return { kind: 'number', type, value };
  return { kind: 'other', value };
}

function unexpected(value: unknown, schema: Schema | null): DataError {
  return new DataError(`Unexpected type in Cast transformation: class ${javaClassName(value, schema)}`);
}

function toIntegral(from: Source, bits: 8 | 16 | 32 | 64, schema: Schema | null): number | bigint {
  if (from.kind === 'number') {
    const n = javaIntegral(from.value, from.type, bits);
    return bits === 64 ? int64Value(n) : Number(n);
  }
  if (typeof from.value === 'boolean') return from.value ? 1 : 0;
  if (typeof from.value === 'string') {
    const n = parseJavaIntegral(from.value, bits);
    return bits === 64 ? int64Value(n) : Number(n);
  }
  throw unexpected(from.value, schema);
}

function toFloating(from: Source, float32: boolean, schema: Schema | null): number {
  if (from.kind === 'number') {
    // a long or a BigDecimal rounds straight to a float (floatValue()), not through a double first
    if (float32 && typeof from.value !== 'number') return parseJavaFloatingPoint(String(from.value), 'float');
    return float32 ? Math.fround(Number(from.value)) : Number(from.value);
  }
  if (typeof from.value === 'boolean') return from.value ? 1 : 0;
  if (typeof from.value === 'string') return parseJavaFloatingPoint(from.value, float32 ? 'float' : 'double');
  throw unexpected(from.value, schema);
}

function toBoolean(from: Source, schema: Schema | null): boolean {
  if (from.kind === 'number') return javaIntegral(from.value, from.type, 64) !== 0n;
  if (typeof from.value === 'boolean') return from.value;
  if (typeof from.value === 'string') return from.value.toLowerCase() === 'true';
  throw unexpected(from.value, schema);
}

function toText(from: Source, schema: Schema | null): string {
  if (from.kind === 'number') return javaNumberToString(from.value, from.type, schema);
  const value = from.value;
  if (value instanceof Date) return connectDateText(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return String(value);
}

/** Kafka's castValueToType. */
export function castValue(schema: Schema | null, value: unknown, target: SchemaType): unknown {
  if (value === null || value === undefined) return null;
  const type = schema ? schema.type.toUpperCase() : inferredType(value);
  if (type === null) {
    throw new DataError(`Cast transformation was passed a value of type class ${javaClassName(value)} which is not supported by Connect's data API`);
  }
  if (!INPUT_TYPES.includes(type)) {
    throw new DataError(`Cast transformation does not support casting from ${type}; supported types are [${INPUT_TYPES.join(', ')}]`);
  }
  const from = source(schema, value, target);
  try {
    switch (target) {
      case SchemaType.INT8:
        return toIntegral(from, 8, schema);
      case SchemaType.INT16:
        return toIntegral(from, 16, schema);
      case SchemaType.INT32:
        return toIntegral(from, 32, schema);
      case SchemaType.INT64:
        return toIntegral(from, 64, schema);
      case SchemaType.FLOAT32:
        return toFloating(from, true, schema);
      case SchemaType.FLOAT64:
        return toFloating(from, false, schema);
      case SchemaType.BOOLEAN:
        return toBoolean(from, schema);
      case SchemaType.STRING:
        return toText(from, schema);
      default:
        throw new DataError(`${target.toUpperCase()} is not supported in the Cast transformation.`);
    }
  } catch (error) {
    if (error instanceof JavaNumberFormatError) {
      throw new DataError(`Value (${String(value)}) was out of range for requested data type`, { cause: error });
    }
    throw error;
  }
}

export class Cast implements Transformation {
  #casts: Casts = { whole: null, fields: new Map() };
  #replaceNullWithDefault = true;
  readonly #schemas = new SchemaCache();

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return CAST_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = CAST_CONFIG_DEF.parse(props);
    this.#casts = parseFieldTypes(config.getList('spec'));
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
  }

  apply(record: SinkRecord): SinkRecord {
    const value = operatingValue(record, this.part);
    if (value === null || value === undefined) return record;
    const schema = operatingSchema(record, this.part);
    const { whole, fields } = this.#casts;
    if (schema === null) {
      if (whole !== null) return withPart(record, this.part, null, castValue(null, value, whole));
      const map = requireMap(value, PURPOSE);
      const updated = copyMap(map);
      for (const [field, type] of fields) mapSet(updated, field, castValue(null, mapGet(map, field), type));
      return withPart(record, this.part, null, updated);
    }
    const updatedSchema = this.#schemas.get(schema, (s) => this.#buildSchema(s));
    if (whole !== null) return withPart(record, this.part, updatedSchema, castValue(schema, value, whole));
    const struct = requireStruct(value, schema, PURPOSE);
    const updated: Record<string, unknown> = {};
    for (const field of schema.fields ?? []) {
      const original = structGet(struct, field, this.#replaceNullWithDefault);
      const type = fields.get(field.name);
      setOwn(updated, field.name, type !== undefined ? castValue(field.schema, original, type) : original);
    }
    return withPart(record, this.part, updatedSchema, updated);
  }

  #buildSchema(schema: Schema): Schema {
    const { whole, fields } = this.#casts;
    let built: Schema;
    if (whole !== null) {
      // Kafka keeps the name, version, doc and parameters of the cast schema (SchemaUtil.copySchemaBasics)
      built = { type: whole, optional: false, ...schemaBasics(schema) };
    } else {
      built = structSchema(
        (schema.fields ?? []).map((field) => {
          const type = fields.get(field.name);
          if (type === undefined) return [field.name, field.schema] as const;
          const cast: Schema = { type, optional: field.schema.optional };
          const defaultValue = field.schema.defaultValue;
          return [
            field.name,
            defaultValue === null || defaultValue === undefined ? cast : { ...cast, defaultValue: castValue(field.schema, defaultValue, type) },
          ] as const;
        }),
        schemaBasics(schema),
      );
    }
    const changes: { -readonly [K in keyof Schema]?: Schema[K] } = { optional: schema.optional };
    if (schema.defaultValue !== null && schema.defaultValue !== undefined) {
      // a struct with a default cannot be cast field by field: Kafka fails on casting from STRUCT here too
      changes.defaultValue = castValue(schema, schema.defaultValue, whole ?? built.type);
    }
    return withSchema(built, changes);
  }
}

export const castPlugins = keyValuePlugins('Cast', CAST_OVERVIEW_DOC, (part) => new Cast(part));
