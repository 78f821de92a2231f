import assert from 'node:assert/strict';
import { test } from 'node:test';
import { milvusSinkConnectorPlugin } from '../../../src/connectors/milvus/index.js';
import { milvusSinkMetrics } from '../../../src/connectors/milvus/sink-metrics.js';

test('the plugin descriptor hands the per-connector counters to the worker as metrics', () => {
  const counters = milvusSinkMetrics('plugin-metrics-test');
  counters.recordsWritten += 5;
  counters.requests += 2;
  counters.retries += 1;
  counters.recordErrorCode('RateLimit');
  counters.recordErrorCode('RateLimit');
  counters.recordBatchLatency(120);
  counters.recordBatchLatency(80);
  const metrics = milvusSinkConnectorPlugin.metrics!('plugin-metrics-test');
  const byName = (name: string) => metrics.filter((m) => m.name === name);
  assert.deepEqual(
    byName('milvus_records_written_total').map((m) => m.type === 'counter' && m.value),
    [5],
  );
  assert.deepEqual(
    byName('milvus_requests_total').map((m) => m.type === 'counter' && m.value),
    [2],
  );
  assert.deepEqual(
    byName('milvus_retries_total').map((m) => m.type === 'counter' && m.value),
    [1],
  );
  assert.deepEqual(
    byName('milvus_request_errors_total').map((m) => [m.labels, m.type === 'counter' && m.value]),
    [[{ code: 'RateLimit' }, 2]],
  );
  assert.deepEqual(
    byName('milvus_batch_time_seconds').map((m) => m.type === 'summary' && [m.count, m.sum]),
    [[2, 0.2]],
  );
  assert.deepEqual(
    byName('milvus_batch_time_max_seconds').map((m) => m.type === 'gauge' && m.value),
    [0.12],
  );
  for (const m of metrics) assert.match(m.name, /^milvus_[a-z_]+$/);
});
