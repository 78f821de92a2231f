import { ConfigDef, ConfigType, DataError, Importance, type SinkRecord, type Transformation } from '../plugin/index.js';
import { REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import { requireMapOrNull, requireStructOrNull } from './util/connect-data.js';
import { FIELD_SYNTAX_VERSION_KEY, SingleFieldPath } from './util/field-path.js';
import { keyValueDoc, keyValuePlugins } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const EXTRACT_FIELD_OVERVIEW_DOC =
  'Extract the specified field from a Struct when schema present, or a Map in the case of schemaless data. Any null values are passed through unmodified.' +
  keyValueDoc('ExtractField');

const PURPOSE = 'field extraction';

export const EXTRACT_FIELD_CONFIG_DEF = new ConfigDef([
  { name: 'field', type: ConfigType.STRING, importance: Importance.MEDIUM, documentation: 'Field name to extract.' },
  REPLACE_NULL_WITH_DEFAULT_KEY,
  FIELD_SYNTAX_VERSION_KEY,
]);

/** org.apache.kafka.connect.transforms.ExtractField$Key / $Value: the key or value becomes one of its fields. */
export class ExtractField implements Transformation {
  #path = new SingleFieldPath('', 'V1');
  #originalPath = '';
  #replaceNullWithDefault = true;

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return EXTRACT_FIELD_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = EXTRACT_FIELD_CONFIG_DEF.parse(props);
    this.#originalPath = config.getString('field') ?? '';
    this.#path = new SingleFieldPath(this.#originalPath, SingleFieldPath.version(config.getString('field.syntax.version') ?? 'V1'));
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
  }

  apply(record: SinkRecord): SinkRecord {
    const schema = operatingSchema(record, this.part);
    const value = operatingValue(record, this.part);
    if (schema === null) {
      const map = requireMapOrNull(value, PURPOSE);
      return withPart(record, this.part, null, map === null ? null : this.#path.valueFromMap(map));
    }
    const struct = requireStructOrNull(value, schema, PURPOSE);
    const field = this.#path.fieldFrom(schema);
    // Kafka throws IllegalArgumentException; a record without the field is a bad record, so a DataError here
    if (!field) throw new DataError(`Unknown field: ${this.#originalPath}`);
    return withPart(record, this.part, field.schema, struct === null ? null : this.#path.valueFromStruct(struct, schema, this.#replaceNullWithDefault));
  }
}

export const extractFieldPlugins = keyValuePlugins('ExtractField', EXTRACT_FIELD_OVERVIEW_DOC, (part) => new ExtractField(part));
