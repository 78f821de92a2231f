import type { ConverterPlugin } from '../plugin/index.js';
import { byteArrayConverterPlugin } from './byte-array-converter.js';
import { jsonConverterPlugin } from './json-converter.js';
import { stringConverterPlugin } from './string-converter.js';

/** The converters this worker ships, under Kafka's class names (handed to the Plugins registry by main.ts). */
export const builtinConverters: ConverterPlugin[] = [jsonConverterPlugin, stringConverterPlugin, byteArrayConverterPlugin];

export { JsonConverter, JSON_CONVERTER_CONFIG_DEF } from './json-converter.js';
export { StringConverter, STRING_CONVERTER_CONFIG_DEF } from './string-converter.js';
export { ByteArrayConverter, BYTE_ARRAY_CONVERTER_CONFIG_DEF } from './byte-array-converter.js';
