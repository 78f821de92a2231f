import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, pkInFilter } from '../../../../src/connectors/milvus/client/milvus-collection.js';
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
    call('upsert', async () => ({
      status: { error_code: 'Success', code: 65535, reason: 'the length(3) of float data should divide the dim(4)' },
      err_index: [0],
    })),
    (e: { kind: string; message: string }) => e.kind === FailureKind.DATA && /code 65535/.test(e.message),
  );
  await assert.rejects(
    call('upsert', async () => ({ status: { error_code: 'Success', code: 100, reason: 'collection not found' }, err_index: [0, 1] })),
    (e: { kind: string }) => e.kind === FailureKind.FATAL,
  );
});
