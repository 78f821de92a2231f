/**
 * Secrets through Kafka's config providers, in the real service: connector configs hold `${provider:…}`
 * placeholders, the running task uses the resolved values, and neither the REST API nor the SQLite file
 * ever holds them. Milvus Lite has no authentication, so the proof that resolved values are used is where
 * the rows land: the collection name itself comes from a properties file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDir, removeDir } from '../helpers/connect-process.js';
import { countRows, milvusEndpoint, queryRows, quickStartFields } from '../helpers/milvus-fixtures.js';
import { article, collectionFor, createConnector, createTopic, produce, startService, uniqueName, waitForCount, waitForState } from './e2e-fixture.js';

const TOKEN = `db_admin:${uniqueName('S3cret')}`;

test('file, directory and env placeholders are resolved for the task and never stored or shown resolved', async (t) => {
  const topic = uniqueName('providers');
  const name = uniqueName('providers_sink');
  const collection = uniqueName('resolved_collection').replaceAll('-', '_');
  await createTopic(topic);
  await collectionFor(t, collection, { fields: quickStartFields() });

  const dir = makeDir();
  t.after(() => removeDir(dir));
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets);
  writeFileSync(join(secrets, 'milvus.properties'), `collection=${collection}\n`);
  writeFileSync(join(secrets, 'token'), TOKEN);
  const service = await startService(t, {
    dir,
    workerProps: {
      'config.providers': 'file,directory,env',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'config.providers.file.param.allowed.paths': secrets,
      'config.providers.directory.class': 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
      'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    },
    env: { MILVUS_ENDPOINT: milvusEndpoint() },
  });

  const config = {
    'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
    'public.endpoint': '${env:MILVUS_ENDPOINT}',
    token: `\${directory:${secrets}:token}`,
    'collection.name': `\${file:${secrets}/milvus.properties:collection}`,
    topics: topic,
  };
  // validation resolves too (the deep check reaches Milvus and finds the collection), answering with placeholders
  const validated = await service.request('PUT', '/connector-plugins/MilvusSinkConnector/config/validate', { name, ...config });
  assert.equal(validated.status, 200);
  assert.equal(validated.body.error_count, 0, JSON.stringify(validated.body));
  const shown = (key: string) => validated.body.configs.find((c: { value?: { name: string } }) => c.value?.name === key)?.value?.value;
  assert.equal(shown('collection.name'), config['collection.name']);
  assert.equal(shown('public.endpoint'), '${env:MILVUS_ENDPOINT}');
  assert.equal(shown('token'), '[hidden]');

  await createConnector(t, service, name, config);
  await waitForState(service, name, 'RUNNING', 'RUNNING');
  await produce(
    topic,
    Array.from({ length: 5 }, (_, i) => ({ key: String(i), value: article(i) })),
  );
  await waitForCount(service, collection, name, 5);
  assert.deepEqual((await queryRows(collection, ['id'])).map((r) => Number(r.id)).sort(), [0, 1, 2, 3, 4]);

  const stored = await service.request('GET', `/connectors/${name}/config`);
  assert.deepEqual(stored.body, { ...config, name });
  const tasks = await service.request('GET', `/connectors/${name}/tasks`);
  assert.equal(tasks.body[0].config['collection.name'], config['collection.name'], 'task configs keep the placeholder');
  assert.equal(tasks.body[0].config.token, config.token);
  const everything = JSON.stringify([stored.body, tasks.body, (await service.request('GET', `/connectors/${name}`)).body]);
  assert.ok(!everything.includes(TOKEN) && !everything.includes(collection), 'no resolved value over REST');
  const logs = JSON.stringify(service.logs());
  assert.ok(!logs.includes(TOKEN), 'the token is never logged');

  await service.stop();
  // SQLite holds what the user wrote, never what it resolved to (the WAL is checkpointed on close)
  const db = readFileSync(service.sqlitePath).toString('latin1');
  assert.ok(db.includes(`\${file:${secrets}/milvus.properties:collection}`));
  assert.ok(!db.includes(TOKEN));
  assert.equal(await countRows(collection), 5);
});

test('an unresolvable placeholder is a validation error on its key, and creating the connector is refused', async (t) => {
  const service = await startService(t, {
    workerProps: { 'config.providers': 'env', 'config.providers.env.class': 'EnvVarConfigProvider' },
  });
  const config = {
    name: uniqueName('unresolved'),
    'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
    'public.endpoint': milvusEndpoint(),
    token: '${env:MILVUS_TOKEN}',
    'collection.name': 'c',
    topics: 't',
  };
  const validated = await service.request('PUT', '/connector-plugins/MilvusSinkConnector/config/validate', config);
  assert.equal(validated.status, 200);
  const token = validated.body.configs.find((c: { value?: { name: string } }) => c.value?.name === 'token').value;
  assert.deepEqual(token.errors, ["Could not resolve ${env:MILVUS_TOKEN}: the environment variable MILVUS_TOKEN is not set in the worker's environment"]);
  const created = await service.request('POST', '/connectors', { name: config.name, config });
  assert.equal(created.status, 400);
  assert.match(created.body.message, /Could not resolve \$\{env:MILVUS_TOKEN\}/);
  assert.equal((await service.request('GET', `/connectors/${config.name}`)).status, 404, 'nothing was stored');
});
