import { ConfigDef, Values, type Converter, type ConverterPlugin, type Header, type SchemaAndValue } from '../plugin/index.js';
import { KAFKA_VERSION } from './converter-config.js';

/** Kafka's SimpleHeaderConverter has an empty ConfigDef: `GET …/config` answers `[]`. */
export const SIMPLE_HEADER_CONVERTER_CONFIG_DEF = new ConfigDef([]);

const utf8 = new TextDecoder('utf-8');

/**
 * org.apache.kafka.connect.storage.SimpleHeaderConverter, the worker's default header converter: the
 * header bytes as UTF-8 text, then a typed value inferred from the text (see parseHeaderString).
 * A header converter only: it is never offered as a key or value converter.
 */
export class SimpleHeaderConverter implements Converter {
  config(): ConfigDef {
    return SIMPLE_HEADER_CONVERTER_CONFIG_DEF;
  }

  configure(): void {
    // nothing to configure, as in Kafka
  }

  toConnectHeader(_topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return Values.parseString(value === null ? null : utf8.decode(value));
  }

  toConnectData(topic: string, _headers: readonly Header[], value: Uint8Array | null): SchemaAndValue {
    return this.toConnectHeader(topic, '', value);
  }
}

export const simpleHeaderConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
  aliases: ['SimpleHeaderConverter', 'Simple'],
  version: KAFKA_VERSION,
  isHeaderConverter: true,
  isConverter: false,
  create: () => new SimpleHeaderConverter(),
};
