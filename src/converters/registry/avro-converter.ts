import { ConfigDef, ConfigType, Importance, type ConfigKey, type ConverterPlugin, type ParsedConfig } from '../../plugin/index.js';
import { CONVERTER_TYPE_KEY } from '../converter-config.js';
import { compileAvro, readAvro, type AvroDataOptions, type CompiledAvro } from './avro-data.js';
import { REGISTRY_CONVERTER_VERSION } from './plugin-version.js';
import type { ResolvedSchema } from './registry-client.js';
import { REGISTRY_CLIENT_KEYS } from './registry-config.js';
import { RegistryConverter, type SchemaFormat } from './registry-converter.js';

/** The keys of Confluent's AvroDataConfig that change what a sink receives (texts and defaults as Confluent's). */
export const AVRO_DATA_KEYS: readonly ConfigKey[] = [
  {
    name: 'connect.meta.data',
    type: ConfigType.BOOLEAN,
    defaultValue: true,
    importance: Importance.LOW,
    documentation: 'Toggle for enabling/disabling connect converter to add its meta data to the output schema or not',
  },
  {
    name: 'enhanced.avro.schema.support',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation: 'Toggle for enabling/disabling enhanced avro schema support: Enum symbol preservation and Package Name awareness',
  },
  {
    name: 'generalized.sum.type.support',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation: 'Toggle for enabling/disabling generalized sum type support: interoperability of enum/union with other schema formats',
  },
  {
    name: 'flatten.singleton.unions',
    type: ConfigType.BOOLEAN,
    defaultValue: true,
    importance: Importance.LOW,
    documentation: 'Whether to flatten singleton unions',
  },
];

export const AVRO_CONVERTER_CONFIG_DEF = new ConfigDef([CONVERTER_TYPE_KEY, ...REGISTRY_CLIENT_KEYS, ...AVRO_DATA_KEYS]);

class AvroFormat implements SchemaFormat<CompiledAvro> {
  readonly schemaType = 'AVRO';
  readonly displayName = 'Avro';
  #options: AvroDataOptions = { connectMetaData: true, enhancedSchemaSupport: false, generalizedSumTypeSupport: false, flattenSingletonUnions: true };

  configure(config: ParsedConfig): void {
    this.#options = {
      connectMetaData: config.getBoolean('connect.meta.data'),
      enhancedSchemaSupport: config.getBoolean('enhanced.avro.schema.support'),
      generalizedSumTypeSupport: config.getBoolean('generalized.sum.type.support'),
      flattenSingletonUnions: config.getBoolean('flatten.singleton.unions'),
    };
  }

  compile(schema: ResolvedSchema): CompiledAvro {
    return compileAvro(schema.schema, schema.references, this.#options);
  }

  read(compiled: CompiledAvro, payload: Uint8Array) {
    return readAvro(compiled, payload);
  }
}

/**
 * io.confluent.connect.avro.AvroConverter, deserialising half: Avro records in Confluent's wire
 * format, their schemas from a Schema Registry.
 */
export const avroConverterPlugin: ConverterPlugin = {
  className: 'io.confluent.connect.avro.AvroConverter',
  aliases: [],
  version: REGISTRY_CONVERTER_VERSION,
  isHeaderConverter: false,
  create: () => new RegistryConverter(new AvroFormat(), AVRO_CONVERTER_CONFIG_DEF),
};
