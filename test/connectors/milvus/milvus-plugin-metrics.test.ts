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

test('row and request counters carry the collection they were counted for; the connector snapshot is their sum', () => {
  const counters = milvusSinkMetrics('plugin-metrics-routing-test');
  counters.collection('orders').recordsWritten += 3;
  counters.collection('orders').requests += 1;
  counters.collection('users').recordsWritten += 2;
  counters.collection('users').requests += 1;
  counters.collection('users').recordErrorCode('RateLimit');
  const metrics = milvusSinkConnectorPlugin.metrics!('plugin-metrics-routing-test');
  const byName = (name: string) => metrics.filter((m) => m.name === name).map((m) => [m.labels, m.type === 'counter' && m.value]);
  assert.deepEqual(byName('milvus_records_written_total'), [
    [{ collection: 'orders' }, 3],
    [{ collection: 'users' }, 2],
  ]);
  assert.deepEqual(byName('milvus_requests_total'), [
    [{ collection: 'orders' }, 1],
    [{ collection: 'users' }, 1],
  ]);
  assert.deepEqual(byName('milvus_request_errors_total'), [[{ code: 'RateLimit' }, 1]]);
  const snapshot = counters.snapshot();
  assert.equal(snapshot.recordsWritten, 5);
  assert.equal(snapshot.requests, 2);
  assert.deepEqual(Object.keys(snapshot.byCollection), ['orders', 'users']);
  assert.equal(snapshot.byCollection.users.recordsWritten, 2);
});
