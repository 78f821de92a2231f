/**
 * The slice of Kafka Connect's data API that converters produce and connectors read:
 * a Schema describes a value; structs are plain objects whose keys follow `schema.fields`.
 *
 * Value representation (the same for every converter):
 * - int8/int16/int32/float32/float64: number
 * - int64: number when it is a safe integer, bigint otherwise (no precision is ever lost)
 * - boolean: boolean; string: string; bytes: Uint8Array
 * - array: unknown[]; map: Record<string, unknown> (or Map for non-string keys); struct: Record<string, unknown>
 */
export const SchemaType = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float32',
  FLOAT64: 'float64',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
} as const;
export type SchemaType = (typeof SchemaType)[keyof typeof SchemaType];

/** The names of Connect's logical types (Decimal as exact decimal text, Date/Time/Timestamp as a `Date`). */
export const LogicalName = {
  DECIMAL: 'org.apache.kafka.connect.data.Decimal',
  DATE: 'org.apache.kafka.connect.data.Date',
  TIME: 'org.apache.kafka.connect.data.Time',
  TIMESTAMP: 'org.apache.kafka.connect.data.Timestamp',
} as const;

export interface Field {
  readonly name: string;
  readonly index: number;
  readonly schema: Schema;
}

export interface Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly defaultValue?: unknown;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** struct only */
  readonly fields?: readonly Field[];
  /** map only */
  readonly keySchema?: Schema;
  /** array and map */
  readonly valueSchema?: Schema;
}

export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}
