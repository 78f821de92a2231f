/** Kafka's MaskFieldTest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaType } from '../../src/plugin/index.js';
import { MaskField } from '../../src/transforms/mask-field.js';
import { configured, DATE, DECIMAL, optional, record, schema, struct, TIME, TIMESTAMP } from './records.js';

const mask = (fields: string[], replacement?: string) =>
  configured(new MaskField('value'), { fields: fields.join(','), 'replace.null.with.default': 'false', ...(replacement === undefined ? {} : { replacement }) });

const SCHEMA = struct([
  ['magic', schema(SchemaType.INT32)],
  ['bool', schema(SchemaType.BOOLEAN)],
  ['byte', schema(SchemaType.INT8)],
  ['short', schema(SchemaType.INT16)],
  ['int', schema(SchemaType.INT32)],
  ['long', schema(SchemaType.INT64)],
  ['float', schema(SchemaType.FLOAT32)],
  ['double', schema(SchemaType.FLOAT64)],
  ['string', schema(SchemaType.STRING)],
  ['date', schema(SchemaType.INT32, { name: DATE })],
  ['time', schema(SchemaType.INT32, { name: TIME })],
  ['timestamp', schema(SchemaType.INT64, { name: TIMESTAMP })],
  ['decimal', schema(SchemaType.BYTES, { name: DECIMAL, parameters: { scale: '0' } })],
  ['array', { type: SchemaType.ARRAY, optional: false, valueSchema: schema(SchemaType.INT32) }],
  ['map', { type: SchemaType.MAP, optional: false, keySchema: schema(SchemaType.STRING), valueSchema: schema(SchemaType.STRING) }],
  ['withDefault', optional(SchemaType.STRING, { defaultValue: 'default' })],
]);
const VALUES_WITH_SCHEMA = {
  magic: 42,
  bool: true,
  byte: 42,
  short: 42,
  int: 42,
  long: 42,
  float: 42,
  double: 42,
  string: 'hmm',
  date: new Date(),
  time: new Date(),
  timestamp: new Date(),
  decimal: '42',
  array: [1, 2, 3],
  map: { what: 'what' },
  withDefault: null,
};
const VALUES = { magic: 42, bool: true, long: 42, double: 42.5, string: '55.121.20.20', date: new Date(), list: [42], map: { key: 'value' } };

describe('MaskField', () => {
  it('schemaless: each field becomes the empty value of its kind', () => {
    const out = mask(['bool', 'long', 'double', 'string', 'date', 'list', 'map']).apply(record({ value: VALUES })).value;
    assert.deepEqual(out, { magic: 42, bool: false, long: 0, double: 0, string: '', date: new Date(0), list: [], map: {} });
  });

  it('with schema: by the field schema, logical types included; a null field stays null', () => {
    const fields = (SCHEMA.fields ?? []).map((f) => f.name).filter((n) => n !== 'magic');
    const out = mask(fields).apply(record({ valueSchema: SCHEMA, value: VALUES_WITH_SCHEMA })).value;
    assert.deepEqual(out, {
      magic: 42,
      bool: false,
      byte: 0,
      short: 0,
      int: 0,
      long: 0,
      float: 0,
      double: 0,
      string: '',
      date: new Date(0),
      time: new Date(0),
      timestamp: new Date(0),
      decimal: '0',
      array: [],
      map: {},
      withDefault: null,
    });
  });

  it('a replacement is converted to the type of each field', () => {
    const withSchema = (field: string, replacement: string) =>
      (mask([field], replacement).apply(record({ valueSchema: SCHEMA, value: VALUES_WITH_SCHEMA })).value as Record<string, unknown>)[field];
    assert.equal(withSchema('short', '123'), 123);
    assert.equal(withSchema('byte', '123'), 123);
    assert.equal(withSchema('long', '123'), 123);
    assert.equal(withSchema('float', '123.0'), 123);
    assert.equal(withSchema('string', '123'), '123');
    assert.equal(withSchema('decimal', '123.0'), '123.0');
    assert.equal(withSchema('int', '1e2'), 100, 'read as a BigDecimal, as Kafka does');
    const schemaless = mask(['long', 'double', 'string'], '123').apply(record({ value: VALUES })).value as Record<string, unknown>;
    assert.deepEqual([schemaless.long, schemaless.double, schemaless.string], [123, 123, '123']);
  });

  it('a replacement for a type it cannot take, or that is no number, is a DataError', () => {
    assert.throws(
      () => mask(['date'], '123').apply(record({ value: VALUES })),
      new DataError('Cannot mask value of type class java.util.Date with custom replacement.'),
    );
    assert.throws(() => mask(['bool'], 'false').apply(record({ value: VALUES })), /Cannot mask value of type class java.lang.Boolean/);
    assert.throws(() => mask(['timestamp'], '1').apply(record({ valueSchema: SCHEMA, value: VALUES_WITH_SCHEMA })), DataError);
    assert.throws(() => mask(['long'], 'foo').apply(record({ value: VALUES })), new DataError('Unable to convert foo (class java.lang.String) to a number'));
  });

  it('an empty replacement is refused when configured', () => {
    assert.throws(() => mask(['short'], ''), new ConfigError('Invalid value  for configuration replacement: String must be non-empty'));
  });
});
