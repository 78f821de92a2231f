/**
 * The internal topics on the real broker: created when missing (compacted, with the partitions asked
 * for and the replication factor lowered to the one broker), used as they are when compacted, and
 * refused with Kafka's message when their cleanup policy would delete records.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pino from 'pino';
import { ensureInternalTopic, ensureInternalTopics, internalTopics, InternalTopicError } from '../../src/runtime/distributed/internal-topics.js';
import { TopicAdmin } from '../../src/runtime/kafka/topic-admin.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';

const BOOTSTRAP = stackAddresses().kafkaBootstrap;

let admin: Admin;
let topicAdmin: TopicAdmin;
const warnings: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });

before(async () => {
  admin = new Kafka({ clientId: 'internal-topics-it', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  topicAdmin = new TopicAdmin({ client: { brokers: [BOOTSTRAP], clientId: 'internal-topics-it' }, logger });
});

after(async () => {
  await topicAdmin.close();
  await admin.disconnect();
});

async function describeTopic(topic: string): Promise<{ partitions: number; replicas: number; configs: Record<string, string> }> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const { resources } = await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false });
  const configs = Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  const [partition] = metadata.topics[0].partitions;
  return { partitions: metadata.topics[0].partitions.length, replicas: partition.replicas.length, configs };
}

function worker(base: string, extra: Record<string, string> = {}) {
  return internalTopics({
    'config.storage.topic': `${base}_configs`,
    'offset.storage.topic': `${base}_offsets`,
    'status.storage.topic': `${base}_status`,
    ...extra,
  });
}

describe('ensureInternalTopic', () => {
  test("creates missing topics compacted, with Kafka's partition counts and the replication factor lowered to the broker count", async () => {
    const topics = worker(uniqueName('internal'), { 'offset.storage.partitions': '4', 'status.storage.min.compaction.lag.ms': '1000' });
    warnings.length = 0;
    await ensureInternalTopics({ client: { brokers: [BOOTSTRAP], clientId: 'internal-topics-it' }, logger }, topics.config, topics.offset, topics.status);

    const [config, offset, status] = await Promise.all([topics.config, topics.offset, topics.status].map((t) => describeTopic(t.topic)));
    assert.deepEqual(
      [config, offset, status].map((t) => [t.partitions, t.replicas, t.configs['cleanup.policy']]),
      [
        [1, 1, 'compact'],
        [4, 1, 'compact'],
        [5, 1, 'compact'],
      ],
    );
    assert.equal(status.configs['min.compaction.lag.ms'], '1000', 'a status.storage.* setting became a topic config');
    assert.ok(
      warnings.includes(`Topic ${topics.config.topic}: replication factor 3 lowered to the 1 broker(s) of the cluster`),
      `warnings: ${JSON.stringify(warnings)}`,
    );
  });

  test('uses an existing compacted topic as it is', async () => {
    const topics = worker(uniqueName('internal_existing'));
    await admin.createTopics({
      topics: [{ topic: topics.status.topic, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      waitForLeaders: true,
    });
    await ensureInternalTopic(topicAdmin, topics.status);
    assert.equal((await describeTopic(topics.status.topic)).partitions, 2, 'not recreated with 5 partitions');
  });

  for (const policy of ['delete', 'compact,delete']) {
    test(`refuses an existing topic with cleanup.policy=${policy}, with Kafka's message`, async () => {
      const topics = worker(uniqueName('internal_deleting'));
      await admin.createTopics({
        topics: [{ topic: topics.config.topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: policy }] }],
        waitForLeaders: true,
      });
      await assert.rejects(ensureInternalTopic(topicAdmin, topics.config), (error: unknown) => {
        assert.ok(error instanceof InternalTopicError);
        assert.equal(
          error.message,
          `Topic '${topics.config.topic}' supplied via the 'config.storage.topic' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of connector configurations, but found the topic currently has 'cleanup.policy=${policy}'. Continuing would likely result in eventually losing connector configurations and problems restarting this Connect cluster in the future. Change the 'config.storage.topic' property in the Connect worker configurations to use a topic with 'cleanup.policy=compact'.`,
        );
        return true;
      });
    });
  }
});
