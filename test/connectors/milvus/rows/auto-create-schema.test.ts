import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveCollectionFields } from '../../../../src/connectors/milvus/rows/auto-create-schema.js';
import { DataError, SchemaType } from '../../../../src/plugin/index.js';
import { sinkRecord } from '../fixtures.js';

const settings = { pkField: 'id', vectorField: 'vector', pkMode: 'value' as const };

test('schemaless values: whole numbers are Int64, others Double; text, booleans, objects and arrays get columns', () => {
  const { fields, skipped } = deriveCollectionFields(
    sinkRecord({ value: { id: 'doc-1', vector: [0.1, 0.2], n: 3, x: 0.5, ok: true, tags: ['a'], meta: { a: 1 }, gone: null, 'bad-name': 1 } }),
    settings,
  );
  assert.deepEqual(fields, [
    { name: 'id', data_type: 'VarChar', is_primary_key: true, autoID: false, max_length: 65535 },
    { name: 'vector', data_type: 'FloatVector', dim: 2 },
    { name: 'n', data_type: 'Int64', nullable: true },
    { name: 'x', data_type: 'Double', nullable: true },
    { name: 'ok', data_type: 'Bool', nullable: true },
    { name: 'tags', data_type: 'JSON', nullable: true },
    { name: 'meta', data_type: 'JSON', nullable: true },
  ]);
  assert.deepEqual(skipped, ['gone', 'bad-name']);
});

test('without a primary key in the record, Milvus assigns it (autoID)', () => {
  const { fields } = deriveCollectionFields(sinkRecord({ value: { vector: [1] } }), settings);
  assert.deepEqual(fields[0], { name: 'id', data_type: 'Int64', is_primary_key: true, autoID: true });
});

test('pk.mode=key takes the key type from the record key', () => {
  const { fields } = deriveCollectionFields(sinkRecord({ key: { id: 42 }, value: { vector: [1] } }), { ...settings, pkMode: 'key' });
  assert.deepEqual(fields[0], { name: 'id', data_type: 'Int64', is_primary_key: true, autoID: false });
});

test('a Connect schema decides the column types', () => {
  const valueSchema = {
    type: SchemaType.STRUCT,
    optional: false,
    fields: [
      { name: 'id', index: 0, schema: { type: SchemaType.INT32, optional: false } },
      { name: 'vector', index: 1, schema: { type: SchemaType.ARRAY, optional: false, valueSchema: { type: SchemaType.FLOAT32, optional: false } } },
      { name: 'small', index: 2, schema: { type: SchemaType.INT8, optional: true } },
      { name: 'f', index: 3, schema: { type: SchemaType.FLOAT32, optional: true } },
      { name: 'raw', index: 4, schema: { type: SchemaType.BYTES, optional: true } },
    ],
  };
  const { fields, skipped } = deriveCollectionFields(
    sinkRecord({ valueSchema, value: { id: 1, vector: [1, 2, 3], small: 1, f: 1, raw: new Uint8Array(1) } }),
    settings,
  );
  assert.deepEqual(
    fields.map((f) => [f.name, f.data_type]),
    [
      ['id', 'Int64'],
      ['vector', 'FloatVector'],
      ['small', 'Int8'],
      ['f', 'Float'],
    ],
  );
  assert.deepEqual(skipped, ['raw']);
});

test('a record without a usable vector cannot define the collection', () => {
  for (const value of [{ id: 1 }, { id: 1, vector: [] }, { id: 1, vector: 'x' }, { id: 1, vector: [1, 'a'] }, 'text']) {
    assert.throws(
      () => deriveCollectionFields(sinkRecord({ value, offset: 9 }), settings),
      (e: Error) => e instanceof DataError && /t\[0\]@9/.test(e.message),
    );
  }
});
