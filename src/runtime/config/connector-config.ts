/**
 * The framework's keys of every sink connector (Kafka's ConnectorConfig.configDef() + SinkConnectorConfig)
 * and the sink cross-field rules. The dynamic `transforms.<a>.*` / `predicates.<p>.*` keys are in
 * transformation-config.ts.
 * The validation algorithm that combines them with the plugin's keys lives in connector-validation.ts.
 */
import {
  ConfigDef,
  ConfigType,
  Importance,
  Width,
  invalidValue,
  javaRegex,
  javaTrim,
  matchesWhole,
  parseType,
  newConfigValue,
  Validators,
  type ConfigKey,
  type ConfigValue,
  type JavaPattern,
  type PredicatePlugin,
  type TransformationPlugin,
  type Validator,
} from '../../plugin/index.js';
import { pluginVersionValidator } from './plugin-version.js';

const COMMON_GROUP = 'Common';
export const TRANSFORMS_GROUP = 'Transforms';
export const PREDICATES_GROUP = 'Predicates';
const ERROR_GROUP = 'Error Handling';

export const TASKS_MAX_CONFIG = 'tasks.max';
export const TASKS_MAX_ENFORCE_CONFIG = 'tasks.max.enforce';
export const TOPICS_CONFIG = 'topics';
export const TOPICS_REGEX_CONFIG = 'topics.regex';
export const DLQ_TOPIC_NAME_CONFIG = 'errors.deadletterqueue.topic.name';
export const KEY_CONVERTER_CLASS_CONFIG = 'key.converter';
export const VALUE_CONVERTER_CLASS_CONFIG = 'value.converter';
export const HEADER_CONVERTER_CLASS_CONFIG = 'header.converter';
export const CONNECTOR_CLASS_CONFIG = 'connector.class';
export const NAME_CONFIG = 'name';
export const TASK_CLASS_CONFIG = 'task.class';
/** KIP-891 (Kafka 4.1): the plugin version a connector config asks for, as a Maven version range. */
export const CONNECTOR_VERSION_CONFIG = 'connector.plugin.version';
export const KEY_CONVERTER_VERSION_CONFIG = 'key.converter.plugin.version';
export const VALUE_CONVERTER_VERSION_CONFIG = 'value.converter.plugin.version';
export const HEADER_CONVERTER_VERSION_CONFIG = 'header.converter.plugin.version';

const CONVERTER_DOC = (what: string): string =>
  'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.' +
  ` This controls the format of the ${what} in messages written to or read from Kafka, and since this is` +
  ' independent of connectors it allows any connector to work with any serialization format.' +
  ' Examples of common formats include JSON and Avro.';

/** Kafka's aliasValidator: the list must be non-null and its aliases unique. */
function uniqueAliases(): Validator {
  return Validators.all(Validators.nonNull(), (name, value) => {
    const aliases = value as string[];
    if (new Set(aliases).size < aliases.length) throw invalidValue(name, aliases, 'Duplicate alias provided.');
  });
}

/**
 * The framework's sink keys, in Kafka's definition order (which is also the order of the validate output).
 * Documentation strings are Kafka's, so validate output and plugin config listings match a Kafka worker.
 * CLASS keys carry no plugin-kind check here; `sinkConnectorConfigDef(checks)` adds them.
 */
