import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOptions } from '../../../src/runtime/kafka/client-config.js';
import { platformaticOptions } from '../../../src/runtime/kafka/platformatic-options.js';

const DEFAULTS = { bootstrapServers: ['broker:9092'], clientId: 'connect-distributed-configs' };

test('plain Kafka properties give the brokers, the client id and the timeouts', () => {
  const { client } = clientOptions({ 'request.timeout.ms': '20000', 'socket.connection.setup.timeout.ms': '7000', 'retry.backoff.ms': '250' }, DEFAULTS);
  assert.deepEqual(platformaticOptions(client), {
    clientId: 'connect-distributed-configs',
    bootstrapBrokers: ['broker:9092'],
    requestTimeout: 20000,
    connectTimeout: 7000,
    retryDelay: 250,
  });
});

test('SASL_SSL with SCRAM gives TLS and the SASL mechanism in the spelling of @platformatic/kafka', () => {
  const { client } = clientOptions(
    {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="s3cret";',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----\nMII…\n-----END CERTIFICATE-----',
    },
    DEFAULTS,
  );
  const options = platformaticOptions(client);
  assert.deepEqual(options.sasl, { mechanism: 'SCRAM-SHA-512', username: 'connect', password: 's3cret' });
  assert.equal(options.tls?.ca, '-----BEGIN CERTIFICATE-----\nMII…\n-----END CERTIFICATE-----');
});

test('SASL_PLAINTEXT with PLAIN gives SASL without TLS', () => {
  const { client } = clientOptions(
    { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'PlainLoginModule required username="u" password="p";' },
    DEFAULTS,
  );
  const options = platformaticOptions(client);
  assert.deepEqual(options.sasl, { mechanism: 'PLAIN', username: 'u', password: 'p' });
  assert.equal(options.tls, undefined);
});
