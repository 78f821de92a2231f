import assert from 'node:assert/strict';
import { unusedPort } from '../helpers/ports.js';
import { test } from 'node:test';
import avro from 'avsc';
import protobuf from 'protobufjs';
import { framed, messageIndexes, registerSchema } from '../helpers/schema-registry.js';
import { schemaRegistry } from '../helpers/stack.js';
import { fixtureWithTopic, readTopic, recorder, uniqueName, waitFor } from './worker-fixture.js';

const SCHEMA = { type: 'record', name: 'Doc', namespace: 'it', fields: [{ name: 'id', type: 'long' }] };

test('registry unreachable, errors.tolerance=all: each record is retried, then dead-lettered with a message naming its schema id and the registry URL, never its password', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'sr-down');
  const dlq = uniqueName('it-sr-down-dlq');
  const down = `http://127.0.0.1:${await unusedPort()}`;
  const payload = avro.Type.forSchema(SCHEMA as avro.Schema).toBuffer({ id: 1 });
  await f.producer.send({
    topic,
    acks: -1,
    messages: [
      { key: 'a', value: framed(4242, payload) },
      { key: 'b', value: framed(4243, payload) },
    ],
  });
  await f.startConnector(name, {
    topics: topic,
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    // credentials in the URL (basic.auth.credentials.source=URL), which must never be shown
    'value.converter.schema.registry.url': down.replace('://', '://svc:hunter2-secret@'),
    'value.converter.max.retries': '1',
    'value.converter.retries.wait.ms': '10',
    // the worker retries a RetriableError conversion; retrying the first record must not lose the second's failure
    'errors.retry.timeout': '300',
    'errors.retry.delay.max.ms': '20',
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': dlq,
    'errors.deadletterqueue.context.headers.enable': 'true',
  });

  const messages = await readTopic(f.kafka, dlq, 2);
  for (const [i, message] of messages.entries()) {
    const headers = Object.fromEntries(Object.entries(message.headers!).map(([k, v]) => [k, String(v)]));
    assert.equal(headers['__connect.errors.stage'], 'VALUE_CONVERTER');
    assert.equal(headers['__connect.errors.class.name'], 'io.confluent.connect.avro.AvroConverter');
    assert.equal(headers['__connect.errors.exception.class.name'], 'RetriableError');
    assert.match(
      headers['__connect.errors.exception.message'],
      new RegExp(`^Could not fetch schema ${4242 + i} from the schema registry at ${down}: .*\\(2 attempts, max\\.retries=1\\)$`),
    );
    assert.ok(!JSON.stringify(headers).includes('hunter2'), 'the password is in no header');
  }
  assert.deepEqual(recorder(name).puts.flat(), [], 'nothing was skipped silently into the sink');
  assert.deepEqual(f.listener.tasks.get(`${name}-0`), [{ state: 'RUNNING' }]);
  await waitFor('the commit past both', async () => (await f.committed(`connect-${name}`))[`${topic}-0`] === 2);
});

test('registry unreachable, errors.tolerance=none: the task FAILS with a trace naming the schema id and the registry URL', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'sr-down-fail');
  const down = `http://127.0.0.1:${await unusedPort()}`;
  await f.producer.send({ topic, acks: -1, messages: [{ key: 'a', value: framed(77, Buffer.from([2])) }] });
  await f.startConnector(name, {
    topics: topic,
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.schema.registry.url': down,
    'value.converter.max.retries': '0',
  });

  const failed = await waitFor('FAILED', () => (f.listener.taskState(name)?.state === 'FAILED' ? f.listener.taskState(name) : null));
  assert.match(failed.trace!, new RegExp(`Caused by: RetriableError: Could not fetch schema 77 from the schema registry at ${down}: `));
  assert.deepEqual(await f.committed(`connect-${name}`), {}, 'the record is not committed');
});

test('credentials the registry refuses: the record fails with the 401, the registry URL and what to check', async (t) => {
  const registry = schemaRegistry();
  const { f, topic, name } = await fixtureWithTopic(t, 'sr-401');
  const id = await registerSchema(`${topic}-value`, 'AVRO', JSON.stringify(SCHEMA));
  await f.producer.send({ topic, acks: -1, messages: [{ key: 'a', value: framed(id, avro.Type.forSchema(SCHEMA as avro.Schema).toBuffer({ id: 1 })) }] });
  await f.startConnector(name, {
    topics: topic,
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.schema.registry.url': registry.url,
    'value.converter.basic.auth.credentials.source': 'USER_INFO',
    'value.converter.basic.auth.user.info': 'connect:wrong-password',
  });

  const failed = await waitFor('FAILED', () => (f.listener.taskState(name)?.state === 'FAILED' ? f.listener.taskState(name) : null));
  assert.match(
    failed.trace!,
    new RegExp(
      `Caused by: DataError: The schema registry at ${registry.url} did not return schema ${id}: HTTP 401 .*check basic\\.auth\\.credentials\\.source and basic\\.auth\\.user\\.info`,
    ),
  );
  assert.doesNotMatch(failed.trace!, /wrong-password/);
});

