/**
 * A sink consumer stopped while it is still connecting leaves nothing behind: no connection to the broker,
 * so nothing that keeps the stopped task in memory. (Found by the soak test: task restarts and config
 * updates stop tasks whose consumers are still connecting, and each one that lost the race kept a
 * connection and its whole task, Milvus client included, for the life of the process.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaSinkConsumer, type SinkConsumerHandler } from '../../src/runtime/kafka/sink-consumer.js';
import { settledSocketsToPort, socketsToPort } from '../helpers/sockets.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';
import { createTopic } from './e2e-fixture.js';

const ROUNDS = 6;
const KAFKA_PORT = Number(stackAddresses().kafkaBootstrap.split(':').at(-1));

const handler: SinkConsumerHandler = {
  onBatch: async () => {},
  onAssigned: () => {},
  onRebalancing: () => {},
  onCrash: () => {},
};

test(`${ROUNDS} consumers stopped while connecting leave no connection to the broker open`, async () => {
  const topic = uniqueName('consumer_stop');
  await createTopic(topic);
  const kafka = new Kafka({ clientId: 'sink-consumer-stop-it', brokers: [stackAddresses().kafkaBootstrap], logLevel: logLevel.NOTHING });
  const before = socketsToPort(KAFKA_PORT);
  for (let i = 0; i < ROUNDS; i++) {
    const consumer = new KafkaSinkConsumer({ kafka, consumer: { groupId: `connect-${topic}-${i}` }, topics: [topic], fromBeginning: true });
    const started = consumer.start(handler).catch(() => undefined);
    // the stop lands while connect() is still in flight, as a restart of a task that just started does
    await consumer.stop();
    await started;
  }
  const after = await settledSocketsToPort(KAFKA_PORT, before);
  assert.ok(after <= before, `sockets to the broker: ${before} before, ${after} after ${ROUNDS} stopped consumers`);
});
