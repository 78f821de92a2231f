import {
  ConfigDef,
  ConfigError,
  ConfigType,
  Importance,
  javaRegex,
  javaReplacement,
  matchesWhole,
  unstableReplacementGroups,
  type JavaPattern,
  type SinkRecord,
  type Transformation,
} from '../plugin/index.js';
import { validJavaRegex } from './util/config.js';
import { transformationPlugin } from './util/plugins.js';

export const REGEX_ROUTER_OVERVIEW_DOC =
  'Update the record topic using the configured regular expression and replacement string.' +
  '<p/>Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. ' +
  'If the pattern matches the input topic, <code>java.util.regex.Matcher#replaceFirst()</code> is used with the replacement string to obtain the new topic.';

export const REGEX_ROUTER_CONFIG_DEF = new ConfigDef([
  {
    name: 'regex',
    type: ConfigType.STRING,
    validator: validJavaRegex(),
    importance: Importance.HIGH,
    documentation: 'Regular expression to use for matching.',
  },
  { name: 'replacement', type: ConfigType.STRING, importance: Importance.HIGH, documentation: 'Replacement string.' },
]);

/**
 * org.apache.kafka.connect.transforms.RegexRouter: a topic the regex matches as a whole is renamed to the
 * replacement (`$1` names a group). Offsets stay those of the consumed topic.
 */
export class RegexRouter implements Transformation {
  #regex: JavaPattern = javaRegex('');
  #replacement = '';

  config(): ConfigDef {
    return REGEX_ROUTER_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = REGEX_ROUTER_CONFIG_DEF.parse(props);
    this.#regex = javaRegex(config.getString('regex') ?? '');
    this.#replacement = config.getString('replacement') ?? '';
    const unstable = unstableReplacementGroups(this.#regex, this.#replacement);
    if (unstable.length > 0) {
      throw new ConfigError(
        `The replacement refers to group ${unstable[0]}, which lies in a repeated part of the regex: this worker's regex engine ` +
          'may give it another value than Java does (the group of an earlier repetition, or an empty one). Capture the repeated part as a whole instead.',
      );
    }
  }

  apply(record: SinkRecord): SinkRecord {
    const match = matchesWhole(this.#regex, record.topic);
    return match ? { ...record, topic: javaReplacement(match, this.#replacement) } : record;
  }
}

export const regexRouterPlugin = transformationPlugin('RegexRouter', REGEX_ROUTER_OVERVIEW_DOC, () => new RegexRouter());
