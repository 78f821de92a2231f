import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/plugin/index.js';
import { loadWorkerConfig, WorkerConfig, WORKER_CONFIG_DEF } from '../../../src/runtime/config/worker-config.js';

test('REST security is off by default: http on 8083, no TLS client auth, no credentials, /health public', () => {
  const config = new WorkerConfig();
  assert.deepEqual(config.getList('listeners'), ['http://:8083']);
  assert.equal(config.basicAuthCredentialsFile, null);
  assert.equal(config.getString('rest.basic.auth.realm'), 'Kafka Connect');
  assert.equal(config.getBoolean('rest.basic.auth.health.public'), true);
  assert.equal(config.getString('ssl.keystore.type'), 'PEM');
  assert.equal(config.getString('ssl.client.auth'), 'none');
  assert.deepEqual(config.getList('ssl.enabled.protocols'), ['TLSv1.2', 'TLSv1.3']);
});

test('secrets among the TLS keys are passwords, shown as [hidden]', () => {
  for (const name of ['ssl.keystore.password', 'ssl.key.password', 'ssl.keystore.key', 'ssl.keystore.certificate.chain', 'ssl.truststore.certificates']) {
    assert.equal(WORKER_CONFIG_DEF.keys.get(name)?.type, 'PASSWORD', name);
    assert.equal(WORKER_CONFIG_DEF.keys.get(`listeners.https.${name}`)?.type, 'PASSWORD', name);
  }
  const config = new WorkerConfig({ 'ssl.key.password': 'do-not-print' });
  assert.equal(String(config.getPassword('ssl.key.password')), '[hidden]');
});

test('prefixed TLS keys are validated like the top-level ones, errors naming the key and where it came from', () => {
  assert.throws(
    () => loadWorkerConfig({ env: { CONNECT_ADMIN_LISTENERS_HTTPS_SSL_CLIENT_AUTH: 'always' } }),
    (e: Error) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid value always for configuration admin.listeners.https.ssl.client.auth: String must be one of (case insensitive): NONE, REQUESTED, REQUIRED (from environment variable CONNECT_ADMIN_LISTENERS_HTTPS_SSL_CLIENT_AUTH)',
  );
  assert.throws(
    () => new WorkerConfig({ 'listeners.https.ssl.keystore.type': 'JKS' }),
    /configuration listeners\.https\.ssl\.keystore\.type: JKS keystores are Java-only/,
  );
});

test('Java-only TLS keys and the Java REST extension are accepted with a warning that says what to use instead', () => {
  const config = new WorkerConfig({
    'ssl.protocol': 'TLSv1.3',
    'listeners.https.ssl.keymanager.algorithm': 'SunX509',
    'rest.extension.classes': 'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension',
    'listeners.https.ssl.keystore.location': '/x.pem',
    'consumer.ssl.truststore.location': '/kafka-ca.pem',
  });
  const warnings = config.warnings.join('\n');
  assert.match(warnings, /'ssl\.protocol' is ignored by this worker: it is a Java TLS setting/);
  assert.match(warnings, /'listeners\.https\.ssl\.keymanager\.algorithm' is ignored by this worker: it is a Java TLS setting/);
  assert.match(warnings, /'rest\.extension\.classes' is ignored by this worker: .*set rest\.basic\.auth\.credentials\.file/);
  assert.equal(config.warnings.length, 3, warnings);
});

test('basic authentication over plain http reachable from other machines draws a warning; loopback or https does not', () => {
  const users = { 'rest.basic.auth.credentials.file': '/etc/connect/users' };
  assert.match(
    new WorkerConfig({ ...users }).warnings.join('\n'),
    /Basic authentication is on, but http:\/\/:8083 is plain http reachable from other machines/,
  );
  assert.match(
    new WorkerConfig({ ...users, listeners: 'https://:8443', 'admin.listeners': 'http://0.0.0.0:9000' }).warnings.join('\n'),
    /http:\/\/0\.0\.0\.0:9000 is plain http/,
  );
  assert.deepEqual(new WorkerConfig({ ...users, listeners: 'https://:8443,http://127.0.0.1:8083' }).warnings, []);
  assert.deepEqual(new WorkerConfig({ listeners: 'http://:8083' }).warnings, []);
});
