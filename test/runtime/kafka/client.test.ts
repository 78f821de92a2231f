import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logLevel } from 'kafkajs';
import pino from 'pino';
import { kafkaLoggerName, pinoLogCreator } from '../../../src/runtime/kafka/client.js';

test('kafkajs namespaces map onto the Kafka client logger names operators configure', () => {
  assert.equal(kafkaLoggerName('ConsumerGroup'), 'org.apache.kafka.clients.consumer.KafkaConsumer');
  assert.equal(kafkaLoggerName('Producer'), 'org.apache.kafka.clients.producer.KafkaProducer');
  assert.equal(kafkaLoggerName('Admin'), 'org.apache.kafka.clients.admin.AdminClient');
  assert.equal(kafkaLoggerName('Connection'), 'org.apache.kafka.clients.NetworkClient');
});

test("entries of kafkajs' root logger, which have no namespace (its partitioner warning), are logged, not thrown on", () => {
  const lines: string[] = [];
  const root = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  const log = pinoLogCreator({ logger: (name) => root.child({ logger: name }) })(logLevel.WARN);
  const entry = {
    namespace: undefined as unknown as string,
    level: logLevel.WARN,
    label: 'WARN',
    log: { timestamp: '', logger: 'kafkajs', message: 'KafkaJS v2.0.0 switched default partitioner' },
  };
  assert.doesNotThrow(() => log(entry));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /switched default partitioner/);
  assert.match(lines[0], /org\.apache\.kafka\.clients\.NetworkClient/);
});
