/**
 * KafkaBasedLog against the real broker: every partition read from the beginning in offset order,
 * writes acknowledged and partitioned as the Java producer does, Kafka's readToEnd (everything up to
 * the end offsets of the call has reached the callback), and a stop that leaves nothing behind — no
 * socket and no consumer group (the log never joins one). Records of other writers come from kafkajs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import pino from 'pino';
import { KafkaBasedLog, LogStoppedError, type LogRecord } from '../../src/runtime/kafka/kafka-based-log.js';
import { settledSocketsToPort, socketsToPort } from '../helpers/sockets.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';

const BOOTSTRAP = stackAddresses().kafkaBootstrap;
const KAFKA_PORT = Number(BOOTSTRAP.split(':').at(-1));
const logger = pino({ level: 'silent' });

let admin: Admin;
let producer: Producer;

before(async () => {
  const kafka = new Kafka({ clientId: 'kafka-based-log-it', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  // kafkajs' default partitioner is the Java client's murmur2: the reference for where a key belongs
  producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await admin.connect();
  await producer.connect();
});

after(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

async function compactedTopic(partitions: number): Promise<string> {
  const topic = uniqueName('kafka_based_log');
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    waitForLeaders: true,
  });
  return topic;
}

function openLog(topic: string, records: LogRecord[], clientId = uniqueName('log')): KafkaBasedLog {
  return new KafkaBasedLog({ topic, client: { brokers: [BOOTSTRAP], clientId }, onRecord: (r) => records.push(r), logger, fetchMaxWaitMs: 200 });
}

const text = (r: LogRecord) => `${r.key}=${r.value === null ? 'null' : r.value.toString()}`;
const ofPartition = (records: readonly LogRecord[], partition: number) => records.filter((r) => r.partition === partition);

describe('KafkaBasedLog', () => {
  test('start() hands over every record of every partition, from the beginning and in offset order', async (t) => {
    const topic = await compactedTopic(3);
    const messages = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}`, partition: i % 3 }));
    await producer.send({ topic, acks: -1, messages: [...messages, { key: 'k0', value: null, partition: 0 }] });
    const records: LogRecord[] = [];
    const log = openLog(topic, records);
    t.after(() => log.stop());

    await log.start();

    assert.equal(log.partitionCount, 3);
    assert.equal(records.length, 31, 'all records, the tombstone included, before start() resolves');
    for (let p = 0; p < 3; p++) {
      const mine = ofPartition(records, p);
      assert.deepEqual(
        mine.map((r) => r.offset),
        mine.map((_, i) => i),
        `partition ${p} in offset order`,
      );
      assert.deepEqual(mine.map(text), [...messages.filter((m) => m.partition === p).map((m) => `${m.key}=${m.value}`), ...(p === 0 ? ['k0=null'] : [])]);
    }
  });

  test('send() resolves once acknowledged, where the Java producer would put the key', async (t) => {
    const topic = await compactedTopic(5);
    const records: LogRecord[] = [];
    const log = openLog(topic, records);
    t.after(() => log.stop());
    await log.start();
    const keys = Array.from({ length: 20 }, (_, i) => `status-task-connector-${i}-${i % 3}`);

    const positions = await Promise.all(keys.map((key, i) => log.send(key, Buffer.from(`ours ${i}`))));
    await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: 'reference' })) });
    await log.readToEnd();

    for (const [i, key] of keys.entries()) {
      const reference = records.find((r) => r.key === key && r.value?.toString() === 'reference');
      assert.ok(reference, `kafkajs' record for ${key} was read`);
      assert.equal(positions[i].partition, reference.partition, `${key}: same partition as the Java partitioner`);
      const ours = records.find((r) => r.partition === positions[i].partition && r.offset === positions[i].offset);
      assert.equal(ours && text(ours), `${key}=ours ${i}`, 'the position send() reported holds the record');
    }
    const onePartition = ofPartition(records, positions[0].partition).filter((r) => r.value?.toString().startsWith('ours'));
    const sentOrder = keys.filter((_, i) => positions[i].partition === positions[0].partition);
    assert.deepEqual(
      onePartition.map((r) => r.key),
      sentOrder,
      'sends keep their order within a partition',
    );
  });

  test('a send issued as the previous one is acknowledged is sent too (one after the other, and from inside its callback)', async (t) => {
    const topic = await compactedTopic(1);
    const records: LogRecord[] = [];
    const log = openLog(topic, records);
    t.after(() => log.stop());
    await log.start();
    for (let i = 0; i < 10; i++) await log.send(`seq-${i}`, Buffer.from(String(i)));
    const chained = await log.send('first', null).then(() => log.send('from-the-callback', null));
    assert.equal(chained.offset, 11);
    await log.readToEnd();
    assert.deepEqual(
      records.map((r) => r.key),
      [...Array.from({ length: 10 }, (_, i) => `seq-${i}`), 'first', 'from-the-callback'],
    );
  });

  test('readToEnd() resolves only after every record up to the end offsets of the call reached the callback', async (t) => {
    const topic = await compactedTopic(2);
    const seen: LogRecord[] = [];
    const reader = openLog(topic, seen);
    const writer = openLog(topic, []);
    t.after(() => Promise.all([reader.stop(), writer.stop()]));
    await Promise.all([reader.start(), writer.start()]);

    for (let round = 1; round <= 5; round++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => writer.send(`key-${i}`, Buffer.from(`round ${round}`))));
      await producer.send({ topic, acks: -1, messages: [{ key: 'other-writer', value: `round ${round}`, partition: round % 2 }] });
      await reader.readToEnd();
      assert.equal(seen.length, round * 11, `round ${round}: the writers' acknowledged records were all handed over`);
    }
    assert.equal(seen.filter((r) => r.value?.toString() === 'round 5').length, 11);
  });

  test('readToEnd() on a log that is up to date resolves at once, without waiting out a fetch', async (t) => {
    const topic = await compactedTopic(1);
    const log = openLog(topic, []);
    t.after(() => log.stop());
    await log.start();
    // meanwhile the reader waits in fetches of up to 200 ms, as nothing is written
    const started = performance.now();
    for (let i = 0; i < 5; i++) await log.readToEnd();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 200, `5 reads to an unchanged end took ${elapsed.toFixed(0)} ms (the fetch waits up to 200 ms each)`);
  });

  test('a read whose caller gave up rejects with its reason; stop() refuses new work and leaves no socket and no consumer group', async () => {
    const topic = await compactedTopic(3);
    const clientId = uniqueName('log_stop');
    const sockets = socketsToPort(KAFKA_PORT);
    const log = openLog(topic, [], clientId);
    await log.start();
    await log.send('a', Buffer.from('1'));
    const aborted = new AbortController();
    aborted.abort(new Error('caller gave up'));
    await assert.rejects(log.readToEnd(aborted.signal), /caller gave up/);

    await log.stop();

    await assert.rejects(log.readToEnd(), LogStoppedError);
    await assert.rejects(log.send('b', null), LogStoppedError);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    assert.deepEqual(
      groups.filter((g) => g.includes(clientId)),
      [],
      'no consumer group was created',
    );
    const left = await settledSocketsToPort(KAFKA_PORT, sockets);
    assert.ok(left <= sockets, `sockets to the broker: ${sockets} before, ${left} after the stop`);
  });

  test("start() on a topic that does not exist fails with Kafka's message once the wait is over", async () => {
    const topic = uniqueName('kafka_based_log_missing');
    const log = new KafkaBasedLog({ topic, client: { brokers: [BOOTSTRAP], clientId: uniqueName('log') }, onRecord: () => {}, logger, topicWaitMs: 1_000 });
    await assert.rejects(log.start(), new RegExp(`Could not look up partition metadata for topic '${topic}' in the allotted period`));
  });
});
