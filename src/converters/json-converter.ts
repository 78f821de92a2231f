import {
  ConfigDef,
  ConfigType,
  DataError,
  Importance,
  Validators,
  Width,
  type Converter,
  type ConverterPlugin,
  type Header,
  type Schema,
  type SchemaAndValue,
} from '../plugin/index.js';
import { CONVERTER_TYPE_KEY, KAFKA_VERSION, withConverterType } from './converter-config.js';
import { InvalidUtf8Error, parseJsonBytes } from './json-parse.js';
import { SchemaCache, asConnectSchema } from './json-schema.js';
import { toConnect, type ToConnectOptions } from './json-to-connect.js';

/** Kafka's JsonConverterConfig (3.9): same keys, defaults, groups and texts. */
export const JSON_CONVERTER_CONFIG_DEF = new ConfigDef([
  CONVERTER_TYPE_KEY,
  {
    name: 'schemas.enable',
    type: ConfigType.BOOLEAN,
    defaultValue: true,
    importance: Importance.HIGH,
    documentation: 'Include schemas within each of the serialized values and keys.',
    group: 'Schemas',
    orderInGroup: 0,
    width: Width.MEDIUM,
    displayName: 'Enable Schemas',
  },
  {
    name: 'schemas.cache.size',
    type: ConfigType.INT,
    defaultValue: 1000,
    importance: Importance.HIGH,
    documentation: 'The maximum number of schemas that can be cached in this converter instance.',
    group: 'Schemas',
    orderInGroup: 1,
    width: Width.MEDIUM,
    displayName: 'Schema Cache Size',
  },
  {
    name: 'decimal.format',
    type: ConfigType.STRING,
    defaultValue: 'BASE64',
    validator: Validators.oneOfIgnoreCase('BASE64', 'NUMERIC'),
    importance: Importance.LOW,
    documentation:
      "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
    group: 'Serialization',
    orderInGroup: 0,
    width: Width.MEDIUM,
    displayName: 'Decimal Format',
  },
  {
    name: 'replace.null.with.default',
    type: ConfigType.BOOLEAN,
    defaultValue: true,
    importance: Importance.LOW,
    documentation:
      'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
    group: 'Serialization',
    orderInGroup: 1,
    width: Width.MEDIUM,
    displayName: 'Replace null with default',
  },
]);

const ENVELOPE_MESSAGE =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
  ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

const NULL_RESULT: SchemaAndValue = Object.freeze({ schema: null, value: null });

function isEnvelope(json: unknown): json is { schema: unknown; payload: unknown } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const keys = Object.keys(json);
  return keys.length === 2 && Object.hasOwn(json, 'schema') && Object.hasOwn(json, 'payload');
}

/**
 * org.apache.kafka.connect.json.JsonConverter, deserialising half. With schemas.enable (the default) each
 * message is a `{"schema": …, "payload": …}` envelope and yields a Schema and a struct/value; without, plain
 * JSON yields schemaless data (objects as maps, integers as int64, other numbers as float64). A null
 * message is a null value; empty bytes are a null value without schemas, an envelope error with them.
 */
export class JsonConverter implements Converter {
  #schemasEnable = true;
  #options: ToConnectOptions = { replaceNullWithDefault: true };
  #cache = new SchemaCache(1000);

  config(): ConfigDef {
    return JSON_CONVERTER_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>, isKey: boolean): void {
    const config = JSON_CONVERTER_CONFIG_DEF.parse(withConverterType(props, isKey));
    this.#schemasEnable = config.getBoolean('schemas.enable');
    this.#options = { replaceNullWithDefault: config.getBoolean('replace.null.with.default') };
    this.#cache = new SchemaCache(config.getInt('schemas.cache.size'));
  }

  toConnectData(_topic: string, _headers: readonly Header[], value: Uint8Array | null): SchemaAndValue {
    if (value === null) return NULL_RESULT;
    const json = this.#parse(value);
    if (json === undefined) {
      // Jackson reads empty input as a missing node: null without schemas, not an envelope with them
      if (!this.#schemasEnable) return NULL_RESULT;
      throw new DataError(ENVELOPE_MESSAGE);
    }
    if (!this.#schemasEnable) return { schema: null, value: json };
    if (!isEnvelope(json)) throw new DataError(ENVELOPE_MESSAGE);
    const schema = this.#schema(json.schema);
    return { schema, value: toConnect(schema, json.payload, '', this.#options) };
  }

  #parse(bytes: Uint8Array): unknown {
    try {
      return parseJsonBytes(bytes);
    } catch (e) {
      const reason = e instanceof InvalidUtf8Error || e instanceof SyntaxError ? (e as Error).message : String(e);
      throw new DataError(
        `Converting byte[] to Kafka Connect data failed due to serialization error: ${reason}. The message is not valid JSON; check the producer, or use a converter that matches its format.`,
        { cause: e },
      );
    }
  }

  #schema(json: unknown): Schema | null {
    const build = (): Schema | null =>
      asConnectSchema(json, (schema, defaultValue) => toConnect(schema, defaultValue, 'default', { replaceNullWithDefault: false }));
    return this.#cache.get(json, build);
  }
}

export const jsonConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.json.JsonConverter',
  aliases: ['JsonConverter', 'Json'],
  version: KAFKA_VERSION,
  isHeaderConverter: true,
  create: () => new JsonConverter(),
};
