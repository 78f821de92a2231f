import { ConfigDef, ConfigType, Importance, type ConfigKey, type ConverterPlugin, type ParsedConfig } from '../../plugin/index.js';
import { CONVERTER_TYPE_KEY } from '../converter-config.js';
import { compileJsonSchema, readJsonSchema, type CompiledJsonSchema, type JsonSchemaDataOptions } from './json-schema-data.js';
import { REGISTRY_CONVERTER_VERSION } from './plugin-version.js';
import type { ResolvedSchema } from './registry-client.js';
import { REGISTRY_CLIENT_KEYS } from './registry-config.js';
import { RegistryConverter, type SchemaFormat } from './registry-converter.js';

/** The keys of Confluent's JsonSchemaDataConfig this converter honours (texts and defaults as Confluent's). */
export const JSON_SCHEMA_DATA_KEYS: readonly ConfigKey[] = [
  {
    name: 'use.optional.for.nonrequired',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation: 'Whether to set non-required properties to be optional.',
  },
  {
    name: 'generalized.sum.type.support',
    type: ConfigType.BOOLEAN,
    defaultValue: false,
    importance: Importance.MEDIUM,
    documentation: 'Toggle for enabling/disabling generalized sum type support: interoperability of enum/union with other schema formats',
  },
];

export const JSON_SCHEMA_CONVERTER_CONFIG_DEF = new ConfigDef([CONVERTER_TYPE_KEY, ...REGISTRY_CLIENT_KEYS, ...JSON_SCHEMA_DATA_KEYS]);

class JsonSchemaFormat implements SchemaFormat<CompiledJsonSchema> {
  readonly schemaType = 'JSON';
  readonly displayName = 'JSON Schema';
  #options: JsonSchemaDataOptions = { useOptionalForNonRequired: false, generalizedSumTypeSupport: false };

  configure(config: ParsedConfig): void {
    this.#options = {
      useOptionalForNonRequired: config.getBoolean('use.optional.for.nonrequired'),
      generalizedSumTypeSupport: config.getBoolean('generalized.sum.type.support'),
    };
  }

  compile(schema: ResolvedSchema): CompiledJsonSchema {
    return compileJsonSchema(schema.schema, schema.references, this.#options);
  }

  read(compiled: CompiledJsonSchema, payload: Uint8Array) {
    return readJsonSchema(compiled, payload);
  }
}

/**
 * io.confluent.connect.json.JsonSchemaConverter, deserialising half: JSON documents in Confluent's
 * wire format, their JSON Schemas from a Schema Registry. The document is not validated against the
 * schema (Confluent's json.fail.invalid.schema defaults to false); a value that does not fit the
 * Connect schema fails the record.
 */
export const jsonSchemaConverterPlugin: ConverterPlugin = {
  className: 'io.confluent.connect.json.JsonSchemaConverter',
  aliases: [],
  version: REGISTRY_CONVERTER_VERSION,
  isHeaderConverter: false,
  create: () => new RegistryConverter(new JsonSchemaFormat(), JSON_SCHEMA_CONVERTER_CONFIG_DEF),
};
