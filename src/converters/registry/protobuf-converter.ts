import { ConfigDef, ConfigType, Importance, type ConfigKey, type ConverterPlugin, type ParsedConfig } from '../../plugin/index.js';
import { CONVERTER_TYPE_KEY } from '../converter-config.js';
import { REGISTRY_CONVERTER_VERSION } from './plugin-version.js';
import { compileProtobuf, readProtobuf, type CompiledProtobuf, type ProtobufDataOptions } from './protobuf-data.js';
import type { ResolvedSchema } from './registry-client.js';
import { REGISTRY_CLIENT_KEYS } from './registry-config.js';
import { RegistryConverter, type SchemaFormat } from './registry-converter.js';

/** The keys of Confluent's ProtobufDataConfig this converter honours (texts and defaults as Confluent's). */
export const PROTOBUF_DATA_KEYS: readonly ConfigKey[] = [
  {
    name: 'enhanced.protobuf.schema.support',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation: 'Toggle for enabling/disabling enhanced protobuf schema support: package name preservation',
  },
  {
    name: 'int.for.enums',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation: 'Whether to represent enums as integers',
  },
  {
    name: 'generate.index.for.unions',
    type: ConfigType.BOOLEAN,
    defaultValue: true,
    importance: Importance.LOW,
    documentation: 'Whether to suffix union names with an underscore followed by an index',
  },
];

export const PROTOBUF_CONVERTER_CONFIG_DEF = new ConfigDef([CONVERTER_TYPE_KEY, ...REGISTRY_CLIENT_KEYS, ...PROTOBUF_DATA_KEYS]);

class ProtobufFormat implements SchemaFormat<CompiledProtobuf> {
  readonly schemaType = 'PROTOBUF';
  readonly displayName = 'Protobuf';
  #options: ProtobufDataOptions = { enhancedSchemaSupport: false, intForEnums: false, generateIndexForUnions: true };

  configure(config: ParsedConfig): void {
    this.#options = {
      enhancedSchemaSupport: config.getBoolean('enhanced.protobuf.schema.support'),
      intForEnums: config.getBoolean('int.for.enums'),
      generateIndexForUnions: config.getBoolean('generate.index.for.unions'),
    };
  }

  compile(schema: ResolvedSchema): CompiledProtobuf {
    return compileProtobuf(schema.schema, schema.references, this.#options);
  }

  read(compiled: CompiledProtobuf, payload: Uint8Array) {
    return readProtobuf(compiled, payload);
  }
}

/**
 * io.confluent.connect.protobuf.ProtobufConverter, deserialising half: Protobuf messages in
 * Confluent's wire format (schema id, then message indexes), their schemas from a Schema Registry.
 */
export const protobufConverterPlugin: ConverterPlugin = {
  className: 'io.confluent.connect.protobuf.ProtobufConverter',
  aliases: [],
  version: REGISTRY_CONVERTER_VERSION,
  isHeaderConverter: false,
  create: () => new RegistryConverter(new ProtobufFormat(), PROTOBUF_CONVERTER_CONFIG_DEF),
};
