import {
  ConfigDef,
  ConfigType,
  Importance,
  invalidValue,
  JavaRegexError,
  javaRegex,
  matchesWhole,
  Validators,
  type JavaPattern,
  type Predicate,
  type SinkRecord,
} from '../../plugin/index.js';
import { validJavaRegex } from '../util/config.js';
import { predicatePlugin } from '../util/predicate-plugin.js';

export const TOPIC_NAME_MATCHES_OVERVIEW_DOC = 'A predicate which is true for records with a topic name that matches the configured regular expression.';

export const TOPIC_NAME_MATCHES_CONFIG_DEF = new ConfigDef([
  {
    name: 'pattern',
    type: ConfigType.STRING,
    validator: Validators.all(Validators.nonEmptyString(), validJavaRegex()),
    importance: Importance.MEDIUM,
    documentation: "A Java regular expression for matching against the name of a record's topic.",
  },
]);

/** org.apache.kafka.connect.transforms.predicates.TopicNameMatches: true when the whole topic name matches. */
export class TopicNameMatches implements Predicate {
  #pattern: JavaPattern = javaRegex('');

  config(): ConfigDef {
    return TOPIC_NAME_MATCHES_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const value = TOPIC_NAME_MATCHES_CONFIG_DEF.parse(props).getString('pattern') ?? '';
    try {
      this.#pattern = javaRegex(value);
    } catch (error) {
      if (!(error instanceof JavaRegexError)) throw error;
      throw invalidValue('pattern', value, `entry must be a Java-compatible regular expression: ${error.message}`);
    }
  }

  test(record: SinkRecord): boolean {
    return matchesWhole(this.#pattern, record.topic) !== null;
  }
}

export const topicNameMatchesPlugin = predicatePlugin('TopicNameMatches', TOPIC_NAME_MATCHES_OVERVIEW_DOC, () => new TopicNameMatches());
