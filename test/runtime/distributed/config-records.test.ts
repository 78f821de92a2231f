/**
 * The config topic's records. The JVM fixtures are records a Kafka Connect 4.1.1 distributed worker wrote
 * (FileStreamSink connector created, paused, stopped, restarted, a second one created and deleted, a
 * cluster logger level set), copied byte for byte from its config topic.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConfigRecordError,
  configKeys,
  decodeConfigRecord,
  encodeConfig,
  encodeLoggerLevel,
  encodeRestartRequest,
  encodeSessionKey,
  encodeTargetState,
  encodeTasksCommit,
  type ConfigRecord,
} from '../../../src/runtime/distributed/config-records.js';

const JVM_RECORDS: ReadonlyArray<readonly [string, string | null]> = [
  ['session-key', '{"key":"tsz5NtodZK3gfly1zfAl4H+tEXhDI5f/VVIfyRVMcGY=","algorithm":"HmacSHA256","creation-timestamp":1796553411802}'],
  [
    'connector-exp-a',
    '{"properties":{"connector.class":"FileStreamSink","tasks.max":"2","topics":"dstore-exp-in","file":"/tmp/dstore-exp/out.txt","name":"exp-a"}}',
  ],
  [
    'task-exp-a-0',
    '{"properties":{"connector.class":"FileStreamSink","file":"/tmp/dstore-exp/out.txt","task.class":"org.apache.kafka.connect.file.FileStreamSinkTask","tasks.max":"2","topics":"dstore-exp-in","name":"exp-a"}}',
  ],
  ['commit-exp-a', '{"tasks":2}'],
  ['target-state-exp-a', '{"state":"PAUSED","state.v2":"PAUSED"}'],
  ['commit-exp-a', '{"tasks":0}'],
  ['target-state-exp-a', '{"state":"PAUSED","state.v2":"STOPPED"}'],
  ['restart-connector-exp-a', '{"include-tasks":true,"only-failed":false}'],
  ['connector-exp-b', null],
  ['target-state-exp-b', null],
  ['logger-cluster-org.apache.kafka.connect.file', '{"level":"DEBUG"}'],
];

const decode = (key: string, value: string | null) => decodeConfigRecord(key, value === null ? null : Buffer.from(value));

/** What we would write for a decoded record, to compare with the JVM's bytes. */
function encode(record: ConfigRecord): Buffer | null {
  switch (record.type) {
    case 'connector-config':
    case 'task-config':
      return encodeConfig(record.config);
    case 'tasks-commit':
      return encodeTasksCommit(record.tasks);
    case 'target-state':
      return encodeTargetState(record.state);
    case 'restart-request':
      return encodeRestartRequest(record.request);
    case 'session-key':
      return encodeSessionKey(record.sessionKey);
    case 'logger-level':
      return encodeLoggerLevel(record.level);
    case 'connector-removed':
    case 'target-state-removed':
      return null;
    case 'task-count':
      throw new Error('no fixture');
  }
}

describe('records a Kafka Connect 4.1 worker wrote', () => {
  test('decode to what the worker meant', () => {
    assert.deepEqual(
      JVM_RECORDS.map(([key, value]) => decode(key, value)),
      [
        {
          type: 'session-key',
          sessionKey: { key: Buffer.from('tsz5NtodZK3gfly1zfAl4H+tEXhDI5f/VVIfyRVMcGY=', 'base64'), algorithm: 'HmacSHA256', creationTimestamp: 1796553411802 },
        },
        {
          type: 'connector-config',
          connector: 'exp-a',
          config: { 'connector.class': 'FileStreamSink', 'tasks.max': '2', topics: 'dstore-exp-in', file: '/tmp/dstore-exp/out.txt', name: 'exp-a' },
        },
        {
          type: 'task-config',
          connector: 'exp-a',
          task: 0,
          config: {
            'connector.class': 'FileStreamSink',
            file: '/tmp/dstore-exp/out.txt',
            'task.class': 'org.apache.kafka.connect.file.FileStreamSinkTask',
            'tasks.max': '2',
            topics: 'dstore-exp-in',
            name: 'exp-a',
          },
        },
        { type: 'tasks-commit', connector: 'exp-a', tasks: 2 },
        { type: 'target-state', connector: 'exp-a', state: 'PAUSED' },
        { type: 'tasks-commit', connector: 'exp-a', tasks: 0 },
        { type: 'target-state', connector: 'exp-a', state: 'STOPPED' },
        { type: 'restart-request', connector: 'exp-a', request: { includeTasks: true, onlyFailed: false } },
        { type: 'connector-removed', connector: 'exp-b' },
        { type: 'target-state-removed', connector: 'exp-b' },
        { type: 'logger-level', namespace: 'org.apache.kafka.connect.file', level: 'DEBUG' },
      ],
    );
  });

  test("our encoding of each is byte for byte the worker's", () => {
    for (const [key, value] of JVM_RECORDS) {
      assert.equal(encode(decode(key, value))?.toString() ?? null, value, key);
    }
  });
});

