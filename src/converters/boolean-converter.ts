import { ConfigDef, DataError, SchemaType, type Converter, type ConverterPlugin, type Header, type Schema, type SchemaAndValue } from '../plugin/index.js';
import { CONVERTER_TYPE_KEY, KAFKA_VERSION } from './converter-config.js';

/** Kafka's BooleanConverterConfig: ConverterConfig.newConfigDef() and nothing else. */
export const BOOLEAN_CONVERTER_CONFIG_DEF = new ConfigDef([CONVERTER_TYPE_KEY]);

const OPTIONAL_BOOLEAN_SCHEMA: Schema = Object.freeze({ type: SchemaType.BOOLEAN, optional: true });

/**
 * org.apache.kafka.connect.converters.BooleanConverter: one byte, 0 or 1 (Kafka's BooleanSerializer),
 * with an optional boolean schema. Any other length or byte is a DataError worded like Kafka's.
 */
export class BooleanConverter implements Converter {
  config(): ConfigDef {
    return BOOLEAN_CONVERTER_CONFIG_DEF;
  }

  configure(): void {
    // converter.type only, which changes nothing when reading
  }

  toConnectData(_topic: string, _headers: readonly Header[], value: Uint8Array | null): SchemaAndValue {
    if (value === null) return { schema: OPTIONAL_BOOLEAN_SCHEMA, value: null };
    let problem: string | null = null;
    if (value.length !== 1) problem = 'Size of data received by BooleanDeserializer is not 1';
    else if (value[0] !== 0 && value[0] !== 1) problem = `Unexpected byte received by BooleanDeserializer: ${(value[0] << 24) >> 24}`;
    if (problem !== null) throw new DataError('Failed to deserialize boolean: ', { cause: new Error(problem) });
    return { schema: OPTIONAL_BOOLEAN_SCHEMA, value: value[0] === 1 };
  }

  toConnectHeader(topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, [], value);
  }
}

export const booleanConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.converters.BooleanConverter',
  aliases: ['BooleanConverter', 'Boolean'],
  version: KAFKA_VERSION,
  isHeaderConverter: true,
  create: () => new BooleanConverter(),
};
