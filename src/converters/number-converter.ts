import { ConfigDef, DataError, SchemaType, type Converter, type ConverterPlugin, type Header, type Schema, type SchemaAndValue } from '../plugin/index.js';
import { CONVERTER_TYPE_KEY, KAFKA_VERSION } from './converter-config.js';

/** Kafka's NumberConverterConfig: ConverterConfig.newConfigDef() and nothing else. */
export const NUMBER_CONVERTER_CONFIG_DEF = new ConfigDef([CONVERTER_TYPE_KEY]);

interface NumberFormat {
  /** Kafka's type name in `Failed to deserialize <type>: ` */
  readonly typeName: string;
  /** the Kafka deserializer named in its size error */
  readonly deserializer: string;
  readonly size: number;
  readonly schema: Schema;
  read(view: DataView): number | bigint;
}

const optional = (type: SchemaType): Schema => Object.freeze({ type, optional: true });

/** int64 as a number while exact, a bigint beyond 2^53 (the plugin API's representation). */
function int64(view: DataView): number | bigint {
  const n = view.getBigInt64(0);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/**
 * Kafka's NumberConverter: the big-endian fixed-width encoding of Kafka's Short/Integer/Long/Float/Double
 * serializers, with an optional schema of the matching type. Null bytes are a null value; bytes of the
 * wrong length are a DataError worded like Kafka's (the deserializer's SerializationException as cause).
 */
export class NumberConverter implements Converter {
  constructor(readonly format: NumberFormat) {}

  config(): ConfigDef {
    return NUMBER_CONVERTER_CONFIG_DEF;
  }

  configure(): void {
    // converter.type only, which changes nothing when reading
  }

  toConnectData(_topic: string, _headers: readonly Header[], value: Uint8Array | null): SchemaAndValue {
    const { format } = this;
    if (value === null) return { schema: format.schema, value: null };
    if (value.length !== format.size) {
      const cause = new Error(`Size of data received by ${format.deserializer} is not ${format.size}`);
      throw new DataError(`Failed to deserialize ${format.typeName}: `, { cause });
    }
    return { schema: format.schema, value: format.read(new DataView(value.buffer, value.byteOffset, value.byteLength)) };
  }

  toConnectHeader(topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, [], value);
  }
}

const FORMATS = {
  Short: { typeName: 'short', deserializer: 'ShortDeserializer', size: 2, schema: optional(SchemaType.INT16), read: (v) => v.getInt16(0) },
  Integer: { typeName: 'integer', deserializer: 'IntegerDeserializer', size: 4, schema: optional(SchemaType.INT32), read: (v) => v.getInt32(0) },
  Long: { typeName: 'long', deserializer: 'LongDeserializer', size: 8, schema: optional(SchemaType.INT64), read: int64 },
  Float: { typeName: 'float', deserializer: 'FloatDeserializer', size: 4, schema: optional(SchemaType.FLOAT32), read: (v) => v.getFloat32(0) },
  Double: { typeName: 'double', deserializer: 'DoubleDeserializer', size: 8, schema: optional(SchemaType.FLOAT64), read: (v) => v.getFloat64(0) },
} as const satisfies Record<string, NumberFormat>;

function numberPlugin(name: keyof typeof FORMATS): ConverterPlugin {
  return {
    className: `org.apache.kafka.connect.converters.${name}Converter`,
    aliases: [`${name}Converter`, name],
    version: KAFKA_VERSION,
    isHeaderConverter: true,
    create: () => new NumberConverter(FORMATS[name]),
  };
}

/** org.apache.kafka.connect.converters.{Short,Integer,Long,Float,Double}Converter */
export const numberConverterPlugins: readonly ConverterPlugin[] = (Object.keys(FORMATS) as Array<keyof typeof FORMATS>).map(numberPlugin);
