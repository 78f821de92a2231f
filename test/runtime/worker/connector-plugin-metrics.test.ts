import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PluginMetric } from '../../../src/plugin/index.js';
import { ConnectorPluginMetrics } from '../../../src/runtime/worker/connector-plugin-metrics.js';

/** What one task thread of the Milvus sink might report: counters per collection, a gauge, a high-water mark, a summary. */
function taskSamples(written: number, waiting: number, maxSeconds: number, batches: number): PluginMetric[] {
  return [
    { name: 'records_written_total', help: 'rows', type: 'counter', value: written, labels: { collection: 'a' } },
    { name: 'records_written_total', help: 'rows', type: 'counter', value: 1, labels: { collection: 'b' } },
    { name: 'tasks_waiting', help: 'waiting', type: 'gauge', value: waiting },
    { name: 'batch_time_max_seconds', help: 'longest', type: 'gauge', value: maxSeconds, aggregation: 'max' },
    { name: 'batch_time_seconds', help: 'batches', type: 'summary', count: batches, sum: batches / 10 },
  ];
}

const value = (samples: PluginMetric[], name: string, labels?: Record<string, string>) =>
  samples
    .filter((s) => s.name === name && JSON.stringify(s.labels ?? {}) === JSON.stringify(labels ?? {}))
    .map((s) => (s.type === 'summary' ? [s.count, s.sum] : s.value));

test('the samples of one name and labels add up over the threads; a max gauge takes the largest', () => {
  const metrics = new ConnectorPluginMetrics();
  const task0 = {};
  const task1 = {};
  metrics.update(task0, taskSamples(10, 1, 0.5, 2));
  metrics.update(task1, taskSamples(5, 0, 2, 3));
  const samples = metrics.samples();
  assert.deepEqual(value(samples, 'records_written_total', { collection: 'a' }), [15]);
  assert.deepEqual(value(samples, 'records_written_total', { collection: 'b' }), [2]);
  assert.deepEqual(value(samples, 'tasks_waiting'), [1]);
  assert.deepEqual(value(samples, 'batch_time_max_seconds'), [2]);
  assert.deepEqual(value(samples, 'batch_time_seconds'), [[5, 0.5]]);
});

test("a thread's newer samples replace its older ones", () => {
  const metrics = new ConnectorPluginMetrics();
  const task0 = {};
  metrics.update(task0, taskSamples(10, 1, 0.5, 2));
  metrics.update(task0, taskSamples(12, 0, 0.5, 3));
  assert.deepEqual(value(metrics.samples(), 'records_written_total', { collection: 'a' }), [12]);
});

test('what an ended thread counted stays (counters never go back); its current amounts go', () => {
  const metrics = new ConnectorPluginMetrics();
  const first = {};
  metrics.update(first, taskSamples(10, 1, 3, 2));
  metrics.end(first);
  const restarted = {};
  metrics.update(restarted, taskSamples(4, 1, 0.25, 1));
  const samples = metrics.samples();
  assert.deepEqual(value(samples, 'records_written_total', { collection: 'a' }), [14]);
  assert.deepEqual(value(samples, 'tasks_waiting'), [1], 'only the running thread is waiting');
  assert.deepEqual(value(samples, 'batch_time_max_seconds'), [3], 'the longest batch so far, though its thread ended');
  assert.deepEqual(value(samples, 'batch_time_seconds'), [[3, 0.30000000000000004]]);
  metrics.end(restarted);
  metrics.end(restarted);
  assert.deepEqual(value(metrics.samples(), 'records_written_total', { collection: 'a' }), [14], 'ending twice counts once');
});
