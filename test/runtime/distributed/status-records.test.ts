/**
 * The status topic's records. The RUNNING and UNASSIGNED fixtures are records a Kafka Connect 4.1.1
 * distributed worker wrote, copied byte for byte from its status topic; the FAILED and active-topic ones
 * follow the same encoding (test/integration/kafka-connect-topics.test.ts checks those against a live worker).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StatusRecordError, decodeStatusRecord, encodeStatus, encodeTopicStatus, statusKeys } from '../../../src/runtime/distributed/status-records.js';

const decode = (key: string, value: string | null) => decodeStatusRecord(key, value === null ? null : Buffer.from(value));

describe('records a Kafka Connect 4.1 worker wrote', () => {
  const running = '{"state":"RUNNING","trace":null,"worker_id":"127.0.0.1:47081","generation":3,"version":"4.1.1"}';
  const unassigned = '{"state":"UNASSIGNED","trace":null,"worker_id":"127.0.0.1:47081","generation":5,"version":null}';

  test('a connector status, a task status of a dashed connector name, a tombstone', () => {
    assert.deepEqual(decode('status-connector-exp-a', running), {
      type: 'connector',
      connector: 'exp-a',
      status: { state: 'RUNNING', trace: null, workerId: '127.0.0.1:47081', generation: 3, version: '4.1.1' },
    });
    assert.deepEqual(decode('status-task-exp-a-1', unassigned), {
      type: 'task',
      connector: 'exp-a',
      task: 1,
      status: { state: 'UNASSIGNED', trace: null, workerId: '127.0.0.1:47081', generation: 5 },
    });
    assert.deepEqual(decode('status-task-exp-a-0', null), { type: 'task', connector: 'exp-a', task: 0, status: null });
  });

  test("our encoding is byte for byte the worker's, with or without a version", () => {
    for (const value of [running, unassigned]) {
      const record = decode('status-connector-exp-a', value);
      assert.ok(record.type === 'connector' && record.status);
      assert.equal(encodeStatus(record.status).toString(), value);
    }
  });

  test('a FAILED status carries its trace', () => {
    const failed =
      '{"state":"FAILED","trace":"org.apache.kafka.connect.errors.ConnectException: boom\\n\\tat x.y(Z.java:1)\\n","worker_id":"w:8083","generation":7,"version":"4.1.1"}';
    const record = decode('status-task-sink-0', failed);
    assert.ok(record.type === 'task' && record.status);
    assert.equal(record.status.trace, 'org.apache.kafka.connect.errors.ConnectException: boom\n\tat x.y(Z.java:1)\n');
    assert.equal(encodeStatus(record.status).toString(), failed);
  });

  test('an active topic', () => {
    const value = '{"topic":{"name":"orders.v1","connector":"exp-a","task":1,"discoverTimestamp":1796553411802}}';
    const record = decode('status-topic-orders.v1:connector-exp-a', value);
    assert.deepEqual(record, {
      type: 'topic',
      connector: 'exp-a',
      topic: 'orders.v1',
      status: { topic: 'orders.v1', connector: 'exp-a', task: 1, discoverTimestamp: 1796553411802 },
    });
    assert.ok(record.type === 'topic' && record.status);
    assert.equal(encodeTopicStatus(record.status).toString(), value);
    assert.equal(statusKeys.topic('exp-a', 'orders.v1'), 'status-topic-orders.v1:connector-exp-a');
  });
});

test('a status written without a trace or a version has both as null', () => {
  assert.equal(
    encodeStatus({ state: 'PAUSED', trace: null, workerId: 'w:1', generation: 2 }).toString(),
    '{"state":"PAUSED","trace":null,"worker_id":"w:1","generation":2,"version":null}',
  );
});

describe('bad records are refused with a reason, for the reader to skip', () => {
  const refusals: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['status-connector-a', '{"state":"SLEEPING","worker_id":"w","generation":1}', /invalid state: SLEEPING/],
    ['status-connector-a', '{"state":"RUNNING","worker_id":"w","generation":"1"}', /'generation' should be an integer/],
    ['status-connector-a', '{"state":"RUNNING","generation":1}', /'worker_id' should be a string/],
    ['status-connector-', '{"state":"RUNNING","worker_id":"w","generation":1}', /invalid connector status key/],
    ['status-task-a', '{"state":"RUNNING","worker_id":"w","generation":1}', /invalid task status key/],
    ['status-task-a-b', '{"state":"RUNNING","worker_id":"w","generation":1}', /invalid task status key/],
    ['status-topic-orders', '{"topic":{}}', /invalid topic status key/],
    ['status-topic-orders:connector-a', '{"topic":{"name":"orders"}}', /Invalid topic status value/],
    ['status-other-a', '{}', /invalid key status-other-a/],
    ['status-connector-a', 'oops', /Failed to deserialize/],
  ];
  for (const [key, value, reason] of refusals) {
    test(`${key} = ${value}`, () => {
      assert.throws(
        () => decode(key, value),
        (error: unknown) => error instanceof StatusRecordError && reason.test(error.message),
      );
    });
  }
});
