import type { ConverterPlugin } from '../plugin/index.js';
import { booleanConverterPlugin } from './boolean-converter.js';
import { byteArrayConverterPlugin } from './byte-array-converter.js';
import { numberConverterPlugins } from './number-converter.js';
import { simpleHeaderConverterPlugin } from './simple-header-converter.js';
import { jsonConverterPlugin } from './json-converter.js';
import { stringConverterPlugin } from './string-converter.js';
import { avroConverterPlugin } from './registry/avro-converter.js';
import { jsonSchemaConverterPlugin } from './registry/json-schema-converter.js';
import { protobufConverterPlugin } from './registry/protobuf-converter.js';

/** The converters this worker ships, under Kafka's class names (handed to the Plugins registry by main.ts). */
export const builtinConverters: ConverterPlugin[] = [
  jsonConverterPlugin,
  stringConverterPlugin,
  byteArrayConverterPlugin,
  booleanConverterPlugin,
  ...numberConverterPlugins,
  simpleHeaderConverterPlugin,
  avroConverterPlugin,
  protobufConverterPlugin,
  jsonSchemaConverterPlugin,
];

/** This module as a plugin module (runtime/plugins.ts PluginModule): what main.ts loads, and each task thread again. */
export const BUILTIN_CONVERTERS_MODULE = { url: import.meta.url, exports: ['builtinConverters'] } as const;

export { JsonConverter, JSON_CONVERTER_CONFIG_DEF } from './json-converter.js';
export { StringConverter, STRING_CONVERTER_CONFIG_DEF } from './string-converter.js';
export { ByteArrayConverter, BYTE_ARRAY_CONVERTER_CONFIG_DEF } from './byte-array-converter.js';
export { BooleanConverter, BOOLEAN_CONVERTER_CONFIG_DEF } from './boolean-converter.js';
export { NumberConverter, NUMBER_CONVERTER_CONFIG_DEF } from './number-converter.js';
export { SimpleHeaderConverter, SIMPLE_HEADER_CONVERTER_CONFIG_DEF } from './simple-header-converter.js';
export { AVRO_CONVERTER_CONFIG_DEF } from './registry/avro-converter.js';
export { PROTOBUF_CONVERTER_CONFIG_DEF } from './registry/protobuf-converter.js';
export { JSON_SCHEMA_CONVERTER_CONFIG_DEF } from './registry/json-schema-converter.js';
