import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { MILVUS_SINK_CONFIG_DEF } from '../../src/connectors/milvus/milvus-sink-config.js';
import { MilvusSinkConnector } from '../../src/connectors/milvus/milvus-sink-connector.js';
import { MilvusSinkTask } from '../../src/connectors/milvus/milvus-sink-task.js';
import { deepValidate } from '../../src/connectors/milvus/client/milvus-validator.js';
import { sharedMilvusClients } from '../../src/connectors/milvus/client/shared-clients.js';
import { SchemaType, type Schema } from '../../src/plugin/index.js';
import { uniqueName } from '../helpers/stack.js';
import { testContext } from '../connectors/milvus/fixtures.js';
import { createCollection, milvus, record, rows, sinkProps, startTask } from './milvus-sink-fixture.js';

const simpleFields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
];

describe('task start-up checks the collection like the original', () => {
  test('a missing collection fails the start with what to do about it', async () => {
    const name = uniqueName('it_missing');
    const task = new MilvusSinkTask();
    await assert.rejects(task.start(sinkProps(name), testContext()), {
      message: `Collection ${name} does not exist in database default. Create it (with an index on its vector field, then load it), or set auto.create=true to let the connector create it from the first record.`,
    });
    await task.stop();
  });

  test('a collection that is not loaded fails the start with what to do about it', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_unloaded');
    await createCollection(t, client, name, simpleFields, { load: false });
    const task = new MilvusSinkTask();
    await assert.rejects(task.start(sinkProps(name), testContext()), (error: Error) => {
      assert.match(error.message, new RegExp(`^Collection ${name} in database default is not loaded \\(LoadStateNotLoad\\)`));
      assert.match(error.message, /set auto\.load=true/);
      return true;
    });
    await task.stop();
  });

  test('with auto.load=true the task loads the collection and writes to it', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_autoload');
    await createCollection(t, client, name, simpleFields, { load: false });
    const { putAndCommit } = await startTask(t, sinkProps(name, { 'auto.load': 'true' }));
    assert.equal((await client.getLoadState({ collection_name: name })).state, 'LoadStateLoaded');
    await putAndCommit([record({ id: 1, vector: [0.5, 0.5] })]);
    assert.equal((await rows(client, name, ['id'], 'id > 0')).length, 1);
  });

  test('an empty public.endpoint fails the start naming the key', async () => {
    const task = new MilvusSinkTask();
    await assert.rejects(task.start(sinkProps('c', { 'public.endpoint': '' }), testContext()), /public\.endpoint is empty/);
    await task.stop();
  });
});

