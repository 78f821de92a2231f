/**
 * KafkaConfigStore on the real broker: two stores in one process stand for two workers sharing a config
 * topic. Records that only compaction or a writer dying mid-way produce are written directly with kafkajs,
 * in Kafka Connect's format, to check the consistency rule of task configs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import pino from 'pino';
import { internalTopics } from '../../src/runtime/distributed/internal-topics.js';
import { KafkaConfigStore, type ConfigUpdateListener } from '../../src/runtime/distributed/kafka-config-store.js';
import { KafkaBasedLog, type LogRecord } from '../../src/runtime/kafka/kafka-based-log.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';

const BOOTSTRAP = stackAddresses().kafkaBootstrap;
const logger = pino({ level: 'silent' });

let admin: Admin;
let producer: Producer;

before(async () => {
  const kafka = new Kafka({ clientId: 'kafka-config-store-it', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  await producer.connect();
});

after(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

function configTopic(topic = uniqueName('configs')) {
  return internalTopics({
    'config.storage.topic': topic,
    'offset.storage.topic': `${topic}_offsets`,
    'status.storage.topic': `${topic}_status`,
    'config.storage.replication.factor': '1',
  }).config;
}

/** Every listener call, as text, in order. */
function recorder(): { events: string[]; listener: ConfigUpdateListener } {
  const events: string[] = [];
  return {
    events,
    listener: {
      onConnectorConfigUpdate: (c) => void events.push(`config ${c}`),
      onConnectorConfigRemove: (c) => void events.push(`removed ${c}`),
      onTaskConfigUpdate: (c, tasks) => void events.push(`tasks ${c} [${tasks.join(',')}]`),
      onConnectorTargetStateChange: (c) => void events.push(`target state ${c}`),
      onRestartRequest: (c, r) => void events.push(`restart ${c} includeTasks=${r.includeTasks} onlyFailed=${r.onlyFailed}`),
      onSessionKeyUpdate: (k) => void events.push(`session key ${k.algorithm} ${k.key.toString('hex')}`),
      onLoggingLevelUpdate: (ns, level) => void events.push(`logger ${ns} ${level}`),
    },
  };
}

async function startStore(t: TestContext, topic: ReturnType<typeof configTopic>, listener?: ConfigUpdateListener): Promise<KafkaConfigStore> {
  const store = new KafkaConfigStore({ topic, client: { brokers: [BOOTSTRAP], clientId: uniqueName('config_store') }, logger, fetchMaxWaitMs: 200 });
  if (listener) store.setUpdateListener(listener);
  t.after(() => store.stop());
  await store.start();
  return store;
}

/** Raw records into the topic, as another (or a compacted) writer left them. */
async function writeRaw(topic: string, records: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
  await producer.send({ topic, acks: -1, messages: records.map(([key, value]) => ({ key, value: value === null ? null : JSON.stringify(value) })) });
}

const CONFIG = { 'connector.class': 'MilvusSink', 'tasks.max': '2', topics: 'orders', name: 'orders-sink' };
const TASK = (n: number) => ({ ...CONFIG, task: String(n) });

