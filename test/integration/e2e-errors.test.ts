/**
 * End to end, through the real service process: bad records. With errors.tolerance=all they go to the dead
 * letter queue, as they were, with the error context in headers, and the good records around them are
 * written; with tolerance none the task fails with a trace naming the record, and continues once an operator
 * fixed the cause and restarted it.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { waitUntil, type ConnectProcess } from '../helpers/connect-process.js';
import { milvus, queryRows } from '../helpers/milvus-fixtures.js';
import {
  article,
  collectionFor,
  committedOffsets,
  consumeRecords,
  fileCleanup,
  produce,
  quickStartConnector,
  startService,
  status,
  stopConnector,
  uniqueName,
  waitForCount,
  waitForState,
} from './e2e-fixture.js';

let service: ConnectProcess;
before(async () => {
  service = await startService(fileCleanup);
});

const WRONG_DIMENSION = { ...article(2), title_vector: [0.1, 0.2, 0.3] };
const NOT_JSON = 'this is {not JSON';

test('errors.tolerance=all: bad records reach the DLQ unchanged with __connect.errors.* headers, good ones are written, the task keeps RUNNING', async (t) => {
  const topic = uniqueName('dlq_src');
  const dlq = uniqueName('dlq');
  await quickStartConnector(t, service, topic, {
    config: {
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
      'errors.log.enable': 'true',
    },
  });
  const headers = { origin: 'e2e', 'trace-id': 'abc-123' };
  await produce(topic, [
    { key: '"k1"', value: article(1), headers },
    { key: '"k2"', value: WRONG_DIMENSION, headers },
    { key: '"k3"', value: NOT_JSON, headers },
    { key: '"k4"', value: article(4), headers },
  ]);
  await waitForCount(service, topic, topic, 2);
  assert.deepEqual((await queryRows(topic, ['id'])).map((r) => Number(r.id)).sort(), [1, 4]);

  const dead = (await consumeRecords(dlq, 2)).sort((a, b) => String(a.key).localeCompare(String(b.key)));
  assert.equal(dead.length, 2);
  const [dimension, notJson] = dead;
  assert.equal(dimension.key, '"k2"');
  assert.equal(dimension.value, JSON.stringify(WRONG_DIMENSION));
  assert.equal(notJson.key, '"k3"');
  assert.equal(notJson.value, NOT_JSON);
  for (const [record, offset] of [
    [dimension, 1],
    [notJson, 2],
  ] as const) {
    assert.equal(record.headers.origin, 'e2e');
    assert.equal(record.headers['trace-id'], 'abc-123');
    assert.equal(record.headers['__connect.errors.topic'], topic);
    assert.equal(record.headers['__connect.errors.partition'], '0');
    assert.equal(record.headers['__connect.errors.offset'], String(offset));
    assert.equal(record.headers['__connect.errors.connector.name'], topic);
    assert.equal(record.headers['__connect.errors.task.id'], '0');
    assert.ok(record.headers['__connect.errors.exception.class.name'], JSON.stringify(record.headers));
    assert.ok(record.headers['__connect.errors.exception.message'], JSON.stringify(record.headers));
  }
  assert.equal(notJson.headers['__connect.errors.stage'], 'VALUE_CONVERTER');
  assert.match(dimension.headers['__connect.errors.exception.message'], /dim/i);

  const s = await status(service, topic);
  assert.equal(s?.tasks[0].state, 'RUNNING', JSON.stringify(s));
  await waitUntil('offset 4 committed', async () => (await committedOffsets(service, topic))[`${topic}-0`] === 4, {
    describe: () => committedOffsets(service, topic),
  });
});

test('errors.tolerance=none: a bad record fails the task with a trace naming topic, partition and offset; moving past it while STOPPED lets it continue', async (t) => {
  const topic = uniqueName('fail');
  await quickStartConnector(t, service, topic);
  await produce(topic, [{ value: article(0) }]);
  await waitForCount(service, topic, topic, 1);
  await produce(topic, [{ value: WRONG_DIMENSION }, { value: article(3) }]);

  const failed = await waitUntil(
    'task FAILED',
    async () => {
      const s = await status(service, topic);
      return s?.tasks[0]?.state === 'FAILED' ? s : undefined;
    },
    { describe: () => status(service, topic) },
  );
  const trace = failed.tasks[0].trace ?? '';
  assert.ok(trace.includes(topic), `trace names the topic: ${trace}`);
  assert.match(trace, /(partition[ =:]*0\b|\[0\])/, `trace names partition 0: ${trace}`);
  assert.match(trace, /(offset[ =:]*1\b|@1\b)/, `trace names offset 1: ${trace}`);
  assert.match(trace, /dim/i, `trace says what is wrong: ${trace}`);
  // neither the failed record nor the one after it is committed (record 0 may or may not be yet)
  const committed = (await committedOffsets(service, topic))[`${topic}-0`] ?? 0;
  assert.ok(committed <= 1, `committed offset ${committed} is past the failed record`);
  assert.deepEqual(
    (await queryRows(topic, ['id'])).map((r) => Number(r.id)),
    [0],
  );

  await stopConnector(service, topic);
  const patched = await service.request('PATCH', `/connectors/${topic}/offsets`, {
    offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 2 } }],
  });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal((await service.request('PUT', `/connectors/${topic}/resume`)).status, 202);
  await waitForState(service, topic, 'RUNNING', 'RUNNING');
  await waitForCount(service, topic, topic, 2);
  assert.deepEqual((await queryRows(topic, ['id'])).map((r) => Number(r.id)).sort(), [0, 3]);
});

test('a task FAILED at start (collection gone) runs again once the collection is back and the task is restarted', async (t) => {
  const topic = uniqueName('restart');
  await quickStartConnector(t, service, topic);
  await produce(topic, [{ value: article(0) }]);
  await waitForCount(service, topic, topic, 1);
  // the collection disappears while the connector is stopped: the next task start fails (as the original does)
  await stopConnector(service, topic);
  await (await milvus()).dropCollection({ collection_name: topic });
  assert.equal((await service.request('PUT', `/connectors/${topic}/resume`)).status, 202);
  const failed = await waitUntil(
    'task FAILED',
    async () => {
      const s = await status(service, topic);
      return s?.tasks[0]?.state === 'FAILED' ? s : undefined;
    },
    { describe: () => status(service, topic) },
  );
  assert.match(failed.tasks[0].trace ?? '', new RegExp(`Collection ${topic} does not exist`));
  await produce(topic, [{ value: article(1) }]);

  await collectionFor(t, topic);
  const restarted = await service.request('POST', `/connectors/${topic}/tasks/0/restart`);
  assert.equal(restarted.status, 204, JSON.stringify(restarted.body));
  await waitForState(service, topic, 'RUNNING', 'RUNNING');
  // the recreated collection gets only what was not committed before
  await waitForCount(service, topic, topic, 1);
  assert.deepEqual(
    (await queryRows(topic, ['id'])).map((r) => Number(r.id)),
    [1],
  );
  assert.equal((await status(service, topic))?.tasks[0].trace, undefined);
});
