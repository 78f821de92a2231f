import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { DataType } from '@zilliz/milvus2-sdk-node';
import avro from 'avsc';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import protobuf from 'protobufjs';
import { BUILTIN_CONNECTORS_MODULE } from '../../src/connectors/index.js';
import { BUILTIN_CONVERTERS_MODULE } from '../../src/converters/index.js';
import { createRootLogger, Loggers, LogLevel } from '../../src/runtime/loggers.js';
import { Plugins } from '../../src/runtime/plugins.js';
import { StandaloneWorker } from '../../src/runtime/worker/standalone-worker.js';
import { framed, messageIndexes, registerSchema } from '../helpers/schema-registry.js';
import { schemaRegistry, stackAddresses, uniqueName } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { createCollection, milvus, milvusAddress, rows } from './milvus-sink-fixture.js';
import { readTopic, RecordingListener, testWorkerConfig } from './worker-fixture.js';

/**
 * Confluent's Schema Registry converters in the real worker, end to end: schemas registered in the
 * stack's real registry (Apicurio, Confluent API, basic auth required), records produced to the real
 * broker in Confluent's wire format with vectors as float arrays, rows landing in Milvus Lite through
 * the Milvus sink. A record whose schema id the registry does not have goes to the dead letter queue.
 */
describe('Schema Registry converters: Avro, Protobuf and JSON Schema topics into Milvus', () => {
  const kafka = new Kafka({ clientId: 'registry-it', brokers: [stackAddresses().kafkaBootstrap], logLevel: logLevel.NOTHING });
  const registry = schemaRegistry();
  let admin: Admin;
  let producer: Producer;
  let worker: StandaloneWorker;
  const listener = new RecordingListener();

  before(async () => {
    admin = kafka.admin();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await admin.connect();
    await producer.connect();
    const loggers = new Loggers(createRootLogger({ level: LogLevel.ERROR }));
    worker = new StandaloneWorker({
      workerConfig: testWorkerConfig(),
      plugins: await Plugins.load([BUILTIN_CONNECTORS_MODULE, BUILTIN_CONVERTERS_MODULE]),
      loggers,
    });
  });
  after(async () => {
    await worker.stop();
    await producer.disconnect();
    await admin.disconnect();
  });

  /** Topic, collection (id, 4-dim FloatVector `vector`, title) and the Milvus sink with `converter` for values. */
  async function sink(t: TestContext, label: string, converter: Record<string, string>, extraFields: Parameters<typeof createCollection>[3] = []) {
    const client = await milvus();
    const name = uniqueName(`it_sr_${label}`);
    await createCollection(
      t,
      client,
      name,
      [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vector', data_type: DataType.FloatVector, dim: 4 },
        { name: 'title', data_type: DataType.VarChar, max_length: 64 },
        ...extraFields,
        // no index: Milvus Lite returns no vectors of indexed growing segments to a query
      ],
      { index: false },
    );
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const start = async (extra: Record<string, string> = {}) => {
      const connector = `milvus-${name}`;
      const config = {
        name: connector,
        'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
        'public.endpoint': `http://${milvusAddress}`,
        token: 'db_admin:****',
        'collection.name': name,
        topics: name,
        'tasks.max': '1',
        ...converter,
        ...extra,
      };
      assert.equal(await worker.startConnector(connector, config, 'STARTED', listener), true);
      const [taskConfig] = await worker.connectorTaskConfigs(connector, 1);
      await worker.startTask({ connector, task: 0 }, config, { ...taskConfig, 'task.class': 'com.milvus.io.kafka.MilvusSinkTask' }, 'STARTED', listener);
      t.after(() => worker.stopConnector(connector));
      return connector;
    };
    return { client, name, topic: name, start };
  }

  const userInfoAuth = {
    'value.converter.schema.registry.url': registry.url,
    'value.converter.basic.auth.credentials.source': 'USER_INFO',
    'value.converter.basic.auth.user.info': registry.userInfo,
  };

  test('Avro: records land as rows (float array → FloatVector, bytes → BinaryVector, decimal and timestamp-millis → scalars); an unknown schema id goes to the DLQ with context headers', async (t) => {
    const { client, name, topic, start } = await sink(t, 'avro', { 'value.converter': 'io.confluent.connect.avro.AvroConverter', ...userInfoAuth }, [
      { name: 'bits', data_type: DataType.BinaryVector, dim: 16 },
      { name: 'price', data_type: DataType.Double },
      { name: 'created', data_type: DataType.Int64 },
    ]);
    const schema = {
      type: 'record',
      name: 'Doc',
      namespace: 'it',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'vector', type: { type: 'array', items: 'float' } },
        { name: 'title', type: 'string' },
        { name: 'bits', type: 'bytes' },
        { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 8, scale: 2 } },
        { name: 'created', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    };
    const id = await registerSchema(`${topic}-value`, 'AVRO', JSON.stringify(schema));
    const writer = avro.Type.forSchema(schema as avro.Schema);
    const doc = (n: number) =>
      framed(
        id,
        writer.toBuffer({
          id: n,
          vector: [n, 0.5, -0.25, 1],
          title: `doc ${n}`,
          bits: Buffer.from([n, 0xff]),
          price: Buffer.from([0x04, 0xd2]),
          created: 1_700_000_000_000 + n,
        }),
      );
    const unknownId = 2_000_000_000 + (Date.now() % 100_000_000);
    const dlq = `${topic}-dlq`;
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: '1', value: doc(1) },
        { key: 'x', value: framed(unknownId, Buffer.from([2])) },
        { key: '2', value: doc(2) },
      ],
    });
    await start({
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.context.headers.enable': 'true',
    });

    const stored = await waitFor('rows 1 and 2 in Milvus', async () => {
      const found = await rows(client, name, ['id', 'vector', 'title', 'bits', 'price', 'created'], 'id > 0');
      return found.length === 2 ? found.sort((a, b) => Number(a.id) - Number(b.id)) : undefined;
    });
    assert.deepEqual(
      stored.map((r) => [String(r.id), r.title, r.price, String(r.created)]),
      [
        ['1', 'doc 1', 12.34, '1700000000001'],
        ['2', 'doc 2', 12.34, '1700000000002'],
      ],
    );
    assert.deepEqual(stored[1].vector, [2, 0.5, -0.25, 1]);
    assert.deepEqual([...Buffer.from(stored[1].bits as Uint8Array | number[])], [2, 0xff]);

    const [message] = await readTopic(kafka, dlq, 1);
    assert.equal(message.key!.toString(), 'x');
    const headers = Object.fromEntries(Object.entries(message.headers!).map(([k, v]) => [k, String(v)]));
    assert.equal(headers['__connect.errors.stage'], 'VALUE_CONVERTER');
    assert.equal(headers['__connect.errors.class.name'], 'io.confluent.connect.avro.AvroConverter');
    assert.equal(headers['__connect.errors.topic'], topic);
    assert.equal(headers['__connect.errors.offset'], '1');
    assert.match(headers['__connect.errors.exception.message'], new RegExp(`schema ${unknownId}: HTTP 404`));
    assert.ok(headers['__connect.errors.exception.message'].includes(registry.url), 'names the registry');
    assert.ok(!JSON.stringify(headers).includes(registry.userInfo.split(':')[1]), 'never the password');
    await waitFor('the commit past all three', async () => {
      const [{ partitions }] = await admin.fetchOffsets({ groupId: `connect-milvus-${name}`, topics: [topic] });
      return partitions[0].offset === '3';
    });
  });

  test('Protobuf: the message the indexes name (here the second of the file) lands as rows', async (t) => {
    const { client, name, topic, start } = await sink(t, 'proto', { 'value.converter': 'io.confluent.connect.protobuf.ProtobufConverter', ...userInfoAuth });
    const proto = `syntax = "proto3";
package it;
message Envelope { string note = 1; }
message Doc { int64 id = 1; repeated float vector = 2; string title = 3; }`;
    const id = await registerSchema(`${topic}-value`, 'PROTOBUF', proto);
    const Doc = protobuf.parse(proto, { keepCase: true }).root.lookupType('it.Doc');
    const doc = (n: number) =>
      framed(id, Buffer.concat([messageIndexes([1]), Doc.encode(Doc.create({ id: n, vector: [n, 1, 0, 0.5], title: `doc ${n}` })).finish()]));
    await producer.send({ topic, acks: -1, messages: [1, 2, 3].map((n) => ({ key: String(n), value: doc(n) })) });
    await start();

    const stored = await waitFor('three rows in Milvus', async () => {
      const found = await rows(client, name, ['id', 'vector', 'title'], 'id > 0');
      return found.length === 3 ? found.sort((a, b) => Number(a.id) - Number(b.id)) : undefined;
    });
    assert.deepEqual(
      stored.map((r) => [String(r.id), r.title, r.vector]),
      [1, 2, 3].map((n) => [String(n), `doc ${n}`, [n, 1, 0, 0.5]]),
    );
    assert.equal(listener.taskState(`milvus-${name}`)?.state, 'RUNNING');
  });

  test('JSON Schema, with the credentials in schema.registry.url (basic.auth.credentials.source=URL): number arrays land as FloatVectors', async (t) => {
    const withCredentials = registry.url.replace('://', `://${registry.userInfo}@`);
    const { client, name, topic, start } = await sink(t, 'json', {
      'value.converter': 'io.confluent.connect.json.JsonSchemaConverter',
      'value.converter.schema.registry.url': withCredentials,
    });
    const schema = {
      type: 'object',
      title: 'Doc',
      properties: { id: { type: 'integer' }, vector: { type: 'array', items: { type: 'number' } }, title: { type: 'string' } },
      required: ['id', 'vector', 'title'],
    };
    const id = await registerSchema(`${topic}-value`, 'JSON', JSON.stringify(schema));
    const doc = (n: number) => framed(id, Buffer.from(JSON.stringify({ id: n, vector: [0.25, n, 0, 1], title: `doc ${n}` })));
    await producer.send({ topic, acks: -1, messages: [1, 2].map((n) => ({ key: String(n), value: doc(n) })) });
    await start();

    const stored = await waitFor('two rows in Milvus', async () => {
      const found = await rows(client, name, ['id', 'vector', 'title'], 'id > 0');
      return found.length === 2 ? found.sort((a, b) => Number(a.id) - Number(b.id)) : undefined;
    });
    assert.deepEqual(
      stored.map((r) => [String(r.id), r.title, r.vector]),
      [1, 2].map((n) => [String(n), `doc ${n}`, [0.25, n, 0, 1]]),
    );
  });
});
