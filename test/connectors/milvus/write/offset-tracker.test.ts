import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OffsetMap } from '../../../../src/plugin/index.js';
import { OffsetTracker } from '../../../../src/connectors/milvus/write/offset-tracker.js';

function current(...entries: [string, number, number][]): OffsetMap {
  return new Map(entries.map(([topic, partition, offset]) => [`${topic}-${partition}`, { topic, partition, offset }]));
}

test('a partition with nothing pending commits the offset after everything handed over', () => {
  const tracker = new OffsetTracker();
  assert.deepEqual([...tracker.committable(current(['t', 0, 42])).values()], [{ topic: 't', partition: 0, offset: 42 }]);
});

test('the committable offset stops at the lowest record still pending, even when later ones finished', () => {
  const tracker = new OffsetTracker();
  for (const offset of [10, 11, 12, 13]) tracker.track('t', 0, offset);
  tracker.done('t', 0, 10);
  tracker.done('t', 0, 12);
  tracker.done('t', 0, 13);
  assert.equal(tracker.committable(current(['t', 0, 14])).get('t-0')?.offset, 11);
  tracker.done('t', 0, 11);
  assert.equal(tracker.committable(current(['t', 0, 14])).get('t-0')?.offset, 14);
  assert.equal(tracker.pendingCount, 0);
});

test('partitions are independent', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0, 5);
  tracker.track('t', 1, 7);
  tracker.done('t', 1, 7);
  const result = tracker.committable(current(['t', 0, 6], ['t', 1, 8]));
  assert.equal(result.get('t-0')?.offset, 5);
  assert.equal(result.get('t-1')?.offset, 8);
});

test('an offset delivered twice stays pending until both deliveries finished', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0, 3);
  tracker.track('t', 0, 3);
  tracker.done('t', 0, 3);
  assert.equal(tracker.committable(current(['t', 0, 4])).get('t-0')?.offset, 3);
  tracker.done('t', 0, 3);
  assert.equal(tracker.committable(current(['t', 0, 4])).get('t-0')?.offset, 4);
});

test('forgetting a revoked partition drops its pending records', () => {
  const tracker = new OffsetTracker();
  tracker.track('t', 0, 1);
  tracker.track('t', 1, 1);
  tracker.forget([{ topic: 't', partition: 0 }]);
  const result = tracker.committable(current(['t', 0, 2], ['t', 1, 2]));
  assert.equal(result.get('t-0')?.offset, 2);
  assert.equal(result.get('t-1')?.offset, 1);
  assert.equal(tracker.pendingCount, 1);
});
