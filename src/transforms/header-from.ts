import { ConfigDef, ConfigError, ConfigType, Importance, Validators, type Header, type Schema, type SinkRecord, type Transformation } from '../plugin/index.js';
import { nonEmptyList, REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import {
  copyMap,
  fieldOf,
  mapDelete,
  mapGet,
  requireMap,
  requireStruct,
  SchemaCache,
  schemaBasics,
  setOwn,
  structGet,
  structSchema,
} from './util/connect-data.js';
import { keyValuePlugins, TRANSFORMS_PACKAGE } from './util/plugins.js';
import { operatingSchema, operatingValue, type RecordPart } from './util/record-part.js';

export const HEADER_FROM_OVERVIEW_DOC =
  "Moves or copies fields in the key/value of a record into that record's headers. " +
  'Corresponding elements of <code>fields</code> and <code>headers</code> together identify a field and the header it should be moved or copied to. ' +
  `Use the concrete transformation type designed for the record key (<code>${TRANSFORMS_PACKAGE}.HeaderFrom$Key</code>) or value (<code>${TRANSFORMS_PACKAGE}.HeaderFrom$Value</code>).`;

export const HEADER_FROM_CONFIG_DEF = new ConfigDef([
  {
    name: 'fields',
    type: ConfigType.LIST,
    validator: nonEmptyList(),
    importance: Importance.HIGH,
    documentation: 'Field names in the record whose values are to be copied or moved to headers.',
  },
  {
    name: 'headers',
    type: ConfigType.LIST,
    validator: nonEmptyList(),
    importance: Importance.HIGH,
    documentation: 'Header names, in the same order as the field names listed in the fields configuration property.',
  },
  {
    name: 'operation',
    type: ConfigType.STRING,
    validator: Validators.oneOf('move', 'copy'),
    importance: Importance.HIGH,
    documentation:
      'Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).',
  },
  REPLACE_NULL_WITH_DEFAULT_KEY,
]);

/** org.apache.kafka.connect.transforms.HeaderFrom$Key / $Value: fields of the key or value become headers. */
export class HeaderFrom implements Transformation {
  #fields: string[] = [];
  #headers: string[] = [];
  #move = false;
  #replaceNullWithDefault = true;
  readonly #moveSchemas = new SchemaCache();

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return HEADER_FROM_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = HEADER_FROM_CONFIG_DEF.parse(props);
    this.#fields = config.getList('fields');
    this.#headers = config.getList('headers');
    if (this.#fields.length !== this.#headers.length) throw new ConfigError("'fields' config must have the same number of elements as 'headers' config.");
    this.#move = config.getString('operation') === 'move';
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
  }

  apply(record: SinkRecord): SinkRecord {
    const schema = operatingSchema(record, this.part);
    const value = operatingValue(record, this.part);
    const purpose = `header ${this.#move ? 'move' : 'copy'}`;
    const headers: Header[] = [...record.headers];
    if (schema === null) {
      const map = requireMap(value, purpose);
      const updated = copyMap(map);
      this.#fields.forEach((field, i) => {
        if (this.#move) mapDelete(updated, field);
        headers.push({ key: this.#headers[i], value: null, converted: { schema: null, value: mapGet(map, field) } });
      });
      return this.#newRecord(record, null, updated, headers);
    }
    const struct = requireStruct(value, schema, purpose);
    let updatedSchema = schema;
    let updated = struct;
    if (this.#move) {
      updatedSchema = this.#moveSchemas.get(schema, (s) =>
        structSchema(
          (s.fields ?? []).filter((f) => !this.#fields.includes(f.name)).map((f) => [f.name, f.schema] as const),
          schemaBasics(s),
        ),
      );
      updated = {};
      for (const field of updatedSchema.fields ?? []) setOwn(updated, field.name, structGet(struct, field, this.#replaceNullWithDefault));
    }
    this.#fields.forEach((name, i) => {
      const field = fieldOf(schema, name);
      // Kafka fails with a NullPointerException on a field the schema does not have
      if (!field) throw new TypeError(`Cannot read the schema of field ${name}: the ${this.part} schema has no such field`);
      headers.push({
        key: this.#headers[i],
        value: null,
        converted: { schema: field.schema as Schema, value: structGet(struct, field, this.#replaceNullWithDefault) },
      });
    });
    return this.#newRecord(record, updatedSchema, updated, headers);
  }

  #newRecord(record: SinkRecord, schema: Schema | null, value: unknown, headers: readonly Header[]): SinkRecord {
    return this.part === 'key' ? { ...record, keySchema: schema, key: value, headers } : { ...record, valueSchema: schema, value, headers };
  }
}

export const headerFromPlugins = keyValuePlugins('HeaderFrom', HEADER_FROM_OVERVIEW_DOC, (part) => new HeaderFrom(part));