test('the right credentials from basic.auth.user.info: the records reach the sink as structs, their schema fetched once', async (t) => {
  const registry = schemaRegistry();
  const { f, topic, name } = await fixtureWithTopic(t, 'sr-ok');
  const id = await registerSchema(`${topic}-value`, 'AVRO', JSON.stringify(SCHEMA));
  const writer = avro.Type.forSchema(SCHEMA as avro.Schema);
  await f.producer.send({ topic, acks: -1, messages: [1, 2, 3].map((n) => ({ key: String(n), value: framed(id, writer.toBuffer({ id: n })) })) });
  await f.startConnector(name, {
    topics: topic,
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.schema.registry.url': registry.url,
    'value.converter.basic.auth.credentials.source': 'USER_INFO',
    'value.converter.basic.auth.user.info': registry.userInfo,
  });

  await waitFor('three records', () => recorder(name).puts.flat().length === 3);
  const records = recorder(name).puts.flat();
  assert.deepEqual(
    records.map((r) => r.value),
    [{ id: 1 }, { id: 2 }, { id: 3 }],
  );
  assert.equal(records[0].valueSchema?.name, 'it.Doc');
  assert.equal(records[0].valueSchema, records[2].valueSchema, 'one compiled schema per id');
});

test("references: a Protobuf file importing another subject's file, and an Avro record using another subject's named type, resolve through the registry", async (t) => {
  const registry = schemaRegistry();
  const auth = {
    'basic.auth.credentials.source': 'USER_INFO',
    'basic.auth.user.info': registry.userInfo,
    'schema.registry.url': registry.url,
  };
  const prefixed = (prefix: string) => Object.fromEntries(Object.entries(auth).map(([k, v]) => [`${prefix}.${k}`, v]));
  const { f, topic, name } = await fixtureWithTopic(t, 'sr-refs');

  const pointProto = 'syntax = "proto3"; package shared; message Point { double x = 1; double y = 2; }';
  const pointVersion = await registerVersion(`${topic}-point`, 'PROTOBUF', pointProto);
  const shapeProto = 'syntax = "proto3"; package demo; import "shared/point.proto"; message Shape { string label = 1; shared.Point at = 2; }';
  const shapeId = await registerSchema(`${topic}-value`, 'PROTOBUF', shapeProto, [
    { name: 'shared/point.proto', subject: `${topic}-point`, version: pointVersion },
  ]);
  const root = protobuf.parse(pointProto, { keepCase: true }).root;
  protobuf.parse(shapeProto, root, { keepCase: true });
  const Shape = root.lookupType('demo.Shape');
  const shape = framed(shapeId, Buffer.concat([messageIndexes([0]), Shape.encode(Shape.create({ label: 'p', at: { x: 1.5, y: -2 } })).finish()]));

  const color = { type: 'enum', name: 'Color', namespace: 'shared', symbols: ['RED', 'GREEN'] };
  const colorVersion = await registerVersion(`${topic}-color`, 'AVRO', JSON.stringify(color));
  const key = { type: 'record', name: 'Key', namespace: 'demo', fields: [{ name: 'color', type: 'shared.Color' }] };
  const keyId = await registerSchema(`${topic}-key`, 'AVRO', JSON.stringify(key), [{ name: 'shared.Color', subject: `${topic}-color`, version: colorVersion }]);
  const registryTypes = {};
  avro.Type.forSchema(color as avro.Schema, { registry: registryTypes });
  const keyBytes = framed(keyId, avro.Type.forSchema(key as avro.Schema, { registry: registryTypes }).toBuffer({ color: 'GREEN' }));

  await f.producer.send({ topic, acks: -1, messages: [{ key: keyBytes, value: shape }] });
  await f.startConnector(name, {
    topics: topic,
    'key.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter': 'io.confluent.connect.protobuf.ProtobufConverter',
    ...prefixed('key.converter'),
    ...prefixed('value.converter'),
  });

  const record = await waitFor('the record', () => recorder(name).puts.flat()[0]);
  assert.deepEqual(record.key, { color: 'GREEN' });
  assert.equal(record.keySchema?.fields?.[0].schema.name, 'shared.Color');
  assert.deepEqual(record.value, { label: 'p', at: { x: 1.5, y: -2 } });
  assert.equal(record.valueSchema?.fields?.[1].schema.name, 'Point');
});

/** Registers a schema and answers its version under the subject (what a reference names). */
async function registerVersion(subject: string, type: 'AVRO' | 'PROTOBUF', schema: string): Promise<number> {
  await registerSchema(subject, type, schema);
  const { url, userInfo } = schemaRegistry();
  const response = await fetch(`${url}/subjects/${subject}/versions/latest`, {
    headers: { authorization: `Basic ${Buffer.from(userInfo).toString('base64')}` },
  });
  return ((await response.json()) as { version: number }).version;
}
