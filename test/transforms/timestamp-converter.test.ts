/** Kafka's TimestampConverterTest: 1970-01-02T00:00:01.234Z in every representation, both directions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaType } from '../../src/plugin/index.js';
import { TimestampConverter } from '../../src/transforms/timestamp-converter.js';
import { configured, DATE, optional, record, schema, shape, struct, TIME, TIMESTAMP } from './records.js';

const DATE_PLUS_TIME = new Date(86_401_234);
const DATE_ONLY = new Date(86_400_000);
const TIME_ONLY = new Date(1234);
const STRING_DATE_FMT = 'yyyy MM dd HH mm ss SSS z';
const DATE_PLUS_TIME_STRING = '1970 01 02 00 00 01 234 UTC';

const value = (props: Record<string, string>) => configured(new TimestampConverter('value'), props);
const to = (type: string, more: Record<string, string> = {}) => value({ 'target.type': type, ...more });

describe('TimestampConverter: configuration', () => {
  it('needs a valid target type and precision, and a format for string timestamps', () => {
    assert.throws(() => value({}), ConfigError);
    assert.throws(() => to('invalid'), /String must be one of: string, unix, Date, Time, Timestamp/);
    assert.throws(() => to('unix', { 'unix.precision': 'invalid' }), ConfigError);
    assert.doesNotThrow(() => to('unix', { 'unix.precision': 'seconds' }));
    assert.throws(() => to('string'), new ConfigError('TimestampConverter requires format option to be specified when using string timestamps'));
    assert.throws(
      () => to('unix', { format: 'bad-format-pattern' }),
      /requires a SimpleDateFormat-compatible pattern for string timestamps: bad-format-pattern/,
    );
  });
});

describe('TimestampConverter: schemaless whole values', () => {
  it('from a Timestamp (a Date) to each type', () => {
    assert.deepEqual(to('Timestamp').apply(record({ value: DATE_PLUS_TIME })).value, DATE_PLUS_TIME);
    assert.deepEqual(to('Date').apply(record({ value: DATE_PLUS_TIME })).value, DATE_ONLY);
    assert.deepEqual(to('Time').apply(record({ value: DATE_PLUS_TIME })).value, TIME_ONLY);
    assert.equal(to('unix').apply(record({ value: DATE_PLUS_TIME })).value, 86_401_234);
    assert.equal(to('string', { format: STRING_DATE_FMT }).apply(record({ value: DATE_PLUS_TIME })).value, DATE_PLUS_TIME_STRING);
  });

  it('from unix time at each precision, and to it (truncating toward zero)', () => {
    assert.deepEqual(to('Timestamp').apply(record({ value: 86_401_234 })).value, DATE_PLUS_TIME);
    assert.deepEqual(to('Timestamp', { 'unix.precision': 'seconds' }).apply(record({ value: 86_401 })).value, new Date(86_401_000));
    assert.deepEqual(to('Timestamp', { 'unix.precision': 'microseconds' }).apply(record({ value: 86_401_234_123 })).value, DATE_PLUS_TIME);
    assert.deepEqual(to('Timestamp', { 'unix.precision': 'nanoseconds' }).apply(record({ value: 86_401_234_123_456n })).value, DATE_PLUS_TIME);
    assert.equal(to('unix', { 'unix.precision': 'seconds' }).apply(record({ value: DATE_PLUS_TIME })).value, 86_401);
    assert.equal(to('unix', { 'unix.precision': 'microseconds' }).apply(record({ value: DATE_PLUS_TIME })).value, 86_401_234_000);
    assert.equal(to('unix', { 'unix.precision': 'nanoseconds' }).apply(record({ value: DATE_PLUS_TIME })).value, 86_401_234_000_000);
  });

  it('from a string in the configured format', () => {
    assert.deepEqual(to('Timestamp', { format: STRING_DATE_FMT }).apply(record({ value: DATE_PLUS_TIME_STRING })).value, DATE_PLUS_TIME);
    assert.throws(
      () => to('Timestamp', { format: 'yyyy-MM-dd' }).apply(record({ value: 'not a date' })),
      new DataError('Could not parse timestamp: value (not a date) does not match pattern (yyyy-MM-dd)'),
    );
  });

  it('a null value stays null; a value of another kind is refused', () => {
    assert.equal(to('Timestamp').apply(record({ value: null })).value, null);
    assert.throws(
      () => to('Timestamp').apply(record({ value: true })),
      new DataError('TimestampConverter does not support class java.lang.Boolean objects as timestamps'),
    );
  });
});

describe('TimestampConverter: with schemas', () => {
  it('the source type comes from the schema: Timestamp, Date, Time, string, int64', () => {
    const cases: Array<[ReturnType<typeof schema>, unknown, string, unknown]> = [
      [schema(SchemaType.INT64, { name: TIMESTAMP }), DATE_PLUS_TIME, 'unix', 86_401_234],
      [schema(SchemaType.INT32, { name: DATE }), DATE_ONLY, 'Timestamp', DATE_ONLY],
      [schema(SchemaType.INT32, { name: TIME }), TIME_ONLY, 'Timestamp', TIME_ONLY],
      [schema(SchemaType.INT64), 86_401_234, 'Date', DATE_ONLY],
    ];
    for (const [s, v, target, expected] of cases) assert.deepEqual(to(target).apply(record({ valueSchema: s, value: v })).value, expected, target);
    const out = to('Timestamp', { format: STRING_DATE_FMT }).apply(record({ valueSchema: schema(SchemaType.STRING), value: DATE_PLUS_TIME_STRING }));
    assert.deepEqual([out.valueSchema, out.value], [{ type: SchemaType.INT64, optional: false, name: TIMESTAMP, version: 1 }, DATE_PLUS_TIME]);
    assert.deepEqual(
      to('string', { format: STRING_DATE_FMT }).apply(record({ valueSchema: optional(SchemaType.INT64, { name: TIMESTAMP }), value: null })).valueSchema,
      {
        type: SchemaType.STRING,
        optional: true,
      },
    );
  });

  it('one field of a struct, the others kept; the struct default converted too', () => {
    const s = struct([
      ['ts', schema(SchemaType.INT64)],
      ['other', schema(SchemaType.STRING)],
    ]);
    const out = to('Timestamp', { field: 'ts' }).apply(record({ valueSchema: s, value: { ts: 86_401_234, other: 'test' } }));
    assert.deepEqual(out.value, { ts: DATE_PLUS_TIME, other: 'test' });
    assert.deepEqual(shape(out.valueSchema), { ts: `int64(${TIMESTAMP})`, other: 'string' });
    const withDefault = struct([['ts', schema(SchemaType.INT64)]], { optional: true, defaultValue: { ts: 0 } });
    const converted = to('Timestamp', { field: 'ts' }).apply(record({ valueSchema: withDefault, value: null }));
    assert.equal(converted.value, null);
    assert.deepEqual(converted.valueSchema!.defaultValue, { ts: new Date(0) });
  });

  it('a schema that is no timestamp is refused', () => {
    assert.throws(
      () => to('unix').apply(record({ valueSchema: schema(SchemaType.BOOLEAN), value: true })),
      /Schema Schema\{BOOLEAN\} does not correspond to a known timestamp type format/,
    );
  });

  it('replace.null.with.default: a null field with a default converts the default, or stays null', () => {
    const s = struct([['ts', optional(SchemaType.INT64, { name: TIMESTAMP, defaultValue: new Date(0) })]]);
    assert.deepEqual(to('unix', { field: 'ts' }).apply(record({ valueSchema: s, value: { ts: null } })).value, { ts: 0 });
    assert.deepEqual(to('unix', { field: 'ts', 'replace.null.with.default': 'false' }).apply(record({ valueSchema: s, value: { ts: null } })).value, {
      ts: null,
    });
  });
});
