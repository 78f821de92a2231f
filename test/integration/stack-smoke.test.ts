import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CONNECT_STATUS, DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { acceptConnectWithoutIdentifier, connectMilvus } from '../../src/connectors/milvus/client/milvus-client.js';
import { registerSchema } from '../helpers/schema-registry.js';
import { schemaRegistry, stackAddresses, uniqueName } from '../helpers/stack.js';

const { kafkaBootstrap, milvusAddress } = stackAddresses();

describe('the local stack runs a real Kafka broker', () => {
  const kafka = new Kafka({ clientId: 'stack-smoke', brokers: [kafkaBootstrap], logLevel: logLevel.NOTHING });

  test('describes a one-broker cluster on loopback', async (t) => {
    const admin = kafka.admin();
    await admin.connect();
    t.after(() => admin.disconnect());
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, 1);
    assert.equal(`${cluster.brokers[0].host}:${cluster.brokers[0].port}`, kafkaBootstrap);
  });

  test('a record produced to a new topic is consumed back with its key, value and header', async (t) => {
    const topic = uniqueName('smoke');
    const admin = kafka.admin();
    await admin.connect();
    t.after(() => admin.disconnect());
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true }), true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(metadata.topics[0].partitions.length, 2);

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    t.after(() => producer.disconnect());
    const [sent] = await producer.send({
      topic,
      messages: [{ key: 'k-1', value: '{"id":1}', partition: 1, headers: { origin: 'smoke' } }],
    });
    assert.equal(sent.partition, 1);

    const consumer = kafka.consumer({ groupId: uniqueName('smoke_group') });
    await consumer.connect();
    t.after(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ partition: number; offset: string; key?: string; value?: string; origin?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no record consumed within 30 s')), 30_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          clearTimeout(timer);
          resolve({
            partition,
            offset: message.offset,
            key: message.key?.toString(),
            value: message.value?.toString(),
            origin: message.headers?.origin?.toString(),
          });
        },
      });
    });
    assert.deepEqual(received, { partition: 1, offset: sent.baseOffset, key: 'k-1', value: '{"id":1}', origin: 'smoke' });
  });
});

describe('the local stack runs a real Milvus (Lite), reached through connectMilvus', () => {
  let client: MilvusClient;
  const collection = uniqueName('smoke');

  before(async () => {
    client = await connectMilvus({ endpoint: `http://${milvusAddress}/`, timeoutMs: 10_000 });
  });
  after(async () => {
    await client.dropCollection({ collection_name: collection }).catch(() => undefined);
    await client.closeConnection();
  });

  test('creates a collection with a FloatVector, a JSON field and the dynamic field, then inserts and queries it back', async () => {
    const created = await client.createCollection({
      collection_name: collection,
      enable_dynamic_field: true,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        { name: 'title', data_type: DataType.VarChar, max_length: 64 },
        { name: 'meta', data_type: DataType.JSON },
        { name: 'vector', data_type: DataType.FloatVector, dim: 4 },
      ],
    });
    assert.equal(created.error_code, 'Success', created.reason);

    const described = await client.describeCollection({ collection_name: collection });
    assert.equal(described.schema.enable_dynamic_field, true);
    assert.equal(described.schema.fields.find((field) => field.name === 'meta')?.data_type, 'JSON');

    const index = await client.createIndex({ collection_name: collection, field_name: 'vector', index_type: 'FLAT', metric_type: 'L2' });
    assert.equal(index.error_code, 'Success', index.reason);

    const inserted = await client.insert({
      collection_name: collection,
      data: [
        { id: 1, title: 'one', meta: { tags: ['a', 'b'], n: 1 }, vector: [0.1, 0.2, 0.3, 0.4], colour: 'red' },
        { id: 2, title: 'two', meta: { tags: [], n: 2 }, vector: [0.5, 0.6, 0.7, 0.8], colour: 'blue' },
      ],
    });
    assert.equal(inserted.status.error_code, 'Success', inserted.status.reason);
    assert.equal(Number(inserted.insert_cnt), 2);

    const loaded = await client.loadCollection({ collection_name: collection });
    assert.equal(loaded.error_code, 'Success', loaded.reason);

    const result = await client.query({
      collection_name: collection,
      filter: 'meta["n"] == 1',
      output_fields: ['id', 'title', 'meta', 'vector', 'colour'],
    });
    assert.equal(result.status.error_code, 'Success', result.status.reason);
    assert.equal(result.data.length, 1);
    const [row] = result.data;
    assert.equal(String(row.id), '1');
    assert.equal(row.title, 'one');
    assert.deepEqual(row.meta, { tags: ['a', 'b'], n: 1 });
    assert.deepEqual(
      (row.vector as number[]).map((x) => Math.round(x * 10) / 10),
      [0.1, 0.2, 0.3, 0.4],
    );
    // The dynamic field round-trips; Milvus Lite returns it under $meta rather than flattened.
    const dynamic = (row.colour ?? (row.$meta as Record<string, unknown> | undefined)?.colour) as unknown;
    assert.equal(dynamic, 'red');

    const nearest = await client.search({ collection_name: collection, data: [0.5, 0.6, 0.7, 0.8], limit: 1, output_fields: ['id'] });
    assert.equal(nearest.status.error_code, 'Success', nearest.status.reason);
    assert.equal(String(nearest.results[0].id), '2');
  });
});

