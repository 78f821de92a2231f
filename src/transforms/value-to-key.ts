import { ConfigDef, ConfigType, DataError, Importance, type SinkRecord, type Transformation } from '../plugin/index.js';
import { nonEmptyList, REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import { fieldOf, mapGet, requireMap, requireStruct, SchemaCache, setOwn, structGet, structSchema } from './util/connect-data.js';
import { transformationPlugin } from './util/plugins.js';

export const VALUE_TO_KEY_OVERVIEW_DOC = 'Replace the record key with a new key formed from a subset of fields in the record value.';

const PURPOSE = 'copying fields from value to key';

export const VALUE_TO_KEY_CONFIG_DEF = new ConfigDef([
  {
    name: 'fields',
    type: ConfigType.LIST,
    validator: nonEmptyList(),
    importance: Importance.HIGH,
    documentation: 'Field names on the record value to extract as the record key.',
  },
  REPLACE_NULL_WITH_DEFAULT_KEY,
]);

/** org.apache.kafka.connect.transforms.ValueToKey: the key becomes a struct (or map) of some of the value's fields. */
export class ValueToKey implements Transformation {
  #fields: string[] = [];
  #replaceNullWithDefault = true;
  readonly #schemas = new SchemaCache();

  config(): ConfigDef {
    return VALUE_TO_KEY_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = VALUE_TO_KEY_CONFIG_DEF.parse(props);
    this.#fields = config.getList('fields');
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
  }

  apply(record: SinkRecord): SinkRecord {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key: Record<string, unknown> = {};
      for (const field of this.#fields) setOwn(key, field, mapGet(value, field));
      return { ...record, keySchema: null, key };
    }
    const schema = record.valueSchema;
    const value = requireStruct(record.value, schema, PURPOSE);
    const keySchema = this.#schemas.get(schema, (s) =>
      structSchema(
        this.#fields.map((name) => {
          const field = fieldOf(s, name);
          if (!field) throw new DataError(`Field does not exist: ${name}`);
          return [name, field.schema] as const;
        }),
      ),
    );
    const key: Record<string, unknown> = {};
    for (const name of this.#fields) setOwn(key, name, structGet(value, fieldOf(schema, name)!, this.#replaceNullWithDefault));
    return { ...record, keySchema, key };
  }
}

export const valueToKeyPlugin = transformationPlugin('ValueToKey', VALUE_TO_KEY_OVERVIEW_DOC, () => new ValueToKey());
