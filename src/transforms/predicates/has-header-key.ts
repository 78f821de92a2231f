import { ConfigDef, ConfigType, Importance, Validators, type Predicate, type SinkRecord } from '../../plugin/index.js';
import { predicatePlugin } from '../util/predicate-plugin.js';

export const HAS_HEADER_KEY_OVERVIEW_DOC = 'A predicate which is true for records with at least one header with the configured name.';

export const HAS_HEADER_KEY_CONFIG_DEF = new ConfigDef([
  { name: 'name', type: ConfigType.STRING, validator: Validators.nonEmptyString(), importance: Importance.MEDIUM, documentation: 'The header name.' },
]);

/** org.apache.kafka.connect.transforms.predicates.HasHeaderKey: true when the record has a header of that name. */
export class HasHeaderKey implements Predicate {
  #name = '';

  config(): ConfigDef {
    return HAS_HEADER_KEY_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.#name = HAS_HEADER_KEY_CONFIG_DEF.parse(props).getString('name') ?? '';
  }

  test(record: SinkRecord): boolean {
    return record.headers.some((h) => h.key === this.#name);
  }
}

export const hasHeaderKeyPlugin = predicatePlugin('HasHeaderKey', HAS_HEADER_KEY_OVERVIEW_DOC, () => new HasHeaderKey());
