import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cappedReplicationFactor } from '../../../src/runtime/kafka/replication-factor.js';

function recorder() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (message: string) => void warnings.push(message) } };
}

test('a factor above the broker count is lowered to it, with a warning naming the topic', () => {
  const { warnings, logger } = recorder();
  assert.equal(cappedReplicationFactor('Topic connect-configs', 3, 1, logger), 1);
  assert.deepEqual(warnings, ['Topic connect-configs: replication factor 3 lowered to the 1 broker(s) of the cluster']);
});

test('a factor the cluster can hold, and the broker default (-1), are kept without a word', () => {
  const { warnings, logger } = recorder();
  assert.equal(cappedReplicationFactor('t', 3, 3, logger), 3);
  assert.equal(cappedReplicationFactor('t', 2, 5, logger), 2);
  assert.equal(cappedReplicationFactor('t', -1, 1, logger), -1);
  assert.deepEqual(warnings, []);
});
