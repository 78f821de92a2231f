/**
 * The API over the real StandaloneHerder (real stores, fake worker): every read answers exactly what the
 * herder returned — same fields, same order, nothing stripped by a response schema, nothing added.
 */
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { envelope, json } from '../helpers/build-app.js';
import { herderFixture, sinkConfig } from '../helpers/herder-fixture.js';
import { TEST_SINK_CLASS } from '../helpers/test-sink-plugin.js';
import { tempDbPath } from '../store/temp-db.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function setUp(t: Parameters<typeof herderFixture>[0]) {
  const fixture = await herderFixture(t);
  const app = buildApp({ herder: fixture.herder });
  t.after(() => app.close());
  await app.ready();
  return { ...fixture, app };
}

async function sameAsHerder(app: FastifyInstance, url: string, direct: unknown): Promise<void> {
  const res = await app.inject({ url });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  assert.equal(res.body, JSON.stringify(direct), url);
}

test("reads serialise the herder's values unchanged", async (t) => {
  const { app, herder, worker } = await setUp(t);
  const created = await app.inject({
    method: 'POST',
    url: '/connectors',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'c', config: sinkConfig('c', { 'tasks.max': '2' }) }),
  });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.body, JSON.stringify(await herder.connectorInfo('c')));
  worker.failTask({ connector: 'c', task: 1 });

  await sameAsHerder(app, '/', await herder.serverInfo());
  await sameAsHerder(app, '/connectors', await herder.connectors());
  await sameAsHerder(app, '/connectors/c', await herder.connectorInfo('c'));
  await sameAsHerder(app, '/connectors/c/config', await herder.connectorConfig('c'));
  await sameAsHerder(app, '/connectors/c/status', await herder.connectorStatus('c'));
  await sameAsHerder(app, '/connectors/c/tasks', await herder.taskConfigs('c'));
  await sameAsHerder(app, '/connectors/c/tasks-config', await herder.tasksConfig('c'));
  await sameAsHerder(app, '/connectors/c/tasks/1/status', await herder.taskStatus('c', 1));
  await sameAsHerder(app, '/connectors/c/topics', await herder.connectorActiveTopics('c'));
  await sameAsHerder(app, '/connectors/c/offsets', await herder.connectorOffsets('c'));
  await sameAsHerder(app, '/connectors?expand=status&expand=info', {
    c: { status: await herder.connectorStatus('c'), info: await herder.connectorInfo('c') },
  });
  await sameAsHerder(app, '/connector-plugins?connectorsOnly=false', await herder.connectorPlugins(false));
  await sameAsHerder(app, `/connector-plugins/${TEST_SINK_CLASS}/config`, await herder.connectorPluginConfig(TEST_SINK_CLASS));
  await sameAsHerder(app, '/admin/loggers', await herder.loggers());
  await sameAsHerder(app, '/admin/loggers/root', await herder.loggerLevel('root'));
  await sameAsHerder(app, '/health', await herder.health());
});

test('validation output keeps null definitions and values', async (t) => {
  const { app, herder } = await setUp(t);
  const config = { 'connector.class': TEST_SINK_CLASS, 'tasks.max': '0', 'not.defined': null };
  const res = await app.inject({
    method: 'PUT',
    url: `/connector-plugins/${TEST_SINK_CLASS}/config/validate`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(config),
  });
  assert.equal(res.statusCode, 200);
  const direct = await herder.validateConnectorConfig(config, TEST_SINK_CLASS);
  assert.ok(
    direct.configs.some((c) => c.definition === null),
    'the herder reports the undefined null key with a null definition',
  );
  assert.equal(res.body, JSON.stringify(direct));
});

describe('when the SQLite file is lost under the running herder', () => {
  async function onFile(t: TestContext) {
    const path = tempDbPath(t);
    const fixture = await herderFixture(t, { dbPath: path });
    const app = buildApp({ herder: fixture.herder });
    t.after(() => app.close());
    await app.ready();
    const created = await app.inject(json('POST', '/connectors', { name: 'kept', config: sinkConfig('kept') }));
    assert.equal(created.statusCode, 201, created.body);
    return { ...fixture, app, path };
  }

  async function assertLoud(app: FastifyInstance, what: RegExp): Promise<void> {
    const health = await app.inject({ url: '/health' });
    assert.equal(health.statusCode, 500, health.body);
    assert.equal(health.json().status, 'unhealthy');
    assert.match(health.json().message, what);
    const writes = [
      json('POST', '/connectors', { name: 'new', config: sinkConfig('new') }),
      json('PUT', '/connectors/kept/config', sinkConfig('kept', { 'tasks.max': '2' })),
      json('PUT', '/connectors/kept/pause'),
      json('DELETE', '/connectors/kept'),
    ];
    for (const write of writes) {
      const res = await app.inject(write);
      assert.equal(res.statusCode, 500, `${write.method} ${write.url}: ${res.body}`);
      assert.match(envelope(res.body).message!, what);
    }
  }

  test('a removed file turns health unhealthy and every write into a 500 naming the file', async (t) => {
    const { app, path } = await onFile(t);
    rmSync(path);
    await assertLoud(app, new RegExp(`The SQLite database ${escapeRegExp(path)} was removed`));
  });

  test('a file replaced by a copy of itself is refused the same way', async (t) => {
    const { app, path } = await onFile(t);
    copyFileSync(path, `${path}.copy`);
    renameSync(`${path}.copy`, path);
    await assertLoud(app, new RegExp(`The SQLite database ${escapeRegExp(path)} was replaced`));
  });

  test('a file overwritten in place is refused the same way', async (t) => {
    const { app, path } = await onFile(t);
    writeFileSync(path, Buffer.alloc(4096, 0x42));
    await assertLoud(app, new RegExp(`The SQLite database ${escapeRegExp(path)} was overwritten`));
  });
});

test("validate answers [hidden] for secret client overrides and the plugin's PASSWORD keys: no secret in the body", async (t) => {
  const { app } = await setUp(t);
  const config = {
    ...sinkConfig('c'),
    'test.secret': 'plugin-s3cr3t',
    'errors.deadletterqueue.topic.name': 'dlq',
    'consumer.override.ssl.key.password': 'key-s3cr3t',
    'consumer.override.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="jaas-s3cr3t";',
    'producer.override.ssl.truststore.password': 'trust-s3cr3t',
    'admin.override.sasl.jaas.config': 'admin-jaas-s3cr3t',
  };
  const res = await app.inject(json('PUT', `/connector-plugins/${TEST_SINK_CLASS}/config/validate`, config));
  assert.equal(res.statusCode, 200, res.body);
  assert.doesNotMatch(res.body, /s3cr3t/);
  const shown = (res.json() as { configs: Array<{ value: { name: string; value: string | null } | null }> }).configs;
  for (const key of Object.keys(config).filter((k) => k.includes('override') || k === 'test.secret')) {
    assert.equal(shown.find((c) => c.value?.name === key)?.value?.value, '[hidden]', key);
  }
  const noType = await app.inject(
    json('PUT', `/connector-plugins/${TEST_SINK_CLASS}/config/validate`, { 'consumer.override.sasl.jaas.config': 'jaas-s3cr3t', topics: 'visible-value' }),
  );
  assert.equal(noType.statusCode, 400);
  assert.equal(envelope(noType.body).message, 'Connector config {consumer.override.sasl.jaas.config, topics} contains no connector type');
});
