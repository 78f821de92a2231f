import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectionSchemaFromDescribe } from '../../../../src/connectors/milvus/rows/collection-schema.js';
import { estimateRowBytes } from '../../../../src/connectors/milvus/rows/row-size.js';

const schema = collectionSchemaFromDescribe({
  collection_name: 'c',
  schema: {
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'v', data_type: 'FloatVector', dim: '768' },
      { name: 'h', data_type: 'Float16Vector', dim: '8' },
      { name: 'text', data_type: 'VarChar', max_length: '100' },
    ],
  },
});

test('a float vector counts 4 bytes per dimension, as packed on the wire, whether a Float32Array (as rows hold it) or an array', () => {
  const bytes = estimateRowBytes({ id: 1, v: new Float32Array(768).fill(0.1) }, schema);
  assert.ok(bytes >= 768 * 4 && bytes < 768 * 4 + 100, `${bytes}`);
  assert.equal(estimateRowBytes({ id: 1, v: new Array(768).fill(0.1) }, schema), bytes);
});

test('a typed array in a field the schema does not know counts its bytes', () => {
  const bytes = estimateRowBytes({ extra: new Float32Array(100) }, schema) - estimateRowBytes({ extra: new Float32Array(0) }, schema);
  assert.equal(bytes, 400);
});

test('text counts its UTF-8 bytes and half-precision vectors 2 bytes per dimension', () => {
  const ascii = estimateRowBytes({ text: 'aaaa' }, schema);
  const greek = estimateRowBytes({ text: 'αααα' }, schema);
  assert.equal(greek - ascii, 4);
  assert.equal(estimateRowBytes({ h: new Array(8).fill(1) }, schema) - estimateRowBytes({ h: [] }, schema), 16);
});

test('JSON documents and unknown (dynamic) fields are estimated from their content', () => {
  const small = estimateRowBytes({ extra: { a: 1 } }, schema);
  const large = estimateRowBytes({ extra: { a: 'x'.repeat(1000) } }, schema);
  assert.ok(large - small > 990, `${large - small}`);
});
