import { ConfigDef, ConfigType, DataError, Importance, SchemaType, type Schema, type SinkRecord, type Transformation } from '../plugin/index.js';
import {
  isMap,
  javaClassName,
  requireMap,
  requireStructOrNull,
  SchemaCache,
  schemaBasics,
  setOwn,
  structGet,
  structSchema,
  type SchemalessMap,
  type Struct,
} from './util/connect-data.js';
import { keyValueDoc, keyValuePlugins } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const FLATTEN_OVERVIEW_DOC =
  'Flatten a nested data structure, generating names for each field by concatenating the field names at each level with a configurable delimiter character. ' +
  'Applies to Struct when schema present, or a Map in the case of schemaless data. Array fields and their contents are not modified. ' +
  "The default delimiter is '.'." +
  keyValueDoc('Flatten');

const PURPOSE = 'flattening';

export const FLATTEN_CONFIG_DEF = new ConfigDef([
  {
    name: 'delimiter',
    type: ConfigType.STRING,
    defaultValue: '.',
    importance: Importance.MEDIUM,
    documentation: 'Delimiter to insert between field names from the input record when generating field names for the output record',
  },
]);

const KEPT: ReadonlySet<SchemaType> = new Set([
  SchemaType.INT8,
  SchemaType.INT16,
  SchemaType.INT32,
  SchemaType.INT64,
  SchemaType.FLOAT32,
  SchemaType.FLOAT64,
  SchemaType.BOOLEAN,
  SchemaType.STRING,
  SchemaType.BYTES,
  SchemaType.ARRAY,
]);

/**
 * org.apache.kafka.connect.transforms.Flatten$Key / $Value: nested structs (or maps) become top-level
 * fields named by their path joined with the delimiter; a field is optional (and takes a default) when
 * any struct above it is.
 */
export class Flatten implements Transformation {
  #delimiter = '.';
  readonly #schemas = new SchemaCache();

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return FLATTEN_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.#delimiter = FLATTEN_CONFIG_DEF.parse(props).getString('delimiter') ?? '.';
  }

  apply(record: SinkRecord): SinkRecord {
    const value = operatingValue(record, this.part);
    if (value === null || value === undefined) return record;
    const schema = operatingSchema(record, this.part);
    if (schema === null) {
      const flat: Record<string, unknown> = {};
      this.#flattenMap(requireMap(value, PURPOSE), '', flat);
      return withPart(record, this.part, null, flat);
    }
    const struct = requireStructOrNull(value, schema, PURPOSE);
    const updatedSchema = this.#schemas.get(schema, (s) => this.#flatSchema(s));
    if (struct === null) return withPart(record, this.part, updatedSchema, null);
    // every field is present: those under a null struct stay null
    const flat: Record<string, unknown> = {};
    for (const field of updatedSchema.fields ?? []) setOwn(flat, field.name, null);
    this.#flattenStruct(struct, schema, '', flat);
    return withPart(record, this.part, updatedSchema, flat);
  }

  #name(prefix: string, name: string): string {
    return prefix === '' ? name : `${prefix}${this.#delimiter}${name}`;
  }

  #flattenMap(map: SchemalessMap, prefix: string, out: Record<string, unknown>): void {
    const entries = map instanceof Map ? [...map.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(map);
    for (const [key, value] of entries) {
      const name = this.#name(prefix, key);
      if (value === null || value === undefined) {
        setOwn(out, name, null);
      } else if (isMap(value)) {
        this.#flattenMap(value, name, out);
      } else if (value instanceof Date || typeof value === 'function' || typeof value === 'symbol') {
        throw new DataError(`Flatten transformation was passed a value of type class ${javaClassName(value)} which is not supported by Connect's data API`);
      } else {
        setOwn(out, name, value);
      }
    }
  }

  #flatSchema(schema: Schema): Schema {
    const fields: Array<[string, Schema]> = [];
    this.#collectFields(schema, '', fields, schema.optional, (schema.defaultValue as Struct | null | undefined) ?? null);
    return structSchema(fields, schemaBasics(schema));
  }

  #collectFields(schema: Schema, prefix: string, out: Array<[string, Schema]>, optional: boolean, defaultFromParent: Struct | null): void {
    for (const field of schema.fields ?? []) {
      const name = this.#name(prefix, field.name);
      const fieldOptional = optional || field.schema.optional;
      let fieldDefault: unknown = null;
      if (field.schema.defaultValue !== null && field.schema.defaultValue !== undefined) fieldDefault = field.schema.defaultValue;
      else if (defaultFromParent !== null) fieldDefault = structGet(defaultFromParent, field);
      if (KEPT.has(field.schema.type)) {
        const converted: Record<string, unknown> = { ...field.schema, optional: fieldOptional };
        delete converted.defaultValue;
        if (fieldDefault !== null && fieldDefault !== undefined) converted.defaultValue = fieldDefault;
        out.push([name, Object.freeze(converted) as unknown as Schema]);
      } else if (field.schema.type === SchemaType.STRUCT) {
        this.#collectFields(field.schema, name, out, fieldOptional, (fieldDefault as Struct | null) ?? null);
      } else {
        throw new DataError(`Flatten transformation does not support ${field.schema.type.toUpperCase()} for record with schemas (for field ${name}).`);
      }
    }
  }

  #flattenStruct(struct: Struct, schema: Schema, prefix: string, out: Record<string, unknown>): void {
    for (const field of schema.fields ?? []) {
      const name = this.#name(prefix, field.name);
      if (KEPT.has(field.schema.type)) {
        setOwn(out, name, structGet(struct, field));
      } else if (field.schema.type === SchemaType.STRUCT) {
        const nested = structGet(struct, field);
        if (nested !== null) this.#flattenStruct(nested as Struct, field.schema, name, out);
      } else {
        throw new DataError(`Flatten transformation does not support ${field.schema.type.toUpperCase()} for record with schemas (for field ${name}).`);
      }
    }
  }
}

export const flattenPlugins = keyValuePlugins('Flatten', FLATTEN_OVERVIEW_DOC, (part) => new Flatten(part));
