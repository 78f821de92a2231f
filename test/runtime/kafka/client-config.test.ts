import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOptions, consumerOptions, protocolClientOptions, withPrefix } from '../../../src/runtime/kafka/client-config.js';

const DEFAULTS = { bootstrapServers: ['broker:9092'], clientId: 'connector-consumer-vectors-0', groupId: 'connect-vectors' };

test("with no properties a sink consumer gets Kafka Connect's defaults", () => {
  const options = consumerOptions({}, DEFAULTS);
  assert.deepEqual(options.client.brokers, ['broker:9092']);
  assert.equal(options.client.clientId, 'connector-consumer-vectors-0');
  assert.equal(options.consumer.groupId, 'connect-vectors');
  assert.equal(options.consumer.sessionTimeout, 45000);
  assert.equal(options.consumer.heartbeatInterval, 3000);
  assert.equal(options.consumer.rebalanceTimeout, 300000);
  assert.equal(options.consumer.maxBytes, 52428800);
  assert.equal(options.consumer.maxBytesPerPartition, 1048576);
  assert.equal(options.consumer.maxWaitTimeInMs, 500);
  assert.equal(options.consumer.readUncommitted, true);
  assert.equal(options.fromBeginning, true, 'auto.offset.reset=earliest');
  assert.equal(options.maxPollRecords, 500);
  assert.deepEqual(options.unsupported, []);
  assert.equal(options.client.ssl, undefined);
});

test('Kafka consumer properties map onto their kafkajs equivalents; the rest is reported as unsupported', () => {
  const options = consumerOptions(
    {
      'bootstrap.servers': 'a:1, b:2',
      'group.id': 'legacy-group',
      'client.id': 'custom',
      'session.timeout.ms': '30000',
      'heartbeat.interval.ms': '5000',
      'max.poll.interval.ms': '600000',
      'fetch.min.bytes': '1024',
      'fetch.max.bytes': '1000000',
      'max.partition.fetch.bytes': '200000',
      'fetch.max.wait.ms': '250',
      'max.poll.records': '2000',
      'isolation.level': 'read_committed',
      'client.rack': 'eu-1a',
      'auto.offset.reset': 'latest',
      'enable.auto.commit': 'true',
      'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
      'ssl.truststore.location': '/etc/kafka/truststore.jks',
    },
    DEFAULTS,
  );
  assert.deepEqual(options.client.brokers, ['a:1', 'b:2']);
  assert.equal(options.client.clientId, 'custom');
  assert.equal(options.consumer.groupId, 'legacy-group');
  assert.equal(options.consumer.sessionTimeout, 30000);
  assert.equal(options.consumer.heartbeatInterval, 5000);
  assert.equal(options.consumer.rebalanceTimeout, 600000);
  assert.equal(options.consumer.minBytes, 1024);
  assert.equal(options.consumer.maxBytes, 1000000);
  assert.equal(options.consumer.maxBytesPerPartition, 200000);
  assert.equal(options.consumer.maxWaitTimeInMs, 250);
  assert.equal(options.consumer.readUncommitted, false);
  assert.equal(options.consumer.rackId, 'eu-1a');
  assert.equal(options.maxPollRecords, 2000);
  assert.equal(options.fromBeginning, false);
  assert.deepEqual(options.unsupported.sort(), ['partition.assignment.strategy', 'ssl.truststore.location']);
});

test('SASL over TLS takes the credentials from sasl.jaas.config and PEM stores from their properties', () => {
  const { client } = clientOptions(
    {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="p\\"w";',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----',
    },
    DEFAULTS,
  );
  assert.deepEqual(client.sasl, { mechanism: 'scram-sha-512', username: 'svc', password: 'p"w' });
  assert.deepEqual(client.ssl, { ca: '-----BEGIN CERTIFICATE-----' });
  assert.throws(
    () => clientOptions({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'GSSAPI', 'sasl.jaas.config': 'x username="a" password="b";' }, DEFAULTS),
    /sasl\.mechanism/,
  );
  assert.throws(() => consumerOptions({ 'session.timeout.ms': 'soon' }, DEFAULTS), /Invalid value soon for configuration session\.timeout\.ms/);
});

test('withPrefix strips a prefix; later maps win', () => {
  assert.deepEqual(
    withPrefix('consumer.override.', { 'consumer.override.max.poll.records': '10', topics: 't' }, { 'consumer.override.max.poll.records': '20' }),
    { 'max.poll.records': '20' },
  );
});

test('the group membership connections take the same client properties: brokers, client id, timeouts, SASL and TLS', () => {
  const options = protocolClientOptions(
    {
      'bootstrap.servers': 'a:1, [::1]:9093',
      'client.id': 'worker-1',
      'request.timeout.ms': '40000',
      'retry.backoff.ms': '250',
      'socket.connection.setup.timeout.ms': '7000',
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="pw";',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----',
      'group.id': 'connect-cluster',
    },
    DEFAULTS,
  );
  assert.deepEqual(options.bootstrapServers, [
    { host: 'a', port: 1 },
    { host: '::1', port: 9093 },
  ]);
  assert.equal(options.clientId, 'worker-1');
  assert.equal(options.requestTimeoutMs, 40000);
  assert.equal(options.retryBackoffMs, 250);
  assert.deepEqual(options.connection, {
    connectTimeout: 7000,
    tls: { ca: '-----BEGIN CERTIFICATE-----' },
    sasl: { mechanism: 'SCRAM-SHA-256', username: 'svc', password: 'pw' },
  });
});

test('the group membership connections: plaintext by default, PLAIN SASL without TLS, and a bad broker address refused', () => {
  assert.deepEqual(protocolClientOptions({}, DEFAULTS).connection, { connectTimeout: 10000 });
  assert.deepEqual(protocolClientOptions({}, DEFAULTS).bootstrapServers, [{ host: 'broker', port: 9092 }]);
  const plain = protocolClientOptions(
    { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'x required username="u" password="p";' },
    DEFAULTS,
  );
  assert.deepEqual(plain.connection, { connectTimeout: 10000, sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } });
  assert.throws(() => protocolClientOptions({ 'bootstrap.servers': 'broker' }, DEFAULTS), /Invalid value broker for configuration bootstrap.servers/);
});
