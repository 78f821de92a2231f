import { ConfigDef, ConfigType, Importance, Validators, Values, type SchemaAndValue, type SinkRecord, type Transformation } from '../plugin/index.js';
import { transformationPlugin } from './util/plugins.js';

export const INSERT_HEADER_OVERVIEW_DOC = 'Add a header to each record.';

export const INSERT_HEADER_CONFIG_DEF = new ConfigDef([
  { name: 'header', type: ConfigType.STRING, validator: Validators.nonNull(), importance: Importance.HIGH, documentation: 'The name of the header.' },
  {
    name: 'value.literal',
    type: ConfigType.STRING,
    validator: Validators.nonNull(),
    importance: Importance.HIGH,
    documentation: 'The literal value that is to be set as the header value on all records.',
  },
]);

/** org.apache.kafka.connect.transforms.InsertHeader: adds one header, its value typed as Values.parseString types it. */
export class InsertHeader implements Transformation {
  #header = '';
  #literal: SchemaAndValue = { schema: null, value: null };

  config(): ConfigDef {
    return INSERT_HEADER_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = INSERT_HEADER_CONFIG_DEF.parse(props);
    this.#header = config.getString('header') ?? '';
    this.#literal = Values.parseString(config.getString('value.literal'));
  }

  apply(record: SinkRecord): SinkRecord {
    return { ...record, headers: [...record.headers, { key: this.#header, value: null, converted: this.#literal }] };
  }
}

export const insertHeaderPlugin = transformationPlugin('InsertHeader', INSERT_HEADER_OVERVIEW_DOC, () => new InsertHeader());
