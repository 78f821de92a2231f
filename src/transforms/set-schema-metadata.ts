import { ConfigDef, ConfigError, ConfigType, Importance, SchemaType, type Schema, type SinkRecord, type Transformation } from '../plugin/index.js';
import { REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import { isPlainObject, requireSchema, setOwn, structGet } from './util/connect-data.js';
import { keyValuePlugins, TRANSFORMS_PACKAGE } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const SET_SCHEMA_METADATA_OVERVIEW_DOC = `Set the schema name, version or both on the record's key (<code>${TRANSFORMS_PACKAGE}.SetSchemaMetadata$Key</code>) or value (<code>${TRANSFORMS_PACKAGE}.SetSchemaMetadata$Value</code>) schema.`;

export const SET_SCHEMA_METADATA_CONFIG_DEF = new ConfigDef([
  { name: 'schema.name', type: ConfigType.STRING, defaultValue: null, importance: Importance.HIGH, documentation: 'Schema name to set.' },
  { name: 'schema.version', type: ConfigType.INT, defaultValue: null, importance: Importance.HIGH, documentation: 'Schema version to set.' },
  REPLACE_NULL_WITH_DEFAULT_KEY,
]);

/** org.apache.kafka.connect.transforms.SetSchemaMetadata$Key / $Value: renames and/or re-versions the key or value schema. */
export class SetSchemaMetadata implements Transformation {
  #name: string | null = null;
  #version: number | null = null;
  #replaceNullWithDefault = true;

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return SET_SCHEMA_METADATA_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = SET_SCHEMA_METADATA_CONFIG_DEF.parse(props);
    this.#name = config.getString('schema.name');
    this.#version = config.get('schema.version') as number | null;
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
    if (this.#name === null && this.#version === null) throw new ConfigError('Neither schema name nor version configured');
  }

  apply(record: SinkRecord): SinkRecord {
    const value = operatingValue(record, this.part);
    const schema = operatingSchema(record, this.part);
    if ((value === null || value === undefined) && schema === null) return record;
    const current = requireSchema(schema, 'updating schema metadata');
    const updated: Record<string, unknown> = { ...current };
    if (this.#name !== null) updated.name = this.#name;
    if (this.#version !== null) updated.version = this.#version;
    if (current.type !== SchemaType.MAP) delete updated.keySchema;
    if (current.type !== SchemaType.MAP && current.type !== SchemaType.ARRAY) delete updated.valueSchema;
    const updatedSchema = Object.freeze(updated) as unknown as Schema;
    return withPart(record, this.part, updatedSchema, this.#updateSchemaIn(value, updatedSchema));
  }

  /** A struct value is copied (defaults applied per replace.null.with.default) as Kafka rebinds it to the new schema. */
  #updateSchemaIn(value: unknown, schema: Schema): unknown {
    if (schema.type !== SchemaType.STRUCT || !isPlainObject(value)) return value;
    const copy: Record<string, unknown> = {};
    for (const field of schema.fields ?? []) setOwn(copy, field.name, structGet(value, field, this.#replaceNullWithDefault));
    return copy;
  }
}

export const setSchemaMetadataPlugins = keyValuePlugins('SetSchemaMetadata', SET_SCHEMA_METADATA_OVERVIEW_DOC, (part) => new SetSchemaMetadata(part));
