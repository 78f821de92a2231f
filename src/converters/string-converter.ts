import {
  ConfigDef,
  ConfigType,
  Importance,
  SchemaType,
  Width,
  invalidValue,
  type Converter,
  type ConverterPlugin,
  type Header,
  type Schema,
  type SchemaAndValue,
} from '../plugin/index.js';
import { CONVERTER_TYPE_KEY, KAFKA_VERSION, withConverterType } from './converter-config.js';

type Decode = (bytes: Uint8Array) => string;

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function textDecoder(label: string): Decode {
  const decoder = new TextDecoder(label);
  return (bytes) => decoder.decode(bytes);
}

/** Java's US-ASCII decoder: bytes above 0x7F become U+FFFD (Node's 'ascii' would drop the high bit). */
function asciiDecode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...Array.from(chunk, (b) => (b < 0x80 ? b : 0xfffd)));
  }
  return out;
}

/** Java's "UTF-16": a byte-order mark picks the order, big-endian without one. */
function utf16Decode(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  const start = bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff ? 2 : 0;
  return new TextDecoder('utf-16be').decode(bytes.subarray(start));
}

/**
 * Java charset name (case-insensitive, with its common aliases) → decoder. Malformed input becomes
 * U+FFFD, as Java's new String(bytes, charset) does. Other names go to the WHATWG decoder registry
 * (windows-1252, Shift_JIS, GBK, …); undefined when neither knows the name.
 */
export function decoderFor(encoding: string): Decode | undefined {
  const name = encoding.trim().toUpperCase().replace(/_/g, '-');
  switch (name) {
    case 'UTF-8':
    case 'UTF8':
      return textDecoder('utf-8');
    case 'ISO-8859-1':
    case 'ISO8859-1':
    case 'LATIN1':
    case 'ISO-LATIN-1':
      return (bytes) => buffer(bytes).toString('latin1');
    case 'US-ASCII':
    case 'ASCII':
      return asciiDecode;
    case 'UTF-16':
    case 'UTF16':
      return utf16Decode;
    case 'UTF-16BE':
    case 'UNICODEBIGUNMARKED':
      return textDecoder('utf-16be');
    case 'UTF-16LE':
    case 'UNICODELITTLEUNMARKED':
      return textDecoder('utf-16le');
    default:
      try {
        return textDecoder(encoding.trim());
      } catch {
        return undefined;
      }
  }
}

/** Kafka's StringConverterConfig: converter.type plus converter.encoding (ungrouped, order -1). */
export const STRING_CONVERTER_CONFIG_DEF = new ConfigDef([
  CONVERTER_TYPE_KEY,
  {
    name: 'converter.encoding',
    type: ConfigType.STRING,
    defaultValue: 'UTF-8',
    // Kafka accepts any name here and fails every record later; an unknown name is reported up front
    validator: (name, value) => {
      if (typeof value !== 'string' || decoderFor(value) === undefined) {
        throw invalidValue(name, value, 'Unsupported character set; use a Java charset name such as UTF-8, UTF-16 or ISO-8859-1');
      }
    },
    importance: Importance.HIGH,
    documentation: 'The name of the Java character set to use for encoding strings as byte arrays.',
    group: null,
    orderInGroup: -1,
    width: Width.MEDIUM,
    displayName: 'Encoding',
  },
]);

export const OPTIONAL_STRING_SCHEMA: Schema = Object.freeze({ type: SchemaType.STRING, optional: true });

/** org.apache.kafka.connect.storage.StringConverter: bytes → string in `converter.encoding`, optional string schema. */
export class StringConverter implements Converter {
  #decode: Decode = textDecoder('utf-8');

  config(): ConfigDef {
    return STRING_CONVERTER_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>, isKey: boolean): void {
    const config = STRING_CONVERTER_CONFIG_DEF.parse(withConverterType(props, isKey));
    this.#decode = decoderFor(config.getString('converter.encoding')!)!;
  }

  toConnectData(_topic: string, _headers: readonly Header[], value: Uint8Array | null): SchemaAndValue {
    return { schema: OPTIONAL_STRING_SCHEMA, value: value === null ? null : this.#decode(value) };
  }
}

export const stringConverterPlugin: ConverterPlugin = {
  className: 'org.apache.kafka.connect.storage.StringConverter',
  aliases: ['StringConverter', 'String'],
  version: KAFKA_VERSION,
  isHeaderConverter: true,
  create: () => new StringConverter(),
};
