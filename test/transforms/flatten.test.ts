/** Kafka's FlattenTest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, SchemaType } from '../../src/plugin/index.js';
import { Flatten } from '../../src/transforms/flatten.js';
import { configured, optional, record, schema, shape, struct } from './records.js';

const value = (props: Record<string, string> = {}) => configured(new Flatten('value'), props);
const bytes = new TextEncoder().encode('bytes');

describe('Flatten', () => {
  it('a value that is no struct or map is refused', () => {
    assert.throws(() => value().apply(record({ valueSchema: schema(SchemaType.INT32), value: 42 })), DataError);
    assert.throws(() => value().apply(record({ value: 42 })), DataError);
  });

  it('testNestedStruct: two levels of structs become nine A.B.* fields', () => {
    const supported = struct([
      ['int8', schema(SchemaType.INT8)],
      ['int16', schema(SchemaType.INT16)],
      ['int32', schema(SchemaType.INT32)],
      ['int64', schema(SchemaType.INT64)],
      ['float32', schema(SchemaType.FLOAT32)],
      ['float64', schema(SchemaType.FLOAT64)],
      ['boolean', schema(SchemaType.BOOLEAN)],
      ['string', schema(SchemaType.STRING)],
      ['bytes', schema(SchemaType.BYTES)],
    ]);
    const twoLevels = struct([['A', struct([['B', supported]])]]);
    const values = { int8: 8, int16: 16, int32: 32, int64: 64, float32: 32, float64: 64, boolean: true, string: 'stringy', bytes };
    const out = value().apply(record({ valueSchema: twoLevels, value: { A: { B: values } } }));
    assert.equal(out.valueSchema!.type, SchemaType.STRUCT);
    assert.deepEqual(out.value, Object.fromEntries(Object.entries(values).map(([k, v]) => [`A.B.${k}`, v])));
    assert.equal(out.valueSchema!.fields!.length, 9);
  });

  it('testNestedMapWithDelimiter: a schemaless map flattened with #', () => {
    const out = value({ delimiter: '#' }).apply(record({ value: { A: { B: { int32: 32, string: 'stringy', bytes, list: [1, 2] } } } }));
    assert.equal(out.valueSchema, null);
    assert.deepEqual(out.value, { 'A#B#int32': 32, 'A#B#string': 'stringy', 'A#B#bytes': bytes, 'A#B#list': [1, 2] });
  });

  it('testOptionalFieldStruct, testOptionalStruct: a field is optional when it or any struct above it is', () => {
    const nested = struct([['B', struct([['opt_int32', optional(SchemaType.INT32)]])]]);
    const out = value().apply(record({ valueSchema: nested, value: { B: { opt_int32: null } } }));
    assert.deepEqual(out.value, { 'B.opt_int32': null });
    const optionalParent = struct([['B', struct([['req', schema(SchemaType.INT32)]], { optional: true })]]);
    const flat = value().apply(record({ valueSchema: optionalParent, value: { B: null } }));
    assert.deepEqual(shape(flat.valueSchema), { 'B.req': 'int32?' });
    assert.deepEqual(flat.value, { 'B.req': null });
  });

  it('testOptionalNestedStruct / defaults: a default on a parent struct becomes the default of the flattened field', () => {
    const inner = struct([['x', schema(SchemaType.INT32)]], { optional: true, defaultValue: { x: 7 } });
    const out = value().apply(record({ valueSchema: struct([['B', inner]]), value: { B: { x: 1 } } }));
    assert.equal(out.valueSchema!.fields![0].schema.defaultValue, 7);
    assert.deepEqual(out.value, { 'B.x': 1 });
  });

  it('a null value passes through; a map field with schema is refused, arrays are kept', () => {
    const r = record({ valueSchema: struct([['a', schema(SchemaType.INT32)]], { optional: true }), value: null });
    assert.equal(value().apply(r), r);
    const withMap = struct([['m', { type: SchemaType.MAP, optional: false, keySchema: schema(SchemaType.STRING), valueSchema: schema(SchemaType.STRING) }]]);
    assert.throws(
      () => value().apply(record({ valueSchema: withMap, value: { m: {} } })),
      new DataError('Flatten transformation does not support MAP for record with schemas (for field m).'),
    );
    const withArray = struct([['arr', { type: SchemaType.ARRAY, optional: false, valueSchema: schema(SchemaType.INT32) }]]);
    assert.deepEqual(value().apply(record({ valueSchema: withArray, value: { arr: [1] } })).value, { arr: [1] });
  });

  it('the key variant flattens the key', () => {
    const out = configured(new Flatten('key'), {}).apply(record({ key: { A: { B: 1 } }, value: 'v' }));
    assert.deepEqual([out.key, out.value], [{ 'A.B': 1 }, 'v']);
  });
});