export const SINK_CONNECTOR_CONFIG_KEYS: readonly ConfigKey[] = [
  {
    name: NAME_CONFIG,
    type: ConfigType.STRING,
    validator: Validators.nonEmptyStringWithoutControlChars(),
    importance: Importance.HIGH,
    documentation: 'Globally unique name to use for this connector.',
    group: COMMON_GROUP,
    orderInGroup: 1,
    width: Width.MEDIUM,
    displayName: 'Connector name',
  },
  {
    name: CONNECTOR_CLASS_CONFIG,
    type: ConfigType.STRING,
    importance: Importance.HIGH,
    documentation:
      'Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector. ' +
      'If the connector is org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full name, ' +
      ' or use "FileStreamSink" or "FileStreamSinkConnector" to make the configuration a bit shorter',
    group: COMMON_GROUP,
    orderInGroup: 2,
    width: Width.LONG,
    displayName: 'Connector class',
  },
  {
    name: CONNECTOR_VERSION_CONFIG,
    type: ConfigType.STRING,
    defaultValue: null,
    validator: pluginVersionValidator(),
    importance: Importance.MEDIUM,
    documentation: 'Version of the connector.',
    group: COMMON_GROUP,
    orderInGroup: 3,
    width: Width.MEDIUM,
    displayName: 'Connector version',
  },
  {
    name: TASKS_MAX_CONFIG,
    type: ConfigType.INT,
    defaultValue: 1,
    validator: Validators.atLeast(1),
    importance: Importance.HIGH,
    documentation: 'Maximum number of tasks to use for this connector.',
    group: COMMON_GROUP,
    orderInGroup: 4,
    width: Width.SHORT,
    displayName: 'Tasks max',
  },
  {
    name: TASKS_MAX_ENFORCE_CONFIG,
    type: ConfigType.BOOLEAN,
    defaultValue: true,
    importance: Importance.LOW,
    documentation:
      '(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. ' +
      'By default, connectors that generate too many tasks will fail, and existing sets of tasks that exceed the tasks.max property will also be failed. ' +
      'If this property is set to false, then connectors will be allowed to generate more than the maximum number of tasks, and existing sets of ' +
      'tasks that exceed the tasks.max property will be allowed to run. ' +
      'This property is deprecated and will be removed in an upcoming major release.',
    group: COMMON_GROUP,
    orderInGroup: 5,
    width: Width.SHORT,
    displayName: 'Enforce tasks max',
  },
  {
    name: KEY_CONVERTER_CLASS_CONFIG,
    type: ConfigType.CLASS,
    defaultValue: null,
    importance: Importance.LOW,
    documentation: CONVERTER_DOC('keys'),
    group: COMMON_GROUP,
    orderInGroup: 6,
    width: Width.SHORT,
    displayName: 'Key converter class',
  },
  {
    name: KEY_CONVERTER_VERSION_CONFIG,
    type: ConfigType.STRING,
    defaultValue: null,
    validator: pluginVersionValidator(),
    importance: Importance.LOW,
    documentation: 'Version of the key converter.',
    group: COMMON_GROUP,
    orderInGroup: 7,
    width: Width.SHORT,
    displayName: 'Key converter version',
  },
  {
    name: VALUE_CONVERTER_CLASS_CONFIG,
    type: ConfigType.CLASS,
    defaultValue: null,
    importance: Importance.LOW,
    documentation: CONVERTER_DOC('values'),
    group: COMMON_GROUP,
    orderInGroup: 8,
    width: Width.SHORT,
    displayName: 'Value converter class',
  },
  {
    name: VALUE_CONVERTER_VERSION_CONFIG,
    type: ConfigType.STRING,
    defaultValue: null,
    validator: pluginVersionValidator(),
    importance: Importance.LOW,
    documentation: 'Version of the value converter.',
    group: COMMON_GROUP,
    orderInGroup: 9,
    width: Width.SHORT,
    displayName: 'Value converter version',
  },
  {
    name: HEADER_CONVERTER_CLASS_CONFIG,
    type: ConfigType.CLASS,
    // no default: absent means "use the worker's header converter"
    defaultValue: null,
    importance: Importance.LOW,
    documentation:
      'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.' +
      ' This controls the format of the header values in messages written to or read from Kafka, and since this is' +
      ' independent of connectors it allows any connector to work with any serialization format.' +
      ' Examples of common formats include JSON and Avro. By default, the SimpleHeaderConverter is used to serialize' +
      ' header values to strings and deserialize them by inferring the schemas.',
    group: COMMON_GROUP,
    orderInGroup: 10,
    width: Width.SHORT,
    displayName: 'Header converter class',
  },
  {
    name: HEADER_CONVERTER_VERSION_CONFIG,
    type: ConfigType.STRING,
    defaultValue: null,
    validator: pluginVersionValidator(),
    importance: Importance.LOW,
    documentation: 'Version of the header converter.',
    group: COMMON_GROUP,
    orderInGroup: 11,
    width: Width.SHORT,
    displayName: 'Header converter version',
  },
  {
    name: 'transforms',
    type: ConfigType.LIST,
    defaultValue: [],
    validator: uniqueAliases(),
    importance: Importance.LOW,
    documentation: 'Aliases for the transformations to be applied to records.',
    group: TRANSFORMS_GROUP,
    orderInGroup: 12,
    width: Width.LONG,
    displayName: 'Transforms',
  },
  {
    name: 'predicates',
    type: ConfigType.LIST,
    defaultValue: [],
    validator: uniqueAliases(),
    importance: Importance.LOW,
    documentation: 'Aliases for the predicates used by transformations.',
    group: PREDICATES_GROUP,
    orderInGroup: 13,
    width: Width.LONG,
    displayName: 'Predicates',
  },
  {
    name: 'config.action.reload',
    type: ConfigType.STRING,
    defaultValue: 'restart',
    validator: Validators.oneOf('none', 'restart'),
    importance: Importance.LOW,
    documentation:
      "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties. " +
      "A value of 'none' indicates that Connect will do nothing. " +
      "A value of 'restart' indicates that Connect should restart/reload the connector with the updated configuration properties." +
      'The restart may actually be scheduled in the future if the external configuration provider indicates that a configuration value will expire in the future.',
    group: COMMON_GROUP,
    orderInGroup: 14,
    width: Width.MEDIUM,
    displayName: 'Reload Action',
  },
  {
    name: 'errors.retry.timeout',
    type: ConfigType.LONG,
    defaultValue: 0,
    importance: Importance.MEDIUM,
    documentation:
      'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.',
    group: ERROR_GROUP,
    orderInGroup: 1,
    width: Width.MEDIUM,
    displayName: 'Retry Timeout for Errors',
  },
  {
    name: 'errors.retry.delay.max.ms',
    type: ConfigType.LONG,
    defaultValue: 60000,
    importance: Importance.MEDIUM,
    documentation:
      'The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.',
    group: ERROR_GROUP,
    orderInGroup: 2,
    width: Width.MEDIUM,
    displayName: 'Maximum Delay Between Retries for Errors',
  },
  {
    name: 'errors.tolerance',
    type: ConfigType.STRING,
    defaultValue: 'none',
    validator: Validators.oneOf('none', 'all'),
    importance: Importance.MEDIUM,
    documentation:
      "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
    group: ERROR_GROUP,
    orderInGroup: 3,
    width: Width.SHORT,
    displayName: 'Error Tolerance',
  },
  {
    name: 'errors.log.enable',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation:
      "If true, write each error and the details of the failed operation and problematic record to the Connect application log. This is 'false' by default, so that only errors that are not tolerated are reported.",
    group: ERROR_GROUP,
    orderInGroup: 4,
    width: Width.SHORT,
    displayName: 'Log Errors',
  },
  {
    name: 'errors.log.include.messages',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation:
      'Whether to include in the log the Connect record that resulted in a failure. ' +
      'For sink records, the topic, partition, offset, and timestamp will be logged. ' +
      'For source records, the key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged. ' +
      "This is 'false' by default, which will prevent record keys, values, and headers from being written to log files.",
    group: ERROR_GROUP,
    orderInGroup: 5,
    width: Width.SHORT,
    displayName: 'Log Error Details',
  },
  {
    name: TOPICS_CONFIG,
    type: ConfigType.LIST,
    defaultValue: '',
    importance: Importance.HIGH,
    documentation: 'List of topics to consume, separated by commas',
    group: COMMON_GROUP,
    // Kafka gives topics, topics.regex and tasks.max.enforce the same order (4)
    orderInGroup: 4,
    width: Width.LONG,
    displayName: 'Topics',
  },
  {
    name: TOPICS_REGEX_CONFIG,
    type: ConfigType.STRING,
    defaultValue: '',
    validator: Validators.validRegex(),
    importance: Importance.HIGH,
    documentation:
      'Regular expression giving topics to consume. Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. ' +
      'Only one of topics or topics.regex should be specified.',
    group: COMMON_GROUP,
    orderInGroup: 4,
    width: Width.LONG,
    displayName: 'Topics regex',
  },
  {
    name: DLQ_TOPIC_NAME_CONFIG,
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.MEDIUM,
    documentation:
      'The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. ' +
      'The topic name is blank by default, which means that no messages are to be recorded in the DLQ.',
    group: ERROR_GROUP,
    orderInGroup: 6,
    width: Width.MEDIUM,
    displayName: 'Dead Letter Queue Topic Name',
  },
  {
    name: 'errors.deadletterqueue.topic.replication.factor',
    type: ConfigType.SHORT,
    defaultValue: 3,
    importance: Importance.MEDIUM,
    documentation: "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
    group: ERROR_GROUP,
    orderInGroup: 7,
    width: Width.MEDIUM,
    displayName: 'Dead Letter Queue Topic Replication Factor',
  },
  {
    name: 'errors.deadletterqueue.context.headers.enable',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation:
      'If true, add headers containing error context to the messages written to the dead letter queue. ' +
      'To avoid clashing with headers from the original record, all error context header keys, all error context header keys will start with <code>__connect.errors.</code>',
    group: ERROR_GROUP,
    orderInGroup: 8,
    width: Width.MEDIUM,
    displayName: 'Enable Error Context Headers',
  },
];

