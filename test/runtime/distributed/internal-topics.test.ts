import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { internalTopics } from '../../../src/runtime/distributed/internal-topics.js';
import { ConfigError } from '../../../src/plugin/index.js';

const NAMES = { 'config.storage.topic': 'connect-configs', 'offset.storage.topic': 'connect-offsets', 'status.storage.topic': 'connect-status' };

describe('internalTopics', () => {
  test("Kafka's defaults: the config topic has one partition, offsets 25, statuses 5, all with replication factor 3", () => {
    const topics = internalTopics(NAMES);
    assert.deepEqual(
      [topics.config, topics.offset, topics.status].map((t) => [t.topic, t.property, t.partitions, t.replicationFactor, t.settings]),
      [
        ['connect-configs', 'config.storage.topic', 1, 3, {}],
        ['connect-offsets', 'offset.storage.topic', 25, 3, {}],
        ['connect-status', 'status.storage.topic', 5, 3, {}],
      ],
    );
    assert.deepEqual(topics.warnings, []);
  });

  test('partitions and replication factors are read, -1 meaning the broker default', () => {
    const topics = internalTopics({
      ...NAMES,
      'offset.storage.partitions': '-1',
      'status.storage.partitions': '2',
      'config.storage.replication.factor': '-1',
      'status.storage.replication.factor': '1',
    });
    assert.equal(topics.offset.partitions, -1);
    assert.equal(topics.status.partitions, 2);
    assert.equal(topics.config.replicationFactor, -1);
    assert.equal(topics.status.replicationFactor, 1);
  });

  test('other <prefix>.<config> settings become topic configs; a cleanup policy and config topic partitions are ignored with a warning', () => {
    const topics = internalTopics({
      ...NAMES,
      'status.storage.min.insync.replicas': '2',
      'config.storage.cleanup.policy': 'delete',
      'config.storage.partitions': '3',
    });
    assert.deepEqual(topics.status.settings, { 'min.insync.replicas': '2' });
    assert.deepEqual(topics.config.settings, {});
    assert.equal(topics.config.partitions, 1);
    assert.deepEqual(topics.warnings, [
      "Ignoring 'config.storage.partitions=3' setting, since config topic partitions is always 1",
      "Ignoring 'config.storage.cleanup.policy=delete' setting, since compaction is always used",
    ]);
  });

  const refusals: ReadonlyArray<readonly [Record<string, string>, string]> = [
    [{ 'offset.storage.topic': 'o', 'status.storage.topic': 's' }, 'Missing required configuration "config.storage.topic" which has no default value.'],
    [
      { ...NAMES, 'status.storage.partitions': '0' },
      "Invalid value 0 for configuration status.storage.partitions: Number of partitions must be positive, or -1 to use the broker's default",
    ],
    [
      { ...NAMES, 'config.storage.replication.factor': '0' },
      "Invalid value 0 for configuration config.storage.replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default",
    ],
    [{ ...NAMES, 'offset.storage.partitions': 'many' }, 'Invalid value many for configuration offset.storage.partitions: Not a number of type INT'],
    [
      { ...NAMES, 'status.storage.replication.factor': '40000' },
      'Invalid value 40000 for configuration status.storage.replication.factor: Not a number of type SHORT',
    ],
  ];
  for (const [props, message] of refusals) {
    test(`refuses: ${message}`, () => {
      assert.throws(
        () => internalTopics(props),
        (error: unknown) => error instanceof ConfigError && error.message === message,
      );
    });
  }
});
