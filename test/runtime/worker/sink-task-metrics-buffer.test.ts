import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SinkTaskMetrics } from '../../../src/runtime/metrics.js';
import { replayMetrics, SinkTaskMetricsBuffer } from '../../../src/runtime/worker/sink-task-metrics-buffer.js';

/** A SinkTaskMetrics that writes down every call, as the registry would receive them. */
function recording(): { metrics: SinkTaskMetrics; calls: string[] } {
  const calls: string[] = [];
  const metrics: SinkTaskMetrics = {
    recordsRead: (count) => calls.push(`read ${count}`),
    recordsPut: (count, seconds) => calls.push(`put ${count} in ${seconds}s`),
    retried: () => calls.push('retried'),
    recordError: ({ skipped, logged }) => calls.push(`error skipped=${skipped} logged=${logged}`),
    deadLetterProduced: (ok) => calls.push(`dlq ${ok}`),
    offsetCommit: (seconds, ok) => calls.push(`commit ${ok} in ${seconds}s`),
    lag: (topic, partition, records) => calls.push(`lag ${topic}-${partition}=${records}`),
    partitionsClosed: (partitions) => calls.push(`closed ${[...partitions].map((p) => `${p.topic}-${p.partition}`).join(',')}`),
    close: () => calls.push('close'),
  };
  return { metrics, calls };
}

test('the calls made in the task thread are replayed on the main thread in their order, consecutive reads as one', () => {
  const buffer = new SinkTaskMetricsBuffer(() => {});
  buffer.recordsRead(500);
  buffer.recordsRead(120);
  buffer.recordsPut(620, 0.25);
  buffer.lag('orders', 0, 30);
  buffer.recordError({ skipped: true, logged: false });
  buffer.deadLetterProduced(true);
  buffer.retried();
  buffer.recordsRead(30);
  buffer.offsetCommit(0.01, true);
  buffer.partitionsClosed(new Map([['orders-0', { topic: 'orders', partition: 0 }]]).values());

  const { metrics, calls } = recording();
  const taken = buffer.take();
  // what crosses the thread boundary is plain data
  assert.deepEqual(structuredClone(taken), taken);
  replayMetrics(taken, metrics);
  assert.deepEqual(calls, [
    'read 620',
    'put 620 in 0.25s',
    'lag orders-0=30',
    'error skipped=true logged=false',
    'dlq true',
    'retried',
    'read 30',
    'commit true in 0.01s',
    'closed orders-0',
  ]);
  assert.deepEqual(buffer.take(), [], 'each call crosses once');
});

test('reads not followed by another call are handed over too', () => {
  const buffer = new SinkTaskMetricsBuffer(() => {});
  buffer.recordsRead(7);
  assert.deepEqual(buffer.take(), [['read', 7]]);
});

test('close() hands the rest over: the main thread removes the series when the thread is gone', () => {
  let handedOver = 0;
  const buffer = new SinkTaskMetricsBuffer(() => handedOver++);
  buffer.close();
  assert.equal(handedOver, 1);
});
