/** Kafka's CastTest, input for input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaType } from '../../src/plugin/index.js';
import { Cast } from '../../src/transforms/cast.js';
import { configured, DATE, DECIMAL, optional, record, schema, shape, struct, TIME, TIMESTAMP } from './records.js';

const value = (spec: string, more: Record<string, string> = {}) => configured(new Cast('value'), { spec, ...more });
const key = (spec: string) => configured(new Cast('key'), { spec });
const MILLIS_PER_DAY = 86_400_000;

describe('Cast: configuration', () => {
  it('refuses an empty spec, unknown or unsupported types, extra colons, and whole-value casts mixed with field casts', () => {
    assert.throws(() => key(''), new ConfigError('Must specify at least one field to cast.'));
    assert.throws(() => key('foo:faketype'), /Invalid type found in casting spec: faketype/);
    assert.throws(
      () => key('foo:array'),
      new ConfigError(
        'Cast transformation does not support casting to ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]',
      ),
    );
    assert.throws(() => key('array'), ConfigError);
    assert.throws(() => key('foo:bytes'), ConfigError);
    assert.throws(
      () => key('foo:int8:extra'),
      new ConfigError('Invalid value [foo:int8:extra] for configuration renames: Invalid rename mapping: foo:int8:extra'),
    );
    assert.throws(() => key('foo:int8,int32'), /may only specify a single cast in their spec/);
  });
});

describe('Cast: whole key or value', () => {
  it('null keys and values pass through unchanged, with or without schema', () => {
    const tombstone = record({ keySchema: schema(SchemaType.STRING), key: 'key', valueSchema: schema(SchemaType.STRING), value: null });
    assert.equal(value('foo:int64').apply(tombstone), tombstone);
    const nullKey = record({ keySchema: null, key: null, value: 'value' });
    assert.equal(key('foo:int64').apply(nullKey), nullKey);
  });

  it('an int32 42 with schema becomes each target type', () => {
    const cases: Array<[string, SchemaType, unknown]> = [
      ['int8', SchemaType.INT8, 42],
      ['int16', SchemaType.INT16, 42],
      ['int32', SchemaType.INT32, 42],
      ['int64', SchemaType.INT64, 42],
      ['float32', SchemaType.FLOAT32, 42],
      ['float64', SchemaType.FLOAT64, 42],
      ['boolean', SchemaType.BOOLEAN, true],
      ['string', SchemaType.STRING, '42'],
    ];
    for (const [spec, type, expected] of cases) {
      const out = value(spec).apply(record({ valueSchema: schema(SchemaType.INT32), value: 42 }));
      assert.equal(out.valueSchema!.type, type, spec);
      assert.equal(out.value, expected, spec);
    }
    assert.equal(value('boolean').apply(record({ valueSchema: schema(SchemaType.INT32), value: 0 })).value, false);
    const k = key('int8').apply(record({ keySchema: schema(SchemaType.INT32), key: 42, valueSchema: schema(SchemaType.STRING), value: 'bogus' }));
    assert.deepEqual([k.keySchema!.type, k.key, k.value], [SchemaType.INT8, 42, 'bogus']);
  });

  it('schemaless values are cast the same way, and stay schemaless', () => {
    for (const [spec, expected] of [
      ['int8', 42],
      ['int64', 42],
      ['float32', 42],
      ['boolean', true],
      ['string', '42'],
    ] as const) {
      const out = value(spec).apply(record({ value: 42 }));
      assert.equal(out.valueSchema, null);
      assert.equal(out.value, expected);
    }
    assert.throws(() => value('int8').apply(record({ value: ['foo'] })), DataError);
  });

  it("the schema's default is cast too: a float32 default -42.125 becomes int32 -42", () => {
    const out = value('int32').apply(record({ valueSchema: schema(SchemaType.FLOAT32, { defaultValue: -42.125 }), value: 42.125 }));
    assert.deepEqual([out.valueSchema!.type, out.value, out.valueSchema!.defaultValue], [SchemaType.INT32, 42, -42]);
  });

  it('a Decimal and a Timestamp to string: the decimal text, the ISO timestamp', () => {
    assert.equal(
      value('string').apply(record({ valueSchema: schema(SchemaType.BYTES, { name: DECIMAL, parameters: { scale: '0' } }), value: '42' })).value,
      '42',
    );
    const timestamp = new Date(MILLIS_PER_DAY + 1);
    assert.equal(
      value('string').apply(record({ valueSchema: schema(SchemaType.INT64, { name: TIMESTAMP }), value: timestamp })).value,
      '1970-01-02T00:00:00.001Z',
    );
  });

  it('a Decimal to string is BigDecimal.toString(): scientific when the scale is negative or the first digit below 10^-6', () => {
    const decimal = (text: string, scale: number) =>
      value('string').apply(record({ valueSchema: schema(SchemaType.BYTES, { name: DECIMAL, parameters: { scale: String(scale) } }), value: text })).value;
    // expected: new BigDecimal(new BigInteger(unscaled), scale).toString() on Kafka's JVM
    const cases: Array<[string, number, string]> = [
      ['1000', -3, '1E+3'],
      ['990', -1, '9.9E+2'],
      ['-50', -1, '-5E+1'],
      ['0', -2, '0E+2'],
      ['0.000001234', 9, '0.000001234'],
      ['0.0000001234', 10, '1.234E-7'],
      ['-0.0000001', 7, '-1E-7'],
      ['0.00000000', 8, '0E-8'],
      ['-12.50', 2, '-12.50'],
      ['12.345', 3, '12.345'],
      ['123', 0, '123'],
    ];
    for (const [text, scale, expected] of cases) assert.equal(decimal(text, scale), expected, `${text} scale ${scale}`);
    // a value whose own scale differs from the schema's (Protobuf's decimals, JSON numbers) keeps its own
    assert.equal(decimal('0.00000001', 0), '1E-8');
  });

  it('a string to float64 or float32 reads what Double.parseDouble and Float.parseFloat read', () => {
    const cast = (spec: string, text: string) => value(spec).apply(record({ valueSchema: schema(SchemaType.STRING), value: text })).value;
    assert.equal(cast('float64', '0x1.8p1'), 3);
    assert.equal(cast('float64', ' -0x.8p1d\t'), -1);
    assert.equal(cast('float64', '2.5f'), 2.5);
    assert.equal(cast('float64', '-Infinity'), -Infinity);
    assert.ok(Number.isNaN(cast('float64', 'NaN')));
    assert.equal(cast('float32', '0x1.0000010000001p0'), 1.0000001192092896);
    // Float.parseFloat rounds once; rounding the double nearest to this text again would give 1
    assert.equal(cast('float32', '1.00000005960464477539062501'), 1.0000001192092896);
    assert.throws(() => cast('float64', '0x1.8'), new DataError('Value (0x1.8) was out of range for requested data type'));
    assert.throws(() => cast('float32', 'nan'), DataError);
  });

  it("Java's narrowing: integers wrap, floats saturate through an int, strings parse strictly", () => {
    assert.equal(value('int8').apply(record({ valueSchema: schema(SchemaType.INT64), value: 300 })).value, 44);
    assert.equal(value('int8').apply(record({ valueSchema: schema(SchemaType.FLOAT64), value: 1e20 })).value, -1);
    assert.equal(value('int32').apply(record({ valueSchema: schema(SchemaType.FLOAT64), value: 1e20 })).value, 2147483647);
    assert.equal(value('boolean').apply(record({ valueSchema: schema(SchemaType.FLOAT64), value: 0.5 })).value, false);
    assert.equal(value('float64').apply(record({ valueSchema: schema(SchemaType.STRING), value: ' 1.5e3d ' })).value, 1500);
    assert.equal(value('string').apply(record({ valueSchema: schema(SchemaType.FLOAT64), value: 1e7 })).value, '1.0E7');
    assert.equal(value('string').apply(record({ valueSchema: schema(SchemaType.FLOAT32), value: Math.fround(0.1) })).value, '0.1');
    assert.throws(
      () => value('int8').apply(record({ valueSchema: schema(SchemaType.STRING), value: '128' })),
      new DataError('Value (128) was out of range for requested data type'),
    );
  });
});

describe('Cast: fields of a struct or map', () => {
  it('logical types to their numbers: Date days, Timestamp and Time millis, a Decimal truncated then wrapped', () => {
    const s = struct([
      ['date_to_int32', schema(SchemaType.INT32, { name: DATE })],
      ['timestamp_to_int64', schema(SchemaType.INT64, { name: TIMESTAMP })],
      ['time_to_int64', schema(SchemaType.INT32, { name: TIME })],
      ['decimal_to_int32', schema(SchemaType.BYTES, { name: DECIMAL, parameters: { scale: '0' } })],
      ['null_timestamp_to_int32', optional(SchemaType.INT64, { name: TIMESTAMP })],
    ]);
    const out = value('date_to_int32:int32,timestamp_to_int64:int64,time_to_int64:int64,decimal_to_int32:int32,null_timestamp_to_int32:int32').apply(
      record({
        valueSchema: s,
        value: {
          date_to_int32: new Date(MILLIS_PER_DAY),
          timestamp_to_int64: new Date(0),
          time_to_int64: new Date(1),
          decimal_to_int32: '2147483648',
          null_timestamp_to_int32: null,
        },
      }),
    );
    assert.deepEqual(out.value, { date_to_int32: 1, timestamp_to_int64: 0, time_to_int64: 1, decimal_to_int32: -2147483648, null_timestamp_to_int32: null });
    assert.deepEqual(shape(out.valueSchema), {
      date_to_int32: 'int32',
      timestamp_to_int64: 'int64',
      time_to_int64: 'int64',
      decimal_to_int32: 'int32',
      null_timestamp_to_int32: 'int32?',
    });
  });

  it('castFieldsWithSchema: every supported pair, optional and default fields passed through, bytes to base64', () => {
    const s = struct([
      ['int8', schema(SchemaType.INT8)],
      ['int16', optional(SchemaType.INT16)],
      ['int32', schema(SchemaType.INT32, { defaultValue: 2 })],
      ['int64', schema(SchemaType.INT64)],
      ['float32', schema(SchemaType.FLOAT32)],
      ['float64', schema(SchemaType.FLOAT64, { defaultValue: -1.125 })],
      ['boolean', schema(SchemaType.BOOLEAN)],
      ['string', schema(SchemaType.STRING)],
      ['bigdecimal', schema(SchemaType.BYTES, { name: DECIMAL, parameters: { scale: '0' } })],
      ['date', schema(SchemaType.INT32, { name: DATE })],
      ['optional', optional(SchemaType.FLOAT32)],
      ['timestamp', schema(SchemaType.INT64, { name: TIMESTAMP })],
      ['bytes', schema(SchemaType.BYTES)],
    ]);
    const out = value(
      'int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,bigdecimal:string,date:string,optional:int32,bytes:string',
    ).apply(
      record({
        valueSchema: s,
        value: {
          int8: 8,
          int16: 16,
          int32: 32,
          int64: 64,
          float32: 32,
          float64: -64,
          boolean: true,
          string: '42',
          bigdecimal: '42',
          date: new Date(MILLIS_PER_DAY),
          timestamp: new Date(0),
          bytes: new Uint8Array([0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]),
        },
      }),
    );
    assert.deepEqual(out.value, {
      int8: 8,
      int16: 16,
      int32: 32,
      int64: true,
      float32: 32,
      float64: true,
      boolean: 1,
      string: 42,
      bigdecimal: '42',
      date: '1970-01-02',
      optional: null,
      timestamp: new Date(0),
      bytes: '/ty6mHZUMhA=',
    });
    const fields = out.valueSchema!.fields!;
    assert.equal(fields.find((f) => f.name === 'int16')!.schema.optional, true);
    assert.equal(fields.find((f) => f.name === 'int32')!.schema.defaultValue, 2);
    assert.equal(fields.find((f) => f.name === 'float64')!.schema.defaultValue, true);
  });

  it('replace.null.with.default: a null field with a default casts the default, or stays null when false', () => {
    const s = struct([['magic', optional(SchemaType.INT32, { defaultValue: 10 })]]);
    const withDefault = value('magic:string').apply(record({ valueSchema: s, value: { magic: null } }));
    assert.deepEqual([withDefault.valueSchema!.fields![0].schema.type, withDefault.value], [SchemaType.STRING, { magic: '10' }]);
    const without = value('magic:string', { 'replace.null.with.default': 'false' }).apply(record({ valueSchema: s, value: { magic: null } }));
    assert.deepEqual(without.value, { magic: null });
  });

  it('castFieldsSchemaless: a map keeps its other entries; a field it lacks is set to null', () => {
    const out = value('int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,missing:int8').apply(
      record({ value: { int8: 8, int16: 16, int32: 32, int64: 64, float32: 32.5, float64: -64, boolean: true, string: '42', other: 'x' } }),
    );
    assert.deepEqual(out.value, {
      int8: 8,
      int16: 16,
      int32: 32,
      int64: true,
      float32: 32.5,
      float64: true,
      boolean: 1,
      string: 42,
      other: 'x',
      missing: null,
    });
  });

  it('a struct value without schema, or a map value with a struct schema, is refused as Kafka refuses it', () => {
    assert.throws(
      () => value('a:int8').apply(record({ valueSchema: schema(SchemaType.STRING), value: 'x' })),
      new DataError('Only Struct objects supported for [cast types], found: java.lang.String'),
    );
    assert.throws(
      () => value('a:int8').apply(record({ value: 'x' })),
      new DataError('Only Map objects supported in absence of schema for [cast types], found: java.lang.String'),
    );
  });
});
