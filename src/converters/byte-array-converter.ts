import { ConfigDef, SchemaType, type Converter, type ConverterPlugin, type Header, type Schema, type SchemaAndValue } from '../plugin/index.js';
import { CONVERTER_TYPE_KEY, KAFKA_VERSION } from './converter-config.js';

/** Kafka's ByteArrayConverter ConfigDef: ConverterConfig.newConfigDef() and nothing else. */
export const BYTE_ARRAY_CONVERTER_CONFIG_DEF = new ConfigDef([CONVERTER_TYPE_KEY]);

export const OPTIONAL_BYTES_SCHEMA: Schema = Object.freeze({ type: SchemaType.BYTES, optional: true });

/** org.apache.kafka.connect.converters.ByteArrayConverter: the bytes as they are, with an optional bytes schema. */
export class ByteArrayConverter implements Converter {
  config(): ConfigDef {
    return BYTE_ARRAY_CONVERTER_CONFIG_DEF;
  }

  configure(): void {
    // nothing to configure, as in Kafka
  }

  toConnectData(_topic: string, _headers: readonly Header[], value: Uint8Array | null): SchemaAndValue {
    return { schema: OPTIONAL_BYTES_SCHEMA, value };
  }
}

export const byteArrayConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.converters.ByteArrayConverter',
  aliases: ['ByteArrayConverter', 'ByteArray'],
  version: KAFKA_VERSION,
  isHeaderConverter: true,
  create: () => new ByteArrayConverter(),
};
