import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, pkInFilter, writeRequest } from '../../../../src/connectors/milvus/client/milvus-collection.js';
import { FailureKind } from '../../../../src/connectors/milvus/write/milvus-errors.js';

test('VarChar keys are quoted with backslash, quote and line breaks escaped; other characters stay literal', () => {
  const pk = { name: 'k', data_type: 'VarChar' as const };
  assert.equal(pkInFilter(pk, ['a', 'x"y', 'b\\s', 'l\nm', 't\tu']), 'k in ["a","x\\"y","b\\\\s","l\\nm","t\tu"]');
});

test('Int64 keys are written as digits, also beyond 2^53, and anything else is refused', () => {
  const pk = { name: 'id', data_type: 'Int64' as const };
  assert.equal(pkInFilter(pk, [1, '-9223372036854775808']), 'id in [1,-9223372036854775808]');
  assert.throws(() => pkInFilter(pk, ['1 or true']), /not an integer/);
});

test('a status with a non-zero code fails the call even when error_code says Success (Milvus Lite)', async () => {
  await assert.rejects(
    call('upsert', async () => ({ status: { error_code: 'Success', code: 65535, reason: 'the length(3) of float data should divide the dim(4)' }, err_index: [0] })),
    (e: { kind: string; message: string }) => e.kind === FailureKind.DATA && /code 65535/.test(e.message),
  );
  await assert.rejects(
    call('upsert', async () => ({ status: { error_code: 'Success', code: 100, reason: 'collection not found' }, err_index: [0, 1] })),
    (e: { kind: string }) => e.kind === FailureKind.FATAL,
  );
});

test('a write request hands rows without typed arrays over untouched but stringifies to a short summary, so the SDK\'s per-request JSON log line costs nothing', () => {
  const rows = [0, 1, 2].map((id) => ({ id, vector: Array.from({ length: 768 }, (_, i) => i / 768) }));
  const request = writeRequest('docs', rows, 5000);
  assert.deepEqual(request.data, rows);
  request.data.forEach((row, i) => assert.equal(row, rows[i]));
  assert.equal(request.collection_name, 'docs');
  assert.equal(request.timeout, 5000);
  // what the SDK's _insert sends and its retry interceptor stringifies: the request's own properties plus the columns
  const message: Record<string, unknown> = { ...request, num_rows: rows.length, fields_data: [{ field_name: 'vector', vectors: { float_vector: { data: rows.flatMap((r) => r.vector) } } }] };
  delete message.data;
  assert.deepEqual(JSON.parse(JSON.stringify(message)), { collection_name: 'docs', num_rows: 3 });
});

test('the SDK gets FloatVectors (Float32Array rows) as plain numbers, so its JSON clone of rows for dynamic-field collections keeps them vectors', () => {
  const vector = new Float32Array([0.1, -2, 3.5]);
  const rows = [{ id: 1, vector, color: 'red' }];
  const request = writeRequest('docs', rows, 5000);
  const sent = request.data[0] as Record<string, unknown>;
  assert.ok(Array.isArray(sent.vector));
  assert.deepEqual(sent.vector, [Math.fround(0.1), -2, 3.5]);
  // the SDK's dynamic-field path: rows cloned through JSON, then the vector spread into the column
  assert.deepEqual(JSON.parse(JSON.stringify(sent)), { id: 1, vector: [Math.fround(0.1), -2, 3.5], color: 'red' });
  assert.equal(rows[0].vector, vector, 'the row itself is unchanged: a retry or fallback sends it again');
});
