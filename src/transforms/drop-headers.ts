import { ConfigDef, ConfigType, Importance, type SinkRecord, type Transformation } from '../plugin/index.js';
import { nonEmptyList } from './util/config.js';
import { transformationPlugin } from './util/plugins.js';

export const DROP_HEADERS_OVERVIEW_DOC = 'Removes one or more headers from each record.';

export const DROP_HEADERS_CONFIG_DEF = new ConfigDef([
  { name: 'headers', type: ConfigType.LIST, validator: nonEmptyList(), importance: Importance.HIGH, documentation: 'The name of the headers to be removed.' },
]);

/** org.apache.kafka.connect.transforms.DropHeaders: removes every header with one of the configured names. */
export class DropHeaders implements Transformation {
  #headers = new Set<string>();

  config(): ConfigDef {
    return DROP_HEADERS_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.#headers = new Set(DROP_HEADERS_CONFIG_DEF.parse(props).getList('headers'));
  }

  apply(record: SinkRecord): SinkRecord {
    return { ...record, headers: record.headers.filter((h) => !this.#headers.has(h.key)) };
  }
}

export const dropHeadersPlugin = transformationPlugin('DropHeaders', DROP_HEADERS_OVERVIEW_DOC, () => new DropHeaders());
