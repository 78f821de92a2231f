import { ConfigDef, ConfigType, DataError, Importance, SimpleDateFormat, type SinkRecord, type Transformation } from '../plugin/index.js';
import { transformationPlugin } from './util/plugins.js';

export const TIMESTAMP_ROUTER_OVERVIEW_DOC =
  "Update the record's topic field as a function of the original topic value and the record timestamp.<p/>" +
  'This is mainly useful for sink connectors, since the topic field is often used to determine the equivalent entity name in the destination system' +
  '(e.g. database table or search index name).';

export const TIMESTAMP_ROUTER_CONFIG_DEF = new ConfigDef([
  {
    name: 'topic.format',
    type: ConfigType.STRING,
    defaultValue: '${topic}-${timestamp}',
    importance: Importance.HIGH,
    documentation:
      'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.',
  },
  {
    name: 'timestamp.format',
    type: ConfigType.STRING,
    defaultValue: 'yyyyMMdd',
    importance: Importance.HIGH,
    documentation: 'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
  },
]);

/**
 * org.apache.kafka.connect.transforms.TimestampRouter: the topic becomes `topic.format` with `${topic}` and
 * `${timestamp}` (the record timestamp in UTC, as `timestamp.format`) filled in. Offsets stay those of the
 * consumed topic.
 */
export class TimestampRouter implements Transformation {
  #topicFormat = '${topic}-${timestamp}';
  #timestampFormat = new SimpleDateFormat('yyyyMMdd');

  config(): ConfigDef {
    return TIMESTAMP_ROUTER_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = TIMESTAMP_ROUTER_CONFIG_DEF.parse(props);
    this.#topicFormat = config.getString('topic.format') ?? '';
    this.#timestampFormat = new SimpleDateFormat(config.getString('timestamp.format') ?? '');
  }

  apply(record: SinkRecord): SinkRecord {
    if (record.timestamp === null) {
      throw new DataError(
        `Timestamp missing on record: SinkRecord{kafkaOffset=${record.kafkaOffset}} ConnectRecord{topic='${record.topic}', kafkaPartition=${record.kafkaPartition}, timestamp=null}`,
      );
    }
    const timestamp = this.#timestampFormat.format(new Date(record.timestamp));
    const topic = this.#topicFormat.replaceAll('${topic}', () => record.topic).replaceAll('${timestamp}', () => timestamp);
    return { ...record, topic };
  }
}

export const timestampRouterPlugin = transformationPlugin('TimestampRouter', TIMESTAMP_ROUTER_OVERVIEW_DOC, () => new TimestampRouter());