describe('auto.create', () => {
  test('creates the collection from the first schemaless record, indexes and loads it, then writes', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_autocreate');
    t.after(() => client.dropCollection({ collection_name: name }));
    const { putAndCommit, context } = await startTask(t, sinkProps(name, { 'auto.create': 'true' }));
    assert.equal((await client.getLoadState({ collection_name: name })).state, 'LoadStateNotExist', 'nothing is created before the first record');
    await putAndCommit([
      record({ title: 'no vector here' }),
      record({ id: 7, vector: [0.1, 0.2, 0.3], title: 'hello', n: 3, score: 0.5, flag: true, meta: { a: [1, 2] }, nothing: null }),
      record({ id: 8, vector: [0.3, 0.2, 0.1], title: 'world', n: 4, score: 1.5, flag: false, meta: { b: 'x' } }),
    ]);
    assert.equal(context.errant.length, 1);
    assert.match(context.errant[0].error.message, /auto\.create takes the vector dimension from field "vector"/);
    const described = await client.describeCollection({ collection_name: name, cache: false });
    const types = Object.fromEntries(described.schema.fields.map((f) => [f.name, f.data_type]));
    assert.deepEqual(types, { id: 'Int64', vector: 'FloatVector', title: 'VarChar', n: 'Int64', score: 'Double', flag: 'Bool', meta: 'JSON' });
    assert.equal(described.schema.fields.find((f) => f.name === 'vector')?.dim, '3');
    assert.equal(described.schema.enable_dynamic_field, true);
    assert.equal((await client.getLoadState({ collection_name: name })).state, 'LoadStateLoaded');
    const stored = await rows(client, name, ['id', 'title', 'n', 'score', 'flag', 'meta'], 'id > 0');
    assert.deepEqual(
      stored.sort((a, b) => Number(a.id) - Number(b.id)),
      [
        { id: '7', title: 'hello', n: '3', score: 0.5, flag: true, meta: { a: [1, 2] } },
        { id: '8', title: 'world', n: '4', score: 1.5, flag: false, meta: { b: 'x' } },
      ],
    );
  });

  test('takes column types from the Connect schema, and gives Milvus the key when records carry none', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_autocreate_schema');
    t.after(() => client.dropCollection({ collection_name: name }));
    const f32: Schema = { type: SchemaType.FLOAT32, optional: false };
    const valueSchema: Schema = {
      type: SchemaType.STRUCT,
      optional: false,
      fields: [
        { name: 'embedding', index: 0, schema: { type: SchemaType.ARRAY, optional: false, valueSchema: f32 } },
        { name: 'count', index: 1, schema: { type: SchemaType.INT32, optional: false } },
        { name: 'ratio', index: 2, schema: f32 },
      ],
    };
    const { putAndCommit } = await startTask(
      t,
      sinkProps(name, { 'auto.create': 'true', 'auto.create.vector.field': 'embedding', 'auto.create.pk.field': 'pk' }),
    );
    await putAndCommit([record({ embedding: [1, 0], count: 2, ratio: 0.25 }, { valueSchema })]);
    const described = await client.describeCollection({ collection_name: name, cache: false });
    const pk = described.schema.fields.find((f) => f.is_primary_key)!;
    assert.deepEqual([pk.name, pk.data_type, pk.autoID], ['pk', 'Int64', true]);
    const types = Object.fromEntries(described.schema.fields.map((f) => [f.name, f.data_type]));
    assert.deepEqual(types, { pk: 'Int64', embedding: 'FloatVector', count: 'Int32', ratio: 'Float' });
    const stored = await rows(client, name, ['count', 'ratio'], 'count > 0');
    assert.deepEqual(
      stored.map((r) => [r.count, r.ratio]),
      [[2, 0.25]],
    );
  });

  test("an index type the server refuses fails the task with the server's reason and leaves no collection behind", async (t) => {
    const client = await milvus();
    const name = uniqueName('it_autocreate_hnsw');
    const { task } = await startTask(t, sinkProps(name, { 'auto.create': 'true', 'auto.create.index': 'HNSW' }));
    await assert.rejects(task.put([record({ id: 1, vector: [1, 0] })]), (error: Error) => {
      assert.match(
        error.message,
        new RegExp(
          `^auto\\.create of collection ${name} failed: Milvus createIndex failed \\(code 65535\\): invalid index type: HNSW, local mode only support FLAT IVF_FLAT AUTOINDEX`,
        ),
      );
      return true;
    });
    assert.equal((await client.getLoadState({ collection_name: name })).state, 'LoadStateNotExist');
  });
});

describe('database.name', () => {
  test('a database other than default is refused on Milvus Lite, which would silently ignore it', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_db');
    await createCollection(t, client, name, simpleFields);
    const task = new MilvusSinkTask();
    await assert.rejects(task.start(sinkProps(name, { 'database.name': 'analytics' }), testContext()), {
      message:
        'database.name is analytics, but this Milvus server has no databases (Milvus Lite keeps every collection in one database and would ignore the name). Set database.name=default.',
    });
    await task.stop();
    const props = sinkProps(name, { 'database.name': 'analytics' });
    const values = await deepValidate(props, MILVUS_SINK_CONFIG_DEF.validateAll(props));
    assert.match(values.get('database.name')!.errors[0], /has no databases/);
    assert.deepEqual(values.get('collection.name')!.errors, []);
  });
});