/** The sink keys without plugin-kind checks: for parsing stored configs and listing plugin configs. */
export const SINK_CONNECTOR_CONFIG_DEF = new ConfigDef(SINK_CONNECTOR_CONFIG_KEYS);

/** Plugin-kind checks of the CLASS keys, which need the plugin registry. */
export interface ClassKindChecks {
  /** Validator of `key.converter` / `value.converter` (concrete Converter, instantiable). */
  converter: Validator;
  /** Validator of `header.converter`. */
  headerConverter: Validator;
  /** Message when a loadable class given as a transformation or predicate type is not one. */
  notA(kind: 'Transformation' | 'Predicate', className: string): string;
  /** The installed transformation or predicate of that class name or alias. */
  component(kind: 'Transformation' | 'Predicate', classOrAlias: string): TransformationPlugin | PredicatePlugin | undefined;
  /** Every installed transformation or predicate, by class name (the recommended values of `<alias>.type`). */
  components(kind: 'Transformation' | 'Predicate'): readonly string[];
}

/**
 * The sink keys with their CLASS keys checked against the installed plugins (what validation uses), and
 * the defaults Kafka 4.1's enrichedConfigDef computes for one config (the connector's version, the
 * converters the worker would use and their versions) in place of the static null defaults.
 */
export function sinkConnectorConfigDef(checks: ClassKindChecks, defaults: Readonly<Record<string, string | null>> = {}): ConfigDef {
  const validators: Record<string, Validator> = {
    [KEY_CONVERTER_CLASS_CONFIG]: checks.converter,
    [VALUE_CONVERTER_CLASS_CONFIG]: checks.converter,
    [HEADER_CONVERTER_CLASS_CONFIG]: checks.headerConverter,
  };
  return new ConfigDef(
    SINK_CONNECTOR_CONFIG_KEYS.map((key) => {
      let out = validators[key.name] ? { ...key, validator: validators[key.name] } : key;
      if (Object.hasOwn(defaults, key.name)) out = { ...out, defaultValue: defaults[key.name] };
      return out;
    }),
  );
}

