import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureWithTopic, recorder, waitFor } from './worker-fixture.js';

function long(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}

test("LongConverter values and the worker's default SimpleHeaderConverter: put() gets longs and typed headers, the bytes kept beside them", async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'primitive');
  await f.producer.send({
    topic,
    acks: -1,
    messages: [
      { key: 'a', value: long(42n), headers: { count: '42', flag: 'true', ids: '[1,2]', note: 'hello world' } },
      { key: 'b', value: long(2n ** 62n), headers: { ratio: '0.5' } },
      { key: 'c', value: null },
    ],
  });
  await f.startConnector(name, { topics: topic, 'value.converter': 'org.apache.kafka.connect.converters.LongConverter' });

  await waitFor('three records', () => recorder(name).puts.flat().length >= 3);
  const records = recorder(name).puts.flat();
  assert.deepEqual(
    records.map((r) => r.value),
    [42, 2n ** 62n, null],
  );
  assert.deepEqual(
    records.map((r) => r.valueSchema?.type),
    ['int64', 'int64', 'int64'],
  );
  assert.deepEqual(
    records[0].headers.map((h) => [h.key, h.converted?.schema?.type, h.converted?.value, Buffer.from(h.value!).toString()]),
    [
      ['count', 'int8', 42, '42'],
      ['flag', 'boolean', true, 'true'],
      ['ids', 'array', [1, 2], '[1,2]'],
      ['note', 'string', 'hello world', 'hello world'],
    ],
  );
  assert.deepEqual(
    records[1].headers.map((h) => [h.converted?.schema?.type, h.converted?.value]),
    [['float32', 0.5]],
  );
  assert.deepEqual(f.listener.taskState(name), { state: 'RUNNING' });
});