describe('deep validation (PUT /connector-plugins/…/config/validate)', () => {
  const validate = (props: Record<string, string>, timeoutMs?: number) => deepValidate(props, MILVUS_SINK_CONFIG_DEF.validateAll(props), timeoutMs);
  const errors = (values: Awaited<ReturnType<typeof validate>>) =>
    Object.fromEntries([...values].filter(([, v]) => v.errors.length > 0).map(([k, v]) => [k, v.errors]));

  test('a reachable Milvus with a loaded collection gives no errors', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_valid');
    await createCollection(t, client, name, simpleFields);
    const values = await new MilvusSinkConnector().validate(sinkProps(name), MILVUS_SINK_CONFIG_DEF.validateAll(sinkProps(name)));
    assert.deepEqual(errors(values), {});
    assert.deepEqual(values.get('public.endpoint')!.recommendedValues, [sinkProps(name)['public.endpoint']], 'a Milvus that answered shows as reachable');
  });

  test('a missing or unloaded collection is reported on collection.name unless auto.create / auto.load', async (t) => {
    const client = await milvus();
    const unloaded = uniqueName('it_valid_unloaded');
    await createCollection(t, client, unloaded, simpleFields, { load: false });
    const missing = uniqueName('it_valid_missing');
    assert.match(errors(await validate(sinkProps(missing)))['collection.name'][0], new RegExp(`Collection ${missing} does not exist in database default`));
    assert.deepEqual(errors(await validate(sinkProps(missing, { 'auto.create': 'true' }))), {});
    assert.match(errors(await validate(sinkProps(unloaded)))['collection.name'][0], /is not loaded/);
    assert.deepEqual(errors(await validate(sinkProps(unloaded, { 'auto.load': 'true' }))), {});
  });

  test('an endpoint nobody listens on is accepted (the tasks wait for it) and not shown as reachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const props = sinkProps('c', { 'public.endpoint': `http://127.0.0.1:${port}`, token: 'user:s3cret-token' });
    const values = await validate(props, 2_000);
    assert.deepEqual(errors(values), {});
    assert.deepEqual(values.get('public.endpoint')!.recommendedValues, []);
    assert.doesNotMatch(JSON.stringify([...values.values()]), /s3cret/);
  });

  test('a server that accepts connections but never answers is accepted within the timeout', async (t) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as { port: number };
    const started = Date.now();
    const values = await validate(sinkProps('c', { 'public.endpoint': `127.0.0.1:${port}` }), 1_500);
    assert.ok(Date.now() - started < 4_000, `took ${Date.now() - started} ms`);
    assert.deepEqual(errors(values), {});
    assert.deepEqual(values.get('public.endpoint')!.recommendedValues, []);
  });

  test('without public.endpoint nothing is checked, like the original', async () => {
    const props = { 'collection.name': 'whatever' };
    assert.deepEqual(errors(await validate(props)), {});
  });
});

test('the tasks of a connector share one Milvus client, closed when the last of them stops, and each keeps writing', async (t) => {
  const client = await milvus();
  const name = uniqueName('it_shared');
  await createCollection(t, client, name, simpleFields);
  const before = sharedMilvusClients.size;
  const props = sinkProps(name);
  const first = new MilvusSinkTask();
  const second = new MilvusSinkTask();
  await first.start(props, testContext([{ topic: 't', partition: 0 }], 'shared'));
  await second.start(props, testContext([{ topic: 't', partition: 1 }], 'shared'));
  assert.equal(sharedMilvusClients.size, before + 1);
  await first.stop();
  const written = await startTask(t, props);
  assert.equal(sharedMilvusClients.size, before + 1, 'the second task still holds it; a third joins it');
  await written.putAndCommit([record({ id: 1, vector: [0.5, 0.25] })]);
  assert.deepEqual(await rows(client, name, ['id']), [{ id: '1' }]);
  await second.stop();
  await written.task.stop();
  assert.equal(sharedMilvusClients.size, before);
});