describe('Milvus Lite answers Connect without a server identifier', () => {
  test('the SDK refuses JSON and dynamic fields when it reads that as an old server, and the fix lifts only that', async (t) => {
    // SDK 3.0.6 decodes the int64 identifier as the string "0" (truthy), so the refusal only shows
    // when it is decoded as a number: that is the case the wrapper's fix exists for.
    const client = new MilvusClient({ address: milvusAddress, loaderOptions: { longs: Number } });
    t.after(() => client.closeConnection());
    const connect = (await (client.connectPromise as Promise<unknown>)) as { identifier?: unknown; status?: { error_code?: string } };
    assert.equal(Number(connect.identifier ?? 0), 0, 'Milvus Lite sends no identifier');
    assert.equal(connect.status?.error_code, 'Success');
    assert.equal(client.connectStatus, CONNECT_STATUS.UNIMPLEMENTED);

    const collection = uniqueName('lite_fix');
    const request = {
      collection_name: collection,
      enable_dynamic_field: true,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'meta', data_type: DataType.JSON },
        { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
      ],
    };
    await assert.rejects(client.createCollection(request), /doesn't support dynamic schema/);

    assert.equal(acceptConnectWithoutIdentifier(client, connect), true);
    const created = await client.createCollection(request);
    assert.equal(created.error_code, 'Success', created.reason);
    const described = await client.describeCollection({ collection_name: collection });
    assert.equal(described.schema.enable_dynamic_field, true);
    await client.dropCollection({ collection_name: collection });
  });
});

describe("the local stack runs a real schema registry speaking Confluent's API", () => {
  const { url, userInfo } = schemaRegistry();
  const authorization = `Basic ${Buffer.from(userInfo).toString('base64')}`;

  test('it requires basic authentication, as the converters are configured to give', async () => {
    assert.equal((await fetch(`${url}/subjects`)).status, 401);
    assert.equal((await fetch(`${url}/subjects`, { headers: { authorization: 'Basic Y29ubmVjdDp3cm9uZw==' } })).status, 401);
    const ok = await fetch(`${url}/subjects`, { headers: { authorization } });
    assert.equal(ok.status, 200);
    assert.ok(Array.isArray(await ok.json()));
  });

  test('a registered schema comes back by id; an unknown id is a 404 with error code 40403', async () => {
    const schema = JSON.stringify({ type: 'record', name: 'Smoke', fields: [{ name: 'id', type: 'long' }] });
    const id = await registerSchema(uniqueName('smoke-value'), 'AVRO', schema);
    const byId = await fetch(`${url}/schemas/ids/${id}`, { headers: { authorization } });
    assert.equal(byId.status, 200);
    assert.equal(((await byId.json()) as { schema: string }).schema, schema);
    const unknown = await fetch(`${url}/schemas/ids/2147483000`, { headers: { authorization } });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error_code: number }).error_code, 40403);
  });
});
