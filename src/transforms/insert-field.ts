import { ConfigDef, ConfigError, ConfigType, Importance, invalidValue, type Schema, type SinkRecord, type Transformation } from '../plugin/index.js';
import { REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import { copyMap, mapSet, requireMap, requireStruct, SchemaCache, schemaBasics, Schemas, setOwn, structGet, structSchema } from './util/connect-data.js';
import { keyValueDoc, keyValuePlugins } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const INSERT_FIELD_OVERVIEW_DOC = `Insert field(s) using attributes from the record metadata or a configured static value.${keyValueDoc('InsertField')}`;

const PURPOSE = 'field insertion';
const OPTIONALITY_DOC = 'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).';

const field = (name: string, documentation: string) => ({ name, type: ConfigType.STRING, defaultValue: null, importance: Importance.MEDIUM, documentation });

export const INSERT_FIELD_CONFIG_DEF = new ConfigDef([
  field('topic.field', `Field name for Kafka topic. ${OPTIONALITY_DOC}`),
  field('partition.field', `Field name for Kafka partition. ${OPTIONALITY_DOC}`),
  field('offset.field', `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY_DOC}`),
  field('timestamp.field', `Field name for record timestamp. ${OPTIONALITY_DOC}`),
  field('static.field', `Field name for static data field. ${OPTIONALITY_DOC}`),
  field('static.value', 'Static field value, if field name configured.'),
  REPLACE_NULL_WITH_DEFAULT_KEY,
]);

/** A field to insert: `name` (optional), `name?` (optional) or `name!` (required). */
interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

/**
 * org.apache.kafka.connect.transforms.InsertField$Key / $Value: adds the record's topic, partition, offset,
 * timestamp and/or a static value as fields. Topic, partition and offset are the record's as it reaches
 * this transformation (after any router before it).
 */
export class InsertField implements Transformation {
  #topic: InsertionSpec | null = null;
  #partition: InsertionSpec | null = null;
  #offset: InsertionSpec | null = null;
  #timestamp: InsertionSpec | null = null;
  #static: InsertionSpec | null = null;
  #staticValue: string | null = null;
  #replaceNullWithDefault = true;
  readonly #schemas = new SchemaCache();

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return INSERT_FIELD_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = INSERT_FIELD_CONFIG_DEF.parse(props);
    this.#topic = parseSpec(config.getString('topic.field'));
    this.#partition = parseSpec(config.getString('partition.field'));
    this.#offset = parseSpec(config.getString('offset.field'));
    this.#timestamp = parseSpec(config.getString('timestamp.field'));
    this.#static = parseSpec(config.getString('static.field'));
    this.#staticValue = config.getString('static.value');
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
    if (!this.#topic && !this.#partition && !this.#offset && !this.#timestamp && !this.#static) throw new ConfigError('No field insertion configured');
    if (this.#static && this.#staticValue === null) {
      // Kafka prints its InsertionSpec object here; the field name says more
      throw invalidValue('static.value', null, `No value specified for static field: ${this.#static.name}`);
    }
  }

  apply(record: SinkRecord): SinkRecord {
    const value = operatingValue(record, this.part);
    if (value === null || value === undefined) return record;
    const schema = operatingSchema(record, this.part);
    if (schema === null) {
      const updated = copyMap(requireMap(value, PURPOSE));
      for (const [spec, inserted] of this.#inserted(record, false)) mapSet(updated, spec.name, inserted);
      return withPart(record, this.part, null, updated);
    }
    const struct = requireStruct(value, schema, PURPOSE);
    const updatedSchema = this.#schemas.get(schema, (s) => this.#updatedSchema(s));
    const updated: Record<string, unknown> = {};
    for (const f of schema.fields ?? []) setOwn(updated, f.name, structGet(struct, f, this.#replaceNullWithDefault));
    for (const [spec, inserted] of this.#inserted(record, true)) setOwn(updated, spec.name, inserted);
    return withPart(record, this.part, updatedSchema, updated);
  }

  #inserted(record: SinkRecord, withSchema: boolean): Array<[InsertionSpec, unknown]> {
    const out: Array<[InsertionSpec, unknown]> = [];
    if (this.#topic) out.push([this.#topic, record.topic]);
    if (this.#partition) out.push([this.#partition, record.kafkaPartition]);
    if (this.#offset) out.push([this.#offset, record.kafkaOffset]);
    if (this.#timestamp && record.timestamp !== null) out.push([this.#timestamp, withSchema ? new Date(record.timestamp) : record.timestamp]);
    if (this.#static && this.#staticValue !== null) out.push([this.#static, this.#staticValue]);
    return out;
  }

  #updatedSchema(schema: Schema): Schema {
    const fields: Array<readonly [string, Schema]> = (schema.fields ?? []).map((f) => [f.name, f.schema] as const);
    const add = (spec: InsertionSpec | null, optional: Schema, required: Schema): void => {
      if (spec) fields.push([spec.name, spec.optional ? optional : required]);
    };
    add(this.#topic, Schemas.OPTIONAL_STRING, Schemas.STRING);
    add(this.#partition, Schemas.OPTIONAL_INT32, Schemas.INT32);
    add(this.#offset, Schemas.OPTIONAL_INT64, Schemas.INT64);
    add(this.#timestamp, Schemas.OPTIONAL_TIMESTAMP, Schemas.TIMESTAMP);
    add(this.#static, Schemas.OPTIONAL_STRING, Schemas.STRING);
    return structSchema(fields, schemaBasics(schema));
  }
}

export const insertFieldPlugins = keyValuePlugins('InsertField', INSERT_FIELD_OVERVIEW_DOC, (part) => new InsertField(part));
