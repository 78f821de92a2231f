/**
 * End to end, through the real service process: the Milvus documentation's quick start as written, then the
 * record shapes users send (JSON with a schema envelope, autoID collections, upserts, tombstones), and the
 * read endpoints that report what was consumed (topics, cluster id).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { makeDir, removeDir, type ConnectProcess } from '../helpers/connect-process.js';
import { countRows, milvusEndpoint, queryRows, quickStartFields } from '../helpers/milvus-fixtures.js';
import { stackAddresses } from '../helpers/stack.js';
import {
  QUICK_START_RECORD,
  article,
  clusterId,
  fileCleanup,
  produce,
  quickStartConnector,
  startService,
  topicAndCollection,
  uniqueName,
  waitForCount,
  waitForState,
} from './e2e-fixture.js';

function assertVectorClose(actual: unknown, expected: readonly number[]): void {
  assert.ok(Array.isArray(actual), `vector: ${JSON.stringify(actual)}`);
  assert.equal(actual.length, expected.length);
  // Milvus stores float32: compare at float32 precision
  for (const [i, x] of expected.entries()) assert.ok(Math.abs((actual[i] as number) - x) < 1e-7, `component ${i}: ${actual[i]} vs ${x}`);
}

test('the quick start as documented: connect-standalone properties, a connector properties file, JSON without schemas', async (t) => {
  const topic = uniqueName('topic');
  const name = uniqueName('zilliz_kafka_connect_milvus');
  await topicAndCollection(t, topic, { fields: quickStartFields() });
  const dir = makeDir();
  t.after(() => removeDir(dir));
  // Kafka's config/connect-standalone.properties with the documentation's edits, plus our listener and state file
  const connectorFile = join(dir, 'milvus-sink-connector.properties');
  writeFileSync(
    connectorFile,
    [
      `name=${name}`,
      'connector.class=com.milvus.io.kafka.MilvusSinkConnector',
      `public.endpoint=${milvusEndpoint()}`,
      'token=db_admin:xxxx',
      `collection.name=${topic}`,
      `topics=${topic}`,
      '',
    ].join('\n'),
  );
  const service = await startService(t, {
    dir,
    connectorFiles: [connectorFile],
    workerProps: {
      'bootstrap.servers': stackAddresses().kafkaBootstrap,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter.schemas.enable': 'false',
      'offset.storage.file.filename': join(dir, 'connect.offsets'),
      'offset.flush.interval.ms': '10000',
      'plugin.path': 'libs/zilliz-kafka-connect-milvus-xxx',
      'consumer.session.timeout.ms': null,
      'consumer.heartbeat.interval.ms': null,
      'consumer.fetch.max.wait.ms': null,
      'log4j.root.loglevel': null,
    },
  });

  const info = await service.request('GET', `/connectors/${name}`);
  assert.equal(info.status, 200, JSON.stringify(info.body));
  assert.equal(info.body.config['collection.name'], topic);
  await waitForState(service, name, 'RUNNING', 'RUNNING');

  await produce(topic, [{ value: QUICK_START_RECORD }]);
  await waitForCount(service, topic, name, 1);
  const [row] = await queryRows(topic, ['id', 'title', 'title_vector', 'link']);
  assert.equal(String(row.id), '0');
  assert.equal(row.title, QUICK_START_RECORD.title);
  assert.equal(row.link, QUICK_START_RECORD.link);
  assertVectorClose(row.title_vector, QUICK_START_RECORD.title_vector);
  // the token is a PASSWORD: the running worker never shows it in its logs
  assert.ok(!service.logs().some((l) => JSON.stringify(l).includes('db_admin:xxxx')), 'the token appears in the logs');
});

// the remaining tests share one service (their own topics, collections and connectors)
let service: ConnectProcess;
before(async () => {
  service = await startService(fileCleanup);
});

test('JsonConverter with schemas: a connector-level value converter reads {schema, payload} envelopes', async (t) => {
  const topic = uniqueName('schemas');
  await quickStartConnector(t, service, topic, {
    config: {
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
    },
  });
  const schema = {
    type: 'struct',
    optional: false,
    fields: [
      { field: 'id', type: 'int64', optional: false },
      { field: 'title', type: 'string', optional: false },
      { field: 'title_vector', type: 'array', items: { type: 'float', optional: false }, optional: false },
      { field: 'link', type: 'string', optional: true },
    ],
  };
  // an id above 2^53 survives the trip: JSON numbers are read losslessly
  const ids = ['1', '2', '9007199254740993'];
  await produce(
    topic,
    ids.map((id, i) => ({ value: `{"schema":${JSON.stringify(schema)},"payload":${JSON.stringify(article(i)).replace(/"id":\d+/, `"id":${id}`)}}` })),
  );
  await waitForCount(service, topic, topic, 3);
  const rows = await queryRows(topic, ['id', 'title']);
  assert.deepEqual(rows.map((r) => String(r.id)).sort(), [...ids].sort());
  assert.deepEqual(rows.map((r) => r.title).sort(), ['article 0', 'article 1', 'article 2']);
});

test('autoID collection: records without an id are inserted and Milvus assigns the keys', async (t) => {
  const topic = uniqueName('autoid');
  await quickStartConnector(t, service, topic, { collection: { fields: quickStartFields({ autoId: true }) } });
  const values = [1, 2, 3, 4].map((i) => {
    const { id: _id, ...rest } = article(i);
    return { value: rest };
  });
  await produce(topic, values);
  await waitForCount(service, topic, topic, 4);
  const rows = await queryRows(topic, ['id', 'title']);
  assert.deepEqual(rows.map((r) => r.title).sort(), ['article 1', 'article 2', 'article 3', 'article 4']);
  assert.equal(new Set(rows.map((r) => String(r.id))).size, 4, 'Milvus assigned distinct ids');
});

test('non-autoID collection: a record with a known id replaces the row (upsert), the last one wins', async (t) => {
  const topic = uniqueName('upsert');
  await quickStartConnector(t, service, topic);
  await produce(topic, [{ value: article(1) }, { value: article(2) }]);
  await waitForCount(service, topic, topic, 2);
  await produce(topic, [{ value: article(1, { title: 'first revision' }) }, { value: article(1, { title: 'second revision' }) }, { value: article(3) }]);
  await waitForCount(service, topic, topic, 3);
  const rows = await queryRows(topic, ['id', 'title'], 'id == 1');
  assert.deepEqual(
    rows.map((r) => r.title),
    ['second revision'],
  );
  assert.equal(await countRows(topic, 'id == 1'), 1, 'one entity for id 1');
});

test('delete.enabled: a tombstone whose key is the primary key deletes the row', async (t) => {
  const topic = uniqueName('tombstone');
  await quickStartConnector(t, service, topic, { config: { 'delete.enabled': 'true' } });
  await produce(
    topic,
    [1, 2, 3].map((i) => ({ key: String(i), value: article(i) })),
  );
  await waitForCount(service, topic, topic, 3);
  await produce(topic, [{ key: '2', value: null }]);
  await waitForCount(service, topic, topic, 2);
  assert.deepEqual((await queryRows(topic, ['id'])).map((r) => String(r.id)).sort(), ['1', '3']);
});

test('GET /connectors/{c}/topics lists the topic once records were consumed; GET / reports the broker cluster id', async (t) => {
  const topic = uniqueName('topics');
  await quickStartConnector(t, service, topic);
  await produce(topic, [{ value: article(1) }]);
  await waitForCount(service, topic, topic, 1);
  const topics = await service.request('GET', `/connectors/${topic}/topics`);
  assert.equal(topics.status, 200);
  assert.deepEqual(topics.body, { [topic]: { topics: [topic] } });

  const root = await service.request('GET', '/');
  assert.equal(root.status, 200);
  assert.equal(root.body.kafka_cluster_id, await clusterId());
  assert.match(root.body.version, /^\d+\.\d+\.\d+/);
});
