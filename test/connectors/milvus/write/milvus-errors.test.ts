import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureKind, isSuccess, statusError, thrownError } from '../../../../src/connectors/milvus/write/milvus-errors.js';

test('a status is a success only when both the legacy error_code and the merr code say so', () => {
  assert.equal(isSuccess({ error_code: 'Success', code: 0 }), true);
  assert.equal(isSuccess({ error_code: 'Success' }), true);
  assert.equal(isSuccess({ error_code: 'UnexpectedError', code: 0 }), false);
  assert.equal(isSuccess({ error_code: 'Success', code: 1100 }), false);
  assert.equal(isSuccess(undefined), false);
});

test('rate limit, queue full and resource shortage are retried; quota with a longer backoff', () => {
  for (const code of [4, 8, 12]) assert.equal(statusError('upsert', { error_code: 'UnexpectedError', code }).kind, FailureKind.RETRIABLE);
  const quota = statusError('upsert', { error_code: 'UnexpectedError', code: 9, reason: 'quota exceeded' });
  assert.equal(quota.kind, FailureKind.RETRIABLE);
  assert.equal(quota.slow, true);
  assert.equal(statusError('upsert', { error_code: 'RateLimit' }).kind, FailureKind.RETRIABLE);
  assert.equal(statusError('upsert', { error_code: 'UnexpectedError', code: 65535, retriable: true }).kind, FailureKind.RETRIABLE);
});

test('a schema mismatch asks for a schema refresh', () => {
  assert.equal(statusError('insert', { error_code: 'SchemaMismatch' }).kind, FailureKind.SCHEMA);
});

test('parameter errors are about the data; the message carries the code and reason', () => {
  const e = statusError('upsert', { error_code: 'UnexpectedError', code: 1100, reason: 'the dim (4) of field data(vec) is not equal to schema dim (8)' });
  assert.equal(e.kind, FailureKind.DATA);
  assert.equal(e.message, 'Milvus upsert failed (code 1100): the dim (4) of field data(vec) is not equal to schema dim (8)');
  assert.equal(statusError('insert', { error_code: 'IllegalArgument' }).kind, FailureKind.DATA);
});

test('anything else, such as a missing collection, is fatal', () => {
  assert.equal(statusError('upsert', { error_code: 'UnexpectedError', code: 100, reason: 'collection not found' }).kind, FailureKind.FATAL);
});

test('thrown gRPC errors: unavailable and deadline are retried, too large is split, auth is fatal', () => {
  const grpc = (code: number) => Object.assign(new Error('x'), { code, details: 'd', metadata: {} });
  assert.equal(thrownError('upsert', grpc(14)).kind, FailureKind.RETRIABLE);
  assert.equal(thrownError('upsert', grpc(4)).kind, FailureKind.RETRIABLE);
  assert.equal(thrownError('upsert', grpc(8)).kind, FailureKind.TOO_LARGE);
  assert.equal(thrownError('upsert', grpc(16)).kind, FailureKind.FATAL);
  assert.match(thrownError('upsert', grpc(14)).message, /UNAVAILABLE/);
});

test("the SDK's client-side row checks are about the data; a thrown response object is read by its status", () => {
  assert.equal(thrownError('insert', new Error('Insert fail: some field does not exist for this collection in line. 3')).kind, FailureKind.DATA);
  assert.equal(thrownError('insert', { status: { error_code: 'UnexpectedError', code: 100, reason: 'collection not found' } }).kind, FailureKind.FATAL);
});
