import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerError } from '../../src/runtime/errors.js';
import { fixtureFor, fixtureWithTopic, recorder, waitFor } from './worker-fixture.js';

test('offsets: list what the group committed, alter them (null = reset one partition), reset the whole group', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'offsets', { partitions: 2 });
  await f.produce(topic, [{ id: 1 }, { id: 2 }, { id: 3 }], 0);
  await f.produce(topic, [{ id: 4 }], 1);
  const config = await f.startConnector(name, { topics: topic });
  await waitFor('all records', () => recorder(name).puts.flat().length === 4);

  await assert.rejects(f.worker.resetSinkConnectorOffsets(name, config), (error: unknown) => {
    assert.ok(error instanceof ServerError);
    assert.equal(
      error.message,
      `Failed to reset consumer group offsets for connector ${name} either because its tasks haven't stopped completely yet or the connector was resumed before the request to reset its offsets could be successfully completed. If the connector is in a stopped state, this operation can be safely retried. If it doesn't eventually succeed, the Connect cluster may need to be restarted to get rid of the zombie sink tasks.`,
    );
    return true;
  });
  await assert.rejects(
    f.worker.alterSinkConnectorOffsets(name, config, [{ topic, partition: 0, offset: 1 }]),
    /^ServerError: Failed to alter consumer group offsets for connector .* either because its tasks haven't stopped/,
  );

  await f.worker.stopTask({ connector: name, task: 0 });
  const listed = await f.worker.sinkConnectorOffsets(name, config);
  assert.deepEqual(listed, {
    offsets: [
      { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 3 } },
      { partition: { kafka_topic: topic, kafka_partition: 1 }, offset: { kafka_offset: 1 } },
    ],
  });

  await f.worker.alterSinkConnectorOffsets(name, config, [
    { topic, partition: 0, offset: 1 },
    { topic, partition: 1, offset: null },
  ]);
  // kafkajs cannot delete one partition's offset: it is set to the log start, where the connector would begin anyway
  assert.deepEqual(await f.committed(`connect-${name}`), { [`${topic}-0`]: 1, [`${topic}-1`]: 0 });

  await f.worker.resetSinkConnectorOffsets(name, config);
  assert.deepEqual(await f.worker.sinkConnectorOffsets(name, config), { offsets: [] });
  await f.worker.resetSinkConnectorOffsets(name, config); // a missing group is success

  // a connector started after the alter resumes where the offsets say
  await f.worker.alterSinkConnectorOffsets(name, config, [{ topic, partition: 0, offset: 2 }]);
  recorder(name).puts.length = 0;
  await f.worker.startTask({ connector: name, task: 0 }, config, { ...config, 'task.class': 'x' }, 'STARTED', f.listener);
  await waitFor('records from the altered offset', () => recorder(name).puts.flat().length === 2);
  assert.deepEqual(
    recorder(name)
      .puts.flat()
      .map((r) => `${r.kafkaPartition}@${r.kafkaOffset}`)
      .sort(),
    ['0@2', '1@0'],
    'partition 0 from offset 2, partition 1 (no offset) from the beginning',
  );
});

test('resetting every committed partition with null deletes the group, as Kafka does', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'offsets-null');
  await f.produce(topic, [{ id: 1 }]);
  const config = await f.startConnector(name, { topics: topic });
  await waitFor('the record', () => recorder(name).puts.flat().length === 1);
  await f.worker.stopTask({ connector: name, task: 0 });
  await f.worker.alterSinkConnectorOffsets(name, config, [{ topic, partition: 0, offset: null }]);
  assert.deepEqual(await f.worker.sinkConnectorOffsets(name, config), { offsets: [] });
});

test('the cluster id comes from the broker, and is null quickly when no broker answers', async (t) => {
  const f = await fixtureFor(t);
  assert.match((await f.worker.kafkaClusterId()) ?? '', /^[A-Za-z0-9_-]{22}$/);

  const down = await fixtureFor(t, { 'bootstrap.servers': '127.0.0.1:1' });
  const started = Date.now();
  assert.equal(await down.worker.kafkaClusterId(), null);
  assert.ok(Date.now() - started < 3_000, 'answers within the short timeout');
});