/** The sink keys with only the connector's own version as default (Kafka's enrichedConfigDef(plugins, class)). */
export function sinkConnectorConfigDefFor(connectorVersion: string | null): ConfigDef {
  return new ConfigDef(SINK_CONNECTOR_CONFIG_KEYS.map((key) => (key.name === CONNECTOR_VERSION_CONFIG ? { ...key, defaultValue: connectorVersion } : key)));
}

/** Apache Commons / Kafka Utils.isBlank, with Java's notion of whitespace. */
function isBlank(s: string | null | undefined): boolean {
  return s === null || s === undefined || javaTrim(s) === '';
}

/** Kafka's SinkConnectorConfig.parseTopicsList: entries trimmed, empties dropped, duplicates removed. */
export function parseTopicsList(props: Readonly<Record<string, string | null>>): string[] {
  const topics = parseType(TOPICS_CONFIG, props[TOPICS_CONFIG], ConfigType.LIST) as string[] | null;
  return [...new Set((topics ?? []).filter((t) => t !== ''))];
}

export function hasDlqTopic(props: Readonly<Record<string, string | null>>): boolean {
  return !isBlank(props[DLQ_TOPIC_NAME_CONFIG]);
}

/**
 * Kafka's SinkConnectorConfig.validate(props, values): topics / topics.regex exclusivity and the DLQ topic
 * not being consumed by the connector itself. Errors are added to `values` (entries created if absent).
 */
