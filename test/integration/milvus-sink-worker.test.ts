import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { BUILTIN_CONNECTORS_MODULE } from '../../src/connectors/index.js';
import { BUILTIN_CONVERTERS_MODULE } from '../../src/converters/index.js';
import { createRootLogger, Loggers, LogLevel } from '../../src/runtime/loggers.js';
import { Plugins } from '../../src/runtime/plugins.js';
import { StandaloneWorker } from '../../src/runtime/worker/standalone-worker.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';
import { createCollection, milvus, milvusAddress, rows } from './milvus-sink-fixture.js';
import { RecordingListener, testWorkerConfig, waitFor } from './worker-fixture.js';

/**
 * The Milvus docs' connector config, verbatim apart from names and addresses, run by the real worker:
 * JSON records produced to Kafka end up as rows, tombstones delete, and offsets are committed to the
 * `connect-<name>` group only for what Milvus acknowledged.
 */
describe('the Milvus sink in the worker, from a Kafka topic into Milvus Lite', () => {
  const kafka = new Kafka({ clientId: 'milvus-sink-it', brokers: [stackAddresses().kafkaBootstrap], logLevel: logLevel.NOTHING });
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
    const plugins = await Plugins.load([BUILTIN_CONNECTORS_MODULE, BUILTIN_CONVERTERS_MODULE]);
    worker = new StandaloneWorker({ workerConfig: testWorkerConfig(), plugins, loggers });
  });
  after(async () => {
    await worker.stop();
    await producer.disconnect();
    await admin.disconnect();
  });

  test('records are upserted, a tombstone deletes, and the committed offset covers them', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_worker').replace(/-/g, '_');
    const topic = name;
    await createCollection(t, client, name, [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vector', data_type: DataType.FloatVector, dim: 3 },
      { name: 'title', data_type: DataType.VarChar, max_length: 32 },
    ]);
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const connector = `milvus-${name}`;
    const config = {
      name: connector,
      'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
      'public.endpoint': `http://${milvusAddress}`,
      token: 'db_admin:****',
      'collection.name': name,
      topics: topic,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter.schemas.enable': 'false',
      'delete.enabled': 'true',
      'tasks.max': '1',
    };
    assert.equal(await worker.startConnector(connector, config, 'STARTED', listener), true);
    const [taskConfig] = await worker.connectorTaskConfigs(connector, 1);
    await worker.startTask({ connector, task: 0 }, config, { ...taskConfig, 'task.class': 'com.milvus.io.kafka.MilvusSinkTask' }, 'STARTED', listener);
    t.after(() => worker.stopConnector(connector));

    await producer.send({
      topic,
      acks: -1,
      messages: [
        ...[1, 2, 3].map((id) => ({ key: String(id), value: JSON.stringify({ id, vector: [id, 1, 0], title: `doc ${id}` }) })),
        { key: '2', value: null },
      ],
    });
    await waitFor('rows 1 and 3 in Milvus', async () => {
      const stored = await rows(client, name, ['id', 'title'], 'id > 0');
      return stored.length === 2 && stored.every((r) => r.id !== '2') ? stored : undefined;
    });
    const committed = await waitFor('offset 4 committed', async () => {
      const [{ partitions }] = await admin.fetchOffsets({ groupId: `connect-${connector}`, topics: [topic] });
      return partitions[0].offset === '4' ? partitions[0].offset : undefined;
    });
    assert.equal(committed, '4');
    assert.equal(listener.taskState(connector)?.state, 'RUNNING');
  });
});