describe('keys', () => {
  test("are Kafka's, and a task key keeps the dashes of the connector name", () => {
    assert.equal(configKeys.connector('my-sink'), 'connector-my-sink');
    assert.equal(configKeys.task('my-sink', 12), 'task-my-sink-12');
    assert.equal(configKeys.commit('my-sink'), 'commit-my-sink');
    assert.equal(configKeys.targetState('my-sink'), 'target-state-my-sink');
    assert.equal(configKeys.restart('my-sink'), 'restart-connector-my-sink');
    assert.equal(configKeys.loggerLevel('org.example'), 'logger-cluster-org.example');
    assert.deepEqual(decode('task-my-sink-12', '{"properties":{}}'), { type: 'task-config', connector: 'my-sink', task: 12, config: {} });
  });

  test('a target state is tested before a connector config: "target-state-connector-x" is a target state', () => {
    assert.deepEqual(decode('target-state-connector-x', '{"state":"STARTED","state.v2":"STARTED"}'), {
      type: 'target-state',
      connector: 'connector-x',
      state: 'STARTED',
    });
  });
});

describe('target states', () => {
  test('STOPPED is written as PAUSED for workers before 3.5, with state.v2 saying STOPPED', () => {
    assert.equal(encodeTargetState('STOPPED').toString(), '{"state":"PAUSED","state.v2":"STOPPED"}');
    assert.equal(encodeTargetState('STARTED').toString(), '{"state":"STARTED","state.v2":"STARTED"}');
  });

  test('a record of a worker before 3.5 has only state; an invalid state.v2 falls back to it', () => {
    assert.deepEqual(decode('target-state-a', '{"state":"PAUSED"}'), { type: 'target-state', connector: 'a', state: 'PAUSED' });
    assert.deepEqual(decode('target-state-a', '{"state":"PAUSED","state.v2":7}'), { type: 'target-state', connector: 'a', state: 'PAUSED' });
  });
});

describe('bad records are refused with a reason, for the reader to skip', () => {
  const refusals: ReadonlyArray<readonly [string, string | null, RegExp]> = [
    ['connector-a', 'not json', /not JSON/],
    ['connector-a', '[1,2]', /expected a JSON object/],
    ['connector-a', '{"properties":"x"}', /'properties' field should be a map/],
    ['connector-a', '{"properties":{"tasks.max":2}}', /property tasks.max should be a string/],
    ['task-a-0', null, /unexpectedly null/],
    ['task-a', '{"properties":{}}', /couldn't be parsed as a task config key/],
    ['task-a-x', '{"properties":{}}', /couldn't be parsed as a task config key/],
    ['commit-a', '{"tasks":"2"}', /'tasks' field should be an integer/],
    ['commit-a', null, /expected a JSON object/],
    ['target-state-a', '{"state":"RUNNING"}', /invalid target state RUNNING/],
    ['target-state-a', '{}', /'state' field should be a string/],
    ['session-key', '{"key":"AA==","algorithm":"HmacSHA256"}', /'creation-timestamp' field should be an integer/],
    ['logger-cluster-x', '{"level":null}', /'level' field should be a string/],
    ['something-else', '{}', /invalid key: something-else/],
  ];
  for (const [key, value, reason] of refusals) {
    test(`${key} = ${value}`, () => {
      assert.throws(
        () => decode(key, value),
        (error: unknown) => error instanceof ConfigRecordError && reason.test(error.message),
      );
    });
  }

  test("a null property value (possible in Java's map) is left out of the config", () => {
    assert.deepEqual(decode('connector-a', '{"properties":{"a":"1","b":null}}'), { type: 'connector-config', connector: 'a', config: { a: '1' } });
  });

  test('restart flags that are missing or not booleans default to false, as in Kafka', () => {
    assert.deepEqual(decode('restart-connector-a', '{"include-tasks":"yes"}'), {
      type: 'restart-request',
      connector: 'a',
      request: { includeTasks: false, onlyFailed: false },
    });
  });
});
