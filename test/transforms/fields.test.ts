/** Kafka's ExtractFieldTest, HoistFieldTest, ReplaceFieldTest, ValueToKeyTest, SetSchemaMetadataTest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaType } from '../../src/plugin/index.js';
import { ExtractField } from '../../src/transforms/extract-field.js';
import { HoistField } from '../../src/transforms/hoist-field.js';
import { ReplaceField } from '../../src/transforms/replace-field.js';
import { SetSchemaMetadata } from '../../src/transforms/set-schema-metadata.js';
import { ValueToKey } from '../../src/transforms/value-to-key.js';
import { configured, optional, record, schema, shape, struct } from './records.js';

describe('ExtractField', () => {
  const key = (field: string, more: Record<string, string> = {}) => configured(new ExtractField('key'), { field, ...more });

  it('schemaless: the field of the map; a null map gives null; a missing field gives null', () => {
    assert.equal(key('magic').apply(record({ key: { magic: 42 } })).key, 42);
    assert.equal(key('magic').apply(record({ key: null })).key, null);
    assert.equal(key('nonexistent').apply(record({ key: { magic: 42 } })).key, null);
  });

  it('with schema: the field and its schema; an unknown field is an error', () => {
    const s = struct([['magic', schema(SchemaType.INT32)]]);
    const out = key('magic').apply(record({ keySchema: s, key: { magic: 42 } }));
    assert.deepEqual([out.keySchema, out.key], [schema(SchemaType.INT32), 42]);
    assert.equal(key('magic').apply(record({ keySchema: s, key: null })).key, null);
    assert.throws(() => key('nonexistent').apply(record({ keySchema: s, key: { magic: 42 } })), new DataError('Unknown field: nonexistent'));
  });

  it('V2 field syntax reaches nested fields, backticks quote dotted names', () => {
    const nested = key('magic.foo', { 'field.syntax.version': 'V2' });
    assert.equal(nested.apply(record({ key: { magic: { foo: 42 } } })).key, 42);
    const s = struct([['magic', struct([['foo', schema(SchemaType.INT32)]])]]);
    assert.equal(nested.apply(record({ keySchema: s, key: { magic: { foo: 42 } } })).key, 42);
    assert.equal(key('`a.b`.c', { 'field.syntax.version': 'v2' }).apply(record({ key: { 'a.b': { c: 1 } } })).key, 1);
    assert.equal(key('magic.foo').apply(record({ key: { 'magic.foo': 7 } })).key, 7, 'V1 takes the name as it is');
  });

  it('replace.null.with.default: a null field with a default gives the default unless switched off', () => {
    const s = struct([['magic', optional(SchemaType.INT32, { defaultValue: 42 })]]);
    assert.equal(key('magic').apply(record({ keySchema: s, key: { magic: null } })).key, 42);
    assert.equal(key('magic', { 'replace.null.with.default': 'false' }).apply(record({ keySchema: s, key: { magic: null } })).key, null);
  });

  it('a value of another kind is refused as Kafka refuses it', () => {
    assert.throws(
      () => key('a').apply(record({ key: 'x' })),
      new DataError('Only Map objects supported in absence of schema for [field extraction], found: java.lang.String'),
    );
  });
});

describe('HoistField', () => {
  it('schemaless: the key becomes a one-entry map', () => {
    assert.deepEqual(configured(new HoistField('key'), { field: 'magic' }).apply(record({ key: 42 })).key, { magic: 42 });
  });

  it('with schema: a struct whose one field has the old schema', () => {
    const out = configured(new HoistField('key'), { field: 'magic' }).apply(record({ keySchema: schema(SchemaType.INT32), key: 42 }));
    assert.deepEqual([shape(out.keySchema), out.key], [{ magic: 'int32' }, { magic: 42 }]);
  });
});

describe('ReplaceField', () => {
  const value = (props: Record<string, string>) => configured(new ReplaceField('value'), props);

  it('tombstones pass through', () => {
    const r = record({ value: null });
    assert.equal(value({ exclude: 'dont' }).apply(r), r);
  });

  it('schemaless: exclude, include and renames', () => {
    const input = { dont: 'whatever', abc: 42, foo: true, etc: 'etc' };
    assert.deepEqual(value({ exclude: 'dont', renames: 'abc:xyz,foo:bar' }).apply(record({ value: input })).value, { xyz: 42, bar: true, etc: 'etc' });
    assert.deepEqual(value({ include: 'abc,foo', renames: 'abc:xyz,foo:bar' }).apply(record({ value: input })).value, { xyz: 42, bar: true });
    assert.deepEqual(value({ include: 'abc,foo', exclude: 'foo' }).apply(record({ value: input })).value, { abc: 42 });
  });

  it('with schema: the same, schema renamed field by field in order', () => {
    const s = struct([
      ['dont', schema(SchemaType.STRING)],
      ['abc', schema(SchemaType.INT32)],
      ['foo', schema(SchemaType.BOOLEAN)],
      ['etc', schema(SchemaType.STRING)],
    ]);
    const out = value({ exclude: 'dont', renames: 'abc:xyz,foo:bar' }).apply(
      record({ valueSchema: s, value: { dont: 'whatever', abc: 42, foo: true, etc: 'etc' } }),
    );
    assert.deepEqual(out.value, { xyz: 42, bar: true, etc: 'etc' });
    assert.deepEqual(shape(out.valueSchema), { xyz: 'int32', bar: 'boolean', etc: 'string' });
  });

  it('a rename that is not one colon pair is refused', () => {
    assert.throws(() => value({ renames: 'abc' }), new ConfigError('Invalid value [abc] for configuration renames: Invalid rename mapping: abc'));
    assert.throws(() => value({ renames: 'abc:xyz:z' }), ConfigError);
    assert.throws(() => value({ renames: 'abc:' }), ConfigError);
  });
});

describe('ValueToKey', () => {
  const xform = () => configured(new ValueToKey(), { fields: 'a,b' });

  it('schemaless: a map of the named value fields', () => {
    assert.deepEqual(xform().apply(record({ value: { a: 1, b: 2, c: 3 } })).key, { a: 1, b: 2 });
  });

  it('with schema: a struct of them; a missing field is an error', () => {
    const s = struct([
      ['a', schema(SchemaType.INT32)],
      ['b', schema(SchemaType.INT32)],
      ['c', schema(SchemaType.INT32)],
    ]);
    const out = xform().apply(record({ valueSchema: s, value: { a: 1, b: 2, c: 3 } }));
    assert.deepEqual(
      [shape(out.keySchema), out.key],
      [
        { a: 'int32', b: 'int32' },
        { a: 1, b: 2 },
      ],
    );
    assert.throws(
      () => configured(new ValueToKey(), { fields: 'not_exist' }).apply(record({ valueSchema: s, value: { a: 1, b: 2, c: 3 } })),
      new DataError('Field does not exist: not_exist'),
    );
  });

  it('needs at least one field', () => {
    assert.throws(() => configured(new ValueToKey(), { fields: '' }), /Empty list/);
  });
});

describe('SetSchemaMetadata', () => {
  it('sets name and version of the value schema, keeps the value', () => {
    const s = struct([['f', schema(SchemaType.INT32)]]);
    const out = configured(new SetSchemaMetadata('value'), { 'schema.name': 'foo', 'schema.version': '42' }).apply(record({ valueSchema: s, value: { f: 1 } }));
    assert.deepEqual([out.valueSchema!.name, out.valueSchema!.version, out.value], ['foo', 42, { f: 1 }]);
  });

  it('needs a name or a version, and a schema unless the value is null', () => {
    assert.throws(() => configured(new SetSchemaMetadata('value'), {}), new ConfigError('Neither schema name nor version configured'));
    const xform = configured(new SetSchemaMetadata('key'), { 'schema.name': 'foo' });
    const tombstoneKey = record({ key: null });
    assert.equal(xform.apply(tombstoneKey), tombstoneKey);
    assert.throws(() => xform.apply(record({ key: 'x' })), new DataError('Schema required for [updating schema metadata]'));
  });
});