describe('KafkaConfigStore', () => {
  test("a write resolves once read back: the writer's snapshot has it, and another worker reads it and is told", async (t) => {
    const topic = configTopic();
    const a = await startStore(t, topic);
    const b = recorder();
    const other = await startStore(t, topic, b.listener);

    await a.putConnectorConfig('orders-sink', CONFIG);
    assert.deepEqual(a.snapshot().connector('orders-sink'), { name: 'orders-sink', config: CONFIG, targetState: 'STARTED', taskConfigs: [] });

    await a.putTaskConfigs('orders-sink', [TASK(0), TASK(1)]);
    assert.deepEqual(a.snapshot().taskConfigs('orders-sink'), [TASK(0), TASK(1)]);

    await other.refresh();
    const seen = other.snapshot();
    assert.deepEqual(seen.all(), [{ name: 'orders-sink', config: CONFIG, targetState: 'STARTED', taskConfigs: [TASK(0), TASK(1)] }]);
    assert.equal(seen.taskCount('orders-sink'), 2);
    assert.deepEqual(seen.inconsistentConnectors(), []);
    assert.equal(seen.offset, a.snapshot().offset, 'both read to the same offset');
    assert.deepEqual(b.events, ['config orders-sink', 'tasks orders-sink [0,1]']);
  });

  test('a connector created in a target state: the state is written first, and nobody is told before the config exists', async (t) => {
    const topic = configTopic();
    const raw: LogRecord[] = [];
    const reader = new KafkaBasedLog({
      topic: topic.topic,
      client: { brokers: [BOOTSTRAP], clientId: uniqueName('raw') },
      onRecord: (r) => raw.push(r),
      logger,
    });
    const a = await startStore(t, topic);
    const b = recorder();
    const other = await startStore(t, topic, b.listener);
    await reader.start();
    t.after(() => reader.stop());

    await a.putConnectorConfig('stopped-sink', CONFIG, 'STOPPED');
    await Promise.all([reader.readToEnd(), other.refresh()]);

    assert.deepEqual(
      raw.map((r) => `${r.key} ${r.value}`),
      ['target-state-stopped-sink {"state":"PAUSED","state.v2":"STOPPED"}', `connector-stopped-sink ${JSON.stringify({ properties: CONFIG })}`],
    );
    assert.equal(other.snapshot().targetState('stopped-sink'), 'STOPPED');
    assert.deepEqual(b.events, ['config stopped-sink']);
  });

  test('target states, restart requests, session keys and cluster logger levels reach the other worker', async (t) => {
    const topic = configTopic();
    const a = await startStore(t, topic);
    await a.putConnectorConfig('sink', CONFIG);
    const b = recorder();
    const other = await startStore(t, topic, b.listener);

    await a.putTargetState('sink', 'PAUSED');
    await a.putTargetState('sink', 'PAUSED'); // no change: not news
    await a.putTargetState('sink', 'STOPPED');
    await a.putRestartRequest('sink', { includeTasks: true, onlyFailed: true });
    await a.putSessionKey({ key: Buffer.from('00ff10', 'hex'), algorithm: 'HmacSHA256', creationTimestamp: 1_700_000_000_123 });
    await a.putLoggerLevel('org.apache.kafka.connect', 'DEBUG');
    await other.refresh();

    assert.deepEqual(b.events, [
      'target state sink',
      'target state sink',
      'restart sink includeTasks=true onlyFailed=true',
      'session key HmacSHA256 00ff10',
      'logger org.apache.kafka.connect DEBUG',
    ]);
    const snapshot = other.snapshot();
    assert.equal(snapshot.targetState('sink'), 'STOPPED');
    assert.deepEqual(snapshot.sessionKey, { key: Buffer.from('00ff10', 'hex'), algorithm: 'HmacSHA256', creationTimestamp: 1_700_000_000_123 });
  });

  test('a restart request or logger level written before a worker started is not replayed to it', async (t) => {
    const topic = configTopic();
    const a = await startStore(t, topic);
    await a.putConnectorConfig('sink', CONFIG);
    await a.putRestartRequest('sink', { includeTasks: false, onlyFailed: false });
    await a.putLoggerLevel('root', 'WARN');
    const b = recorder();
    await startStore(t, topic, b.listener);
    assert.deepEqual(b.events, []);
  });

  test('deleting a connector removes its config, target state and task configs for every worker', async (t) => {
    const topic = configTopic();
    const a = await startStore(t, topic);
    await a.putConnectorConfig('doomed', CONFIG, 'PAUSED');
    await a.putTaskConfigs('doomed', [TASK(0)]);
    await a.putConnectorConfig('kept', CONFIG);
    const b = recorder();
    const other = await startStore(t, topic, b.listener);

    await a.removeConnectorConfig('doomed');
    await other.refresh();

    for (const snapshot of [a.snapshot(), other.snapshot()]) {
      assert.equal(snapshot.contains('doomed'), false);
      assert.equal(snapshot.targetState('doomed'), undefined);
      assert.deepEqual(snapshot.taskConfigs('doomed'), []);
      assert.equal(snapshot.taskConfig('doomed', 0), undefined);
      assert.deepEqual(snapshot.connectors(), ['kept']);
    }
    assert.deepEqual(b.events, ['removed doomed']);

    // a fresh worker reading the tombstones sees the same
    const late = await startStore(t, topic);
    assert.deepEqual(late.snapshot().connectors(), ['kept']);
  });

  test('task configs without their commit stay invisible; the commit applies them all at once', async (t) => {
    const topic = configTopic();
    const a = await startStore(t, topic);
    await a.putConnectorConfig('sink', CONFIG);
    await a.putTaskConfigs('sink', [TASK(0), TASK(1)]);
    const b = recorder();
    const other = await startStore(t, topic, b.listener);

    // a leader that died after writing half of a new set
    await writeRaw(topic.topic, [['task-sink-0', { properties: { ...TASK(0), generation: 'new' } }]]);
    await other.refresh();
    assert.deepEqual(other.snapshot().taskConfigs('sink'), [TASK(0), TASK(1)], 'the old set, untouched');
    assert.deepEqual(b.events, []);

    await writeRaw(topic.topic, [
      ['task-sink-1', { properties: { ...TASK(1), generation: 'new' } }],
      ['commit-sink', { tasks: 2 }],
    ]);
    await other.refresh();
    assert.deepEqual(other.snapshot().taskConfigs('sink'), [
      { ...TASK(0), generation: 'new' },
      { ...TASK(1), generation: 'new' },
    ]);
    assert.deepEqual(b.events, ['tasks sink [0,1]']);
  });

  test('a commit over an incomplete set marks the connector inconsistent until a complete set is committed', async (t) => {
    const topic = configTopic();
    // what compaction can leave: task 0's record of this commit was replaced by a later one that never got its commit
    await admin.createTopics({
      topics: [{ topic: topic.topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      waitForLeaders: true,
    });
    await writeRaw(topic.topic, [
      ['connector-sink', { properties: CONFIG }],
      ['task-sink-1', { properties: TASK(1) }],
      ['commit-sink', { tasks: 2 }],
    ]);
    const b = recorder();
    const store = await startStore(t, topic, b.listener);
    const before = store.snapshot();
    assert.deepEqual(before.inconsistentConnectors(), ['sink']);
    assert.deepEqual(before.taskConfigs('sink'), [], 'no tasks are offered for an inconsistent connector');
    assert.deepEqual(before.connector('sink')?.taskConfigs, []);
    assert.equal(before.taskCount('sink'), 2);

    // the herder has the connector generate its task configs again
    await store.putTaskConfigs('sink', [TASK(0), TASK(1)]);
    const after = store.snapshot();
    assert.deepEqual(after.inconsistentConnectors(), []);
    assert.deepEqual(after.taskConfigs('sink'), [TASK(0), TASK(1)]);
    assert.deepEqual(b.events, ['tasks sink [0,1]']);
  });

  test('fewer tasks than before: a commit of 1 applies task 0 and leaves the stale task 1 out', async (t) => {
    const topic = configTopic();
    const a = await startStore(t, topic);
    await a.putConnectorConfig('sink', CONFIG);
    await a.putTaskConfigs('sink', [TASK(0), TASK(1)]);
    await a.putTaskConfigs('sink', [{ ...TASK(0), only: 'one' }]);
    assert.deepEqual(a.snapshot().taskConfigs('sink'), [{ ...TASK(0), only: 'one' }]);
    assert.equal(a.snapshot().taskCount('sink'), 1);
  });

  test('stopping a connector commits zero tasks', async (t) => {
    const topic = configTopic();
    const a = await startStore(t, topic);
    await a.putConnectorConfig('sink', CONFIG);
    await a.putTaskConfigs('sink', [TASK(0), TASK(1)]);
    await a.putTaskConfigs('sink', []);
    await a.putTargetState('sink', 'STOPPED');
    assert.deepEqual(a.snapshot().connector('sink'), { name: 'sink', config: CONFIG, targetState: 'STOPPED', taskConfigs: [] });
  });

  test('task configs committed for a connector that no longer exists are ignored', async (t) => {
    const topic = configTopic();
    await admin.createTopics({
      topics: [{ topic: topic.topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      waitForLeaders: true,
    });
    // compaction removed the connector's config and its tombstone, not its tasks' records
    await writeRaw(topic.topic, [
      ['task-gone-0', { properties: TASK(0) }],
      ['commit-gone', { tasks: 1 }],
    ]);
    const store = await startStore(t, topic);
    assert.deepEqual(store.snapshot().connectors(), []);
    assert.equal(store.snapshot().taskCount('gone'), 0);
    assert.equal(store.snapshot().taskConfig('gone', 0), undefined);
  });

  test('records of the wrong shape are skipped; the records after them are read', async (t) => {
    const topic = configTopic();
    const a = await startStore(t, topic);
    await writeRaw(topic.topic, [
      ['connector-broken', 'not an object'],
      ['commit-broken', { tasks: 'two' }],
      ['who-knows', { x: 1 }],
    ]);
    await a.putConnectorConfig('fine', CONFIG);
    assert.deepEqual(a.snapshot().connectors(), ['fine']);
  });

  test("a config topic with more than one partition is refused, with Kafka's message", async (t) => {
    const topic = configTopic();
    await admin.createTopics({
      topics: [{ topic: topic.topic, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      waitForLeaders: true,
    });
    await assert.rejects(
      startStore(t, topic),
      new RegExp(
        `^InternalTopicError: Topic '${topic.topic}' supplied via the 'config.storage.topic' property is required to have a single partition in order to guarantee consistency of connector configurations, but found 2 partitions\\.$`,
      ),
    );
  });

  test("a write that cannot complete in time fails with Kafka's message, and the store stays usable", async (t) => {
    const topic = configTopic();
    const store = new KafkaConfigStore({ topic, client: { brokers: [BOOTSTRAP], clientId: uniqueName('config_store') }, logger, timeoutMs: 1 });
    t.after(() => store.stop());
    await store.start();
    await assert.rejects(store.putConnectorConfig('slow', CONFIG), /^ServerError: Error writing connector configuration to Kafka$/);
    // the record itself was sent: it shows up once read
    await waitFor('the record of the timed-out write', async () => {
      await store.refresh(10_000);
      return store.snapshot().contains('slow');
    });
  });
});
