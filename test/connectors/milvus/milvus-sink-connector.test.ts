import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinConnectors } from '../../../src/connectors/index.js';
import { MilvusSinkConnector } from '../../../src/connectors/milvus/milvus-sink-connector.js';
import { ConfigError } from '../../../src/plugin/index.js';

const context = { requestTaskReconfiguration() {}, raiseError() {} };
const docsConfig = {
  name: 'milvus-sink',
  'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
  'public.endpoint': 'https://in01-xxx.zillizcloud.com:19530',
  token: 'db_admin:secret',
  'collection.name': 'topic_0',
  topics: 'topic_0',
};

test('the Milvus docs configuration starts without contacting Milvus, and every task gets all of it', async () => {
  const connector = new MilvusSinkConnector();
  await connector.start(docsConfig, context);
  const configs = connector.taskConfigs(3);
  assert.equal(configs.length, 3);
  for (const config of configs) assert.deepEqual(config, docsConfig);
  configs[0]['collection.name'] = 'changed';
  assert.equal(connector.taskConfigs(1)[0]['collection.name'], 'topic_0', 'copies, not shared objects');
});

test("an invalid value of our own keys fails start() with Kafka's wording", async () => {
  await assert.rejects(new MilvusSinkConnector().start({ ...docsConfig, 'batch.max.rows': 'many' }, context), ConfigError);
});

test('the plugin is registered under the original class name, with the package version', () => {
  const [plugin] = builtinConnectors;
  const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  assert.equal(plugin.className, 'com.milvus.io.kafka.MilvusSinkConnector');
  assert.deepEqual(plugin.aliases, ['MilvusSinkConnector', 'MilvusSink']);
  assert.equal(plugin.type, 'sink');
  assert.equal(plugin.version, version);
  assert.equal(plugin.createConnector().version(), version);
  assert.equal(plugin.createTask().version(), version);
});
