import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMilvusSinkConfig } from '../../../src/connectors/milvus/milvus-sink-config.js';
import { retryOptions } from '../../../src/connectors/milvus/milvus-sink-task.js';

const config = parseMilvusSinkConfig({ 'public.endpoint': 'http://localhost:19530', 'collection.name': 'c' });

test("retries are bounded by max.retries when errors.retry.timeout keeps Kafka's default 0", () => {
  const options = retryOptions(config, {});
  assert.deepEqual(options, { initialDelayMs: 500, maxDelayMs: 30000, timeoutMs: -1, maxRetries: 10 });
  assert.equal(retryOptions(config, { 'errors.retry.timeout': '0' }).timeoutMs, -1);
});

test('errors.retry.timeout bounds the total retry time and errors.retry.delay.max.ms caps each wait', () => {
  const options = retryOptions(config, { 'errors.retry.timeout': '120000', 'errors.retry.delay.max.ms': '5000' });
  assert.equal(options.timeoutMs, 120000);
  assert.equal(options.maxDelayMs, 5000);
  assert.equal(retryOptions(config, { 'errors.retry.timeout': '-1' }).timeoutMs, -1);
  assert.equal(retryOptions(config, { 'errors.retry.delay.max.ms': '600000' }).maxDelayMs, 30000, 'retry.backoff.max.ms still caps');
});
