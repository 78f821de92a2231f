import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConfigError } from '../../../src/plugin/index.js';
import { envNameForKey, keyForEnvName } from '../../../src/runtime/config/worker-config-sources.js';
import { loadWorkerConfig, WORKER_CONFIG_DEF, WorkerConfig } from '../../../src/runtime/config/worker-config.js';

function writeTemp(t: TestContext, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'worker-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Kafka 3.9's config/connect-standalone.properties, comments trimmed. */
const STOCK_STANDALONE = `
# These are defaults. This file just demonstrates how to override some settings.
bootstrap.servers=localhost:9092
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.file.filename=/tmp/connect.offsets
# Flush much faster than normal, which is useful for testing/debugging
offset.flush.interval.ms=10000
#listeners=HTTP://:8083
#plugin.path=
`;

test('with nothing configured every key has its documented default', () => {
  const config = new WorkerConfig();
  assert.deepEqual(config.getList('bootstrap.servers'), ['localhost:9092']);
  assert.deepEqual(config.getList('listeners'), ['http://:8083']);
  assert.equal(config.getString('key.converter'), 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(config.getString('value.converter'), 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(config.getString('header.converter'), 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
  assert.equal(config.getLong('offset.flush.interval.ms'), 1000);
  assert.equal(config.getLong('offset.flush.timeout.ms'), 5000);
  assert.equal(config.getLong('task.shutdown.graceful.timeout.ms'), 5000);
  assert.equal(config.getLong('shutdown.timeout.ms'), 30000);
  assert.deepEqual(config.getList('config.providers'), []);
  assert.equal(config.getBoolean('topic.tracking.enable'), true);
  assert.equal(config.getBoolean('topic.tracking.allow.reset'), true);
  assert.equal(config.getString('connector.client.config.override.policy'), 'All');
  assert.equal(config.get('admin.listeners'), null);
  assert.equal(config.getString('access.control.allow.origin'), '');
  assert.equal(config.sqlitePath, 'data/connect.db');
  assert.deepEqual(config.logLevels, { root: 'INFO' });
  assert.deepEqual(config.warnings, []);
});

test('every key is documented and belongs to a group', () => {
  for (const key of WORKER_CONFIG_DEF.keys.values()) {
    assert.ok(key.documentation && key.documentation.length > 20, `${key.name} lacks documentation`);
    assert.ok(key.group, `${key.name} has no group`);
  }
});

test('the stock connect-standalone.properties loads; the file offsets key draws a warning, converter sub-keys do not', (t) => {
  const config = loadWorkerConfig({ file: writeTemp(t, 'connect-standalone.properties', STOCK_STANDALONE) });
  assert.equal(config.getLong('offset.flush.interval.ms'), 10000);
  assert.deepEqual(config.originalsWithPrefix('value.converter.'), { 'schemas.enable': 'true' });
  assert.equal(config.warnings.length, 1);
  assert.match(config.warnings[0], /'offset\.storage\.file\.filename' is ignored by this worker: .*consumer groups/);
});

test('properties files follow Java syntax: separators, comments, continuations and escapes', (t) => {
  const file = writeTemp(
    t,
    'worker.properties',
    [
      '! bang comment',
      'bootstrap.servers : broker-1:9092,\\',
      '    broker-2:9092',
      'sqlite.path   /var/lib/milvus-connect/connect.db',
      'rest.advertised.host.name=caf\\u00e9.example',
      'access.control.allow.origin=https\\://ui.example',
      '',
    ].join('\n'),
  );
  const config = loadWorkerConfig({ file });
  assert.deepEqual(config.getList('bootstrap.servers'), ['broker-1:9092', 'broker-2:9092']);
  assert.equal(config.sqlitePath, '/var/lib/milvus-connect/connect.db');
  assert.equal(config.getString('rest.advertised.host.name'), 'café.example');
  assert.equal(config.getString('access.control.allow.origin'), 'https://ui.example');
});

test('CONNECT_<KEY> environment variables override the file', (t) => {
  const file = writeTemp(t, 'w.properties', 'bootstrap.servers=from-file:9092\noffset.flush.interval.ms=500\n');
  const config = loadWorkerConfig({
    file,
    env: { CONNECT_BOOTSTRAP_SERVERS: 'from-env:9092', CONNECT_SQLITE_PATH: '/data/c.db', PATH: '/usr/bin', SQLITE_PATH: 'not ours' },
  });
  assert.deepEqual(config.getList('bootstrap.servers'), ['from-env:9092']);
  assert.equal(config.getLong('offset.flush.interval.ms'), 500);
  assert.equal(config.sqlitePath, '/data/c.db');
  assert.deepEqual(config.warnings, []);
});

test('unknown CONNECT_ variables map the Confluent way and pass through to client prefixes', () => {
  const config = loadWorkerConfig({
    env: {
      CONNECT_CONSUMER_MAX_POLL_RECORDS: '200',
      CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE: 'false',
      CONNECT_CONSUMER_SASL_JAAS_CONFIG: 'secret-jaas',
      CONNECT_CONSUMER_SOME__UNDERSCORED___DASHED: 'x',
    },
  });
  assert.deepEqual(config.originalsWithPrefix('consumer.'), {
    'max.poll.records': '200',
    'sasl.jaas.config': 'secret-jaas',
    'some_underscored-dashed': 'x',
  });
  assert.deepEqual(config.originalsWithPrefix('value.converter.'), { 'schemas.enable': 'false' });
  assert.deepEqual(config.warnings, []);
});

test('the env name mapping round-trips every known key', () => {
  for (const key of WORKER_CONFIG_DEF.keys.keys()) assert.equal(keyForEnvName(envNameForKey(key)), key);
  assert.equal(envNameForKey('rest.advertised.host.name'), 'CONNECT_REST_ADVERTISED_HOST_NAME');
  assert.equal(keyForEnvName('CONNECT_LOG4J_ROOT_LOGLEVEL'), 'log4j.root.loglevel');
});

test('unknown keys are accepted with Kafka’s warning naming where they came from', (t) => {
  const file = writeTemp(t, 'w.properties', 'no.such.key=1\n');
  const config = loadWorkerConfig({ file, env: { CONNECT_GROUP_ID: 'connect-cluster', CONNECT_ANOTHER_UNKNOWN: 'x' } });
  assert.deepEqual(config.warnings, [
    `The configuration 'no.such.key' was supplied but isn't a known config. (in ${file})`,
    "The configuration 'another.unknown' was supplied but isn't a known config. (from environment variable CONNECT_ANOTHER_UNKNOWN)",
    "The configuration 'group.id' is ignored by this worker: a distributed-mode setting: this worker is standalone and keeps its state in SQLite (sqlite.path); run milvus-connect-distributed for a cluster. (from environment variable CONNECT_GROUP_ID)",
  ]);
});

test('a connector config given as the worker file draws a hint about the argument order', () => {
  const config = new WorkerConfig({ name: 'milvus', 'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector' });
  assert.match(config.warnings.join('\n'), /'connector\.class' .*looks like a connector config; the worker properties file comes first/);
});

test('plugin.path is accepted but warned about', () => {
  const config = new WorkerConfig({ 'plugin.path': '/usr/share/java' });
  assert.deepEqual(config.getList('plugin.path'), ['/usr/share/java']);
  assert.match(config.warnings.join('\n'), /'plugin\.path' is ignored by this worker: connectors and converters are built in/);
});

test('an invalid value is refused with Kafka’s text, naming the key, what is allowed and where it was set', () => {
  assert.throws(
    () => loadWorkerConfig({ env: { CONNECT_OFFSET_FLUSH_INTERVAL_MS: 'soon' } }),
    (e: Error) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG (from environment variable CONNECT_OFFSET_FLUSH_INTERVAL_MS)',
  );
  assert.throws(
    () => new WorkerConfig({ 'topic.tracking.enable': 'yes' }),
    /^ConfigError: Invalid value yes for configuration topic\.tracking\.enable: Expected value to be either true or false$/,
  );
  assert.throws(
    () => new WorkerConfig({ 'connector.client.config.override.policy': 'Some' }),
    /Invalid value Some for configuration connector\.client\.config\.override\.policy: String must be one of: All, None, Principal/,
  );
  assert.throws(() => new WorkerConfig({ 'log4j.root.loglevel': 'LOUD' }), /Invalid value LOUD for configuration log4j\.root\.loglevel: .*OFF, FATAL/);
  assert.throws(
    () => new WorkerConfig({ 'rest.advertised.port': '70000' }),
    /Invalid value 70000 for configuration rest\.advertised\.port: Value must be no more than 65535/,
  );
  assert.throws(() => new WorkerConfig({ 'bootstrap.servers': '' }), /configuration bootstrap\.servers: at least one host:port is required/);
});

test('several invalid keys are all reported at once', () => {
  assert.throws(
    () => loadWorkerConfig({ env: { CONNECT_OFFSET_FLUSH_INTERVAL_MS: '-1', CONNECT_LISTENERS: 'ftp://:21' } }),
    (e: Error) =>
      e instanceof ConfigError &&
      /^The worker configuration has 2 errors:\n/.test(e.message) &&
      e.message.includes('for configuration offset.flush.interval.ms: Value must be at least 0') &&
      e.message.includes("for configuration listeners: Listener 'ftp://:21' has the unknown protocol 'ftp'"),
  );
});

test('a missing worker file is a clear error naming it', () => {
  assert.throws(() => loadWorkerConfig({ file: '/nonexistent/worker.properties' }), /Cannot read the properties file \/nonexistent\/worker\.properties/);
});

test('listeners are read as a list of listener URLs', () => {
  const config = new WorkerConfig({ listeners: 'http://127.0.0.1:8083, http://:9000' });
  assert.deepEqual(
    config.listeners.map((l) => [l.host, l.port]),
    [
      ['127.0.0.1', 8083],
      ['', 9000],
    ],
  );
  assert.throws(() => new WorkerConfig({ listeners: '' }), /Invalid value \[\] for configuration listeners: at least one URL/);
  assert.deepEqual(
    new WorkerConfig({ listeners: 'http://:8083,HTTPS://:8443' }).listeners.map((l) => l.protocol),
    ['http', 'https'],
  );
  assert.throws(
    () => new WorkerConfig({ listeners: 'http://:8083,ws://:8443' }),
    /Invalid value \[http:\/\/:8083, ws:\/\/:8443\] for configuration listeners: Listener 'ws:\/\/:8443' has the unknown protocol 'ws'; use http or https/,
  );
});

test('admin.listeners: unset serves admin on the regular listeners, empty disables, URLs name separate listeners', () => {
  assert.equal(new WorkerConfig().adminListeners, null);
  assert.deepEqual(new WorkerConfig({ 'admin.listeners': '' }).adminListeners, []);
  const separate = new WorkerConfig({ 'admin.listeners': 'http://127.0.0.1:9093' });
  assert.deepEqual(
    separate.adminListeners?.map((l) => l.port),
    [9093],
  );
  assert.deepEqual(separate.warnings, []);
  assert.throws(() => new WorkerConfig({ 'admin.listeners': 'http://nowhere' }), /configuration admin\.listeners: Could not parse listener/);
});

test('workerId is the advertised host and port, falling back to the first listener, then the host name', () => {
  assert.equal(new WorkerConfig({ 'rest.advertised.host.name': 'connect-1', 'rest.advertised.port': '18083' }).workerId, 'connect-1:18083');
  assert.equal(new WorkerConfig({ listeners: 'http://10.0.0.5:8084,http://:9000' }).workerId, '10.0.0.5:8084');
  assert.equal(new WorkerConfig().workerId, `${hostname()}:8083`);
  assert.equal(new WorkerConfig({ 'rest.advertised.host.name': 'connect-1' }).workerId, 'connect-1:8083');
});

test('start-up log levels come from log4j.root.loglevel and log4j.loggers (the Confluent image variables)', () => {
  const config = loadWorkerConfig({
    env: {
      CONNECT_LOG4J_ROOT_LOGLEVEL: 'warn',
      CONNECT_LOG4J_LOGGERS: 'org.apache.kafka.connect.runtime.WorkerSinkTask=DEBUG, com.milvus=trace',
    },
  });
  assert.deepEqual(config.logLevels, { root: 'WARN', 'org.apache.kafka.connect.runtime.WorkerSinkTask': 'DEBUG', 'com.milvus': 'TRACE' });
  assert.throws(() => new WorkerConfig({ 'log4j.loggers': 'com.milvus' }), /configuration log4j\.loggers: Expected <logger>=<level>/);
  assert.throws(() => new WorkerConfig({ 'log4j.loggers': 'com.milvus=LOUD' }), /got 'com\.milvus=LOUD'/);
});

test('config.providers and their class and param keys are used, not warned about, and may come from the environment', (t) => {
  const dir = writeTemp(t, 'milvus.properties', 'token=s3cret\n').replace(/\/milvus\.properties$/, '');
  const file = writeTemp(
    t,
    'worker.properties',
    [
      'config.providers=file,env',
      'config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider',
      `config.providers.file.param.allowed.paths=${dir}`,
    ].join('\n'),
  );
  const config = loadWorkerConfig({ file, env: { CONNECT_CONFIG_PROVIDERS_ENV_CLASS: 'EnvVarConfigProvider', MILVUS_TOKEN: 'from-env' } });
  assert.deepEqual(config.getList('config.providers'), ['file', 'env']);
  assert.deepEqual(config.warnings, []);
  const { config: resolved } = config
    .configTransformer({ MILVUS_TOKEN: 'from-env' })
    .transform({ a: `\${file:${dir}/milvus.properties:token}`, b: '${env:MILVUS_TOKEN}' });
  assert.deepEqual(resolved, { a: 's3cret', b: 'from-env' });
});

test('a config provider without a usable class is refused at start-up, naming where it was set', (t) => {
  const file = writeTemp(t, 'worker.properties', 'config.providers=vault\nconfig.providers.vault.class=com.example.VaultConfigProvider\n');
  assert.throws(
    () => loadWorkerConfig({ file }),
    (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(
        e.message,
        /^Invalid value com\.example\.VaultConfigProvider for configuration config\.providers\.vault\.class: no such config provider; this worker has org\.apache\.kafka\.common\.config\.provider\.EnvVarConfigProvider/,
      );
      assert.match(e.message, /\(in .*worker\.properties\)$/);
      return true;
    },
  );
});

test('placeholders in the worker config itself are resolved with its providers, as Kafka does', (t) => {
  const secrets = writeTemp(t, 'kafka.properties', 'jaas=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";\n');
  const file = writeTemp(
    t,
    'worker.properties',
    [
      'config.providers=file,env',
      'config.providers.file.class=FileConfigProvider',
      'config.providers.env.class=EnvVarConfigProvider',
      `consumer.sasl.jaas.config=\${file:${secrets}:jaas}`,
      'sqlite.path=${env:STATE_DIR}/connect.db',
    ].join('\n'),
  );
  const config = loadWorkerConfig({ file, env: { STATE_DIR: '/var/lib/connect' } });
  assert.equal(config.sqlitePath, '/var/lib/connect/connect.db');
  assert.match(config.originalsWithPrefix('consumer.')['sasl.jaas.config'], /PlainLoginModule required/);
  assert.throws(
    () => loadWorkerConfig({ file, env: {} }),
    /ConfigError: sqlite\.path: Could not resolve \$\{env:STATE_DIR\}: the environment variable STATE_DIR is not set in the worker's environment \(in .*worker\.properties\)$/,
  );
});
