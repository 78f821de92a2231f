import {
  ConfigDef,
  ConfigError,
  ConfigType,
  ConnectError,
  DataError,
  DateParseError,
  DatePatternError,
  Importance,
  SimpleDateFormat,
  SchemaType,
  Validators,
  type Schema,
  type SinkRecord,
  type Transformation,
} from '../plugin/index.js';
import { REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import {
  copyMap,
  javaClassName,
  LogicalName,
  mapGet,
  mapSet,
  requireMap,
  requireStructOrNull,
  SchemaCache,
  schemaBasics,
  Schemas,
  schemaToString,
  setOwn,
  structGet,
  structSchema,
  withSchema,
  type Struct,
} from './util/connect-data.js';
import { int64Value } from './util/java-numbers.js';
import { keyValueDoc, keyValuePlugins } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const TIMESTAMP_CONVERTER_OVERVIEW_DOC =
  'Convert timestamps between different formats such as Unix epoch, strings, and Connect Date/Timestamp types.' +
  'Applies to individual fields or to the entire value.' +
  keyValueDoc('TimestampConverter');

const PURPOSE = 'converting timestamp formats';
const MILLIS_PER_DAY = 86_400_000;

type TimestampType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
type Precision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

export const TIMESTAMP_CONVERTER_CONFIG_DEF = new ConfigDef([
  {
    name: 'field',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.HIGH,
    documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp',
  },
  {
    name: 'target.type',
    type: ConfigType.STRING,
    validator: Validators.oneOf('string', 'unix', 'Date', 'Time', 'Timestamp'),
    importance: Importance.HIGH,
    documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
  },
  {
    name: 'format',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.MEDIUM,
    documentation:
      'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.',
  },
  {
    name: 'unix.precision',
    type: ConfigType.STRING,
    defaultValue: 'milliseconds',
    validator: Validators.oneOf('nanoseconds', 'microseconds', 'milliseconds', 'seconds'),
    importance: Importance.LOW,
    documentation:
      'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. ' +
      'Used to generate the output when type=unix or used to parse the input if the input is a Long.' +
      'Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
  },
  REPLACE_NULL_WITH_DEFAULT_KEY,
]);

const UNIT_PER_MILLI: Record<Precision, bigint> = { seconds: 1n, milliseconds: 1n, microseconds: 1_000n, nanoseconds: 1_000_000n };

/**
 * org.apache.kafka.connect.transforms.TimestampConverter$Key / $Value: converts a timestamp (the whole key
 * or value, or one field) between Unix time, formatted text and the Connect Date/Time/Timestamp types.
 */
export class TimestampConverter implements Transformation {
  #field = '';
  #type: TimestampType = 'Timestamp';
  #format: SimpleDateFormat | null = null;
  #precision: Precision = 'milliseconds';
  #replaceNullWithDefault = true;
  readonly #schemas = new SchemaCache();

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return TIMESTAMP_CONVERTER_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = TIMESTAMP_CONVERTER_CONFIG_DEF.parse(props);
    this.#field = config.getString('field') ?? '';
    this.#type = config.getString('target.type') as TimestampType;
    const pattern = config.getString('format') ?? '';
    this.#precision = config.getString('unix.precision') as Precision;
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
    if (this.#type === 'string' && pattern.trim() === '') {
      throw new ConfigError('TimestampConverter requires format option to be specified when using string timestamps');
    }
    this.#format = null;
    if (pattern.trim() !== '') {
      try {
        this.#format = new SimpleDateFormat(pattern);
      } catch (error) {
        if (!(error instanceof DatePatternError)) throw error;
        throw new ConfigError(`TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern}`, { cause: error });
      }
    }
  }

  apply(record: SinkRecord): SinkRecord {
    const schema = operatingSchema(record, this.part);
    const value = operatingValue(record, this.part);
    if (schema === null) {
      if (value === null || value === undefined || this.#field === '') return withPart(record, this.part, null, this.#convert(value, null));
      const map = requireMap(value, PURPOSE);
      const updated = copyMap(map);
      mapSet(updated, this.#field, this.#convert(mapGet(map, this.#field), null));
      return withPart(record, this.part, null, updated);
    }
    if (this.#field === '') return withPart(record, this.part, this.#typeSchema(schema.optional), this.#convert(value, typeFromSchema(schema)));
    const struct = requireStructOrNull(value, schema, PURPOSE);
    const updatedSchema = this.#schemas.get(schema, (s) => this.#updatedSchema(s));
    return withPart(record, this.part, updatedSchema, this.#convertStruct(struct, schema));
  }

  #updatedSchema(schema: Schema): Schema {
    const fields = (schema.fields ?? []).map((f) => [f.name, f.name === this.#field ? this.#typeSchema(f.schema.optional) : f.schema] as const);
    const built = structSchema(fields, { ...schemaBasics(schema), optional: schema.optional });
    if (schema.defaultValue === null || schema.defaultValue === undefined) return built;
    return withSchema(built, { defaultValue: this.#convertStruct(schema.defaultValue as Struct, schema) });
  }

  #convertStruct(struct: Struct | null, schema: Schema): Struct | null {
    if (struct === null) return null;
    const updated: Struct = {};
    for (const field of schema.fields ?? []) {
      const value = structGet(struct, field, this.#replaceNullWithDefault);
      setOwn(updated, field.name, field.name === this.#field ? this.#convert(value, typeFromSchema(field.schema)) : value);
    }
    return updated;
  }

  #typeSchema(optional: boolean): Schema {
    switch (this.#type) {
      case 'string':
        return optional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
      case 'unix':
        return optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64;
      case 'Date':
        return optional ? Schemas.OPTIONAL_DATE : Schemas.DATE;
      case 'Time':
        return optional ? Schemas.OPTIONAL_TIME : Schemas.TIME;
      default:
        return optional ? Schemas.OPTIONAL_TIMESTAMP : Schemas.TIMESTAMP;
    }
  }

  /** The timestamp in the target type; `from` null infers the source type from the value. */
  #convert(timestamp: unknown, from: TimestampType | null): unknown {
    if (timestamp === null || timestamp === undefined) return null;
    const raw = this.#toRaw(timestamp, from ?? inferType(timestamp));
    return this.#toType(raw);
  }

  #toRaw(value: unknown, type: TimestampType): Date {
    switch (type) {
      case 'string': {
        if (typeof value !== 'string') throw new DataError(`Expected string timestamp to be a String, but found class ${javaClassName(value)}`);
        try {
          return this.#format!.parse(value);
        } catch (error) {
          if (!(error instanceof DateParseError)) throw error;
          throw new DataError(`Could not parse timestamp: value (${value}) does not match pattern (${this.#format!.pattern})`, { cause: error });
        }
      }
      case 'unix': {
        if ((typeof value !== 'number' || !Number.isInteger(value)) && typeof value !== 'bigint') {
          throw new DataError(`Expected Unix timestamp to be a Long, but found class ${javaClassName(value)}`);
        }
        const n = BigInt(value);
        // TimeUnit conversions truncate toward zero
        const millis = this.#precision === 'seconds' ? n * 1000n : n / UNIT_PER_MILLI[this.#precision];
        return new Date(Number(millis));
      }
      default:
        if (!(value instanceof Date)) throw new DataError(`Expected ${type} to be a java.util.Date, but found class ${javaClassName(value)}`);
        return value;
    }
  }

  #toType(date: Date): unknown {
    const ms = date.getTime();
    switch (this.#type) {
      case 'string':
        return this.#format!.format(date);
      case 'unix': {
        const millis = BigInt(ms);
        return int64Value(this.#precision === 'seconds' ? millis / 1000n : millis * UNIT_PER_MILLI[this.#precision]);
      }
      case 'Date':
        return new Date(ms - mod(ms, MILLIS_PER_DAY));
      case 'Time':
        return new Date(mod(ms, MILLIS_PER_DAY));
      default:
        return date;
    }
  }
}

const mod = (a: number, b: number): number => ((a % b) + b) % b;

function typeFromSchema(schema: Schema): TimestampType {
  if (schema.name === LogicalName.TIMESTAMP) return 'Timestamp';
  if (schema.name === LogicalName.DATE) return 'Date';
  if (schema.name === LogicalName.TIME) return 'Time';
  if (schema.type === SchemaType.STRING) return 'string';
  if (schema.type === SchemaType.INT64) return 'unix';
  throw new ConnectError(`Schema ${schemaToString(schema)} does not correspond to a known timestamp type format`);
}

function inferType(value: unknown): TimestampType {
  if (value instanceof Date) return 'Timestamp';
  if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataError(`TimestampConverter does not support class ${javaClassName(value)} objects as timestamps`);
}

export const timestampConverterPlugins = keyValuePlugins('TimestampConverter', TIMESTAMP_CONVERTER_OVERVIEW_DOC, (part) => new TimestampConverter(part));
