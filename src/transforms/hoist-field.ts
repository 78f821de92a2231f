import { ConfigDef, ConfigType, Importance, type SinkRecord, type Transformation } from '../plugin/index.js';
import { SchemaCache, setOwn, structSchema } from './util/connect-data.js';
import { keyValueDoc, keyValuePlugins } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const HOIST_FIELD_OVERVIEW_DOC = `Wrap data using the specified field name in a Struct when schema present, or a Map in the case of schemaless data.${keyValueDoc('HoistField')}`;

export const HOIST_FIELD_CONFIG_DEF = new ConfigDef([
  {
    name: 'field',
    type: ConfigType.STRING,
    importance: Importance.MEDIUM,
    documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
  },
]);

/** org.apache.kafka.connect.transforms.HoistField$Key / $Value: the key or value becomes the one field of a struct or map. */
export class HoistField implements Transformation {
  #field = '';
  readonly #schemas = new SchemaCache();

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return HOIST_FIELD_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.#field = HOIST_FIELD_CONFIG_DEF.parse(props).getString('field') ?? '';
  }

  apply(record: SinkRecord): SinkRecord {
    const schema = operatingSchema(record, this.part);
    const value = operatingValue(record, this.part);
    const hoisted: Record<string, unknown> = {};
    setOwn(hoisted, this.#field, value);
    if (schema === null) return withPart(record, this.part, null, hoisted);
    const updatedSchema = this.#schemas.get(schema, (s) => structSchema([[this.#field, s]]));
    return withPart(record, this.part, updatedSchema, hoisted);
  }
}

export const hoistFieldPlugins = keyValuePlugins('HoistField', HOIST_FIELD_OVERVIEW_DOC, (part) => new HoistField(part));