export function validateSinkTopics(props: Readonly<Record<string, string | null>>, values: Map<string, ConfigValue>): void {
  const topicsList = props[TOPICS_CONFIG];
  const topicsRegex = props[TOPICS_REGEX_CONFIG];
  const dlqTopic = javaTrim(props[DLQ_TOPIC_NAME_CONFIG] ?? '');
  const hasTopics = !isBlank(topicsList);
  const hasRegex = !isBlank(topicsRegex);
  const addError = (name: string, value: string | null | undefined, message: string): void => {
    let entry = values.get(name);
    if (!entry) values.set(name, (entry = newConfigValue(name, value ?? null)));
    entry.errors.push(message);
  };

  if (hasTopics && hasRegex) {
    const message = `${TOPICS_CONFIG} and ${TOPICS_REGEX_CONFIG} are mutually exclusive options, but both are set.`;
    addError(TOPICS_CONFIG, topicsList, message);
    addError(TOPICS_REGEX_CONFIG, topicsRegex, message);
  }
  if (!hasTopics && !hasRegex) {
    const message = `Must configure one of ${TOPICS_CONFIG} or ${TOPICS_REGEX_CONFIG}`;
    addError(TOPICS_CONFIG, topicsList, message);
    addError(TOPICS_REGEX_CONFIG, topicsRegex, message);
  }
  if (dlqTopic === '') return;
  if (hasTopics) {
    const topics = parseTopicsList(props);
    if (topics.includes(dlqTopic)) {
      addError(
        TOPICS_CONFIG,
        topicsList,
        `The DLQ topic '${dlqTopic}' may not be included in the list of topics ('${TOPICS_CONFIG}=[${topics.join(', ')}]') consumed by the connector`,
      );
    }
  }
  if (hasRegex) {
    const pattern = javaPattern(topicsRegex!);
    // an invalid regex is already reported by the topics.regex validator
    if (pattern !== null && matchesWhole(pattern, dlqTopic) !== null) {
      addError(
        TOPICS_REGEX_CONFIG,
        topicsRegex,
        `The DLQ topic '${dlqTopic}' may not be matched by the regex for the topics ('${TOPICS_REGEX_CONFIG}=${topicsRegex}') consumed by the connector`,
      );
    }
  }
}

function javaPattern(regex: string): JavaPattern | null {
  try {
    return javaRegex(regex);
  } catch {
    return null;
  }
}
