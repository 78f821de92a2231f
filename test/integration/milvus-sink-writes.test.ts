import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { milvusSinkMetrics } from '../../src/connectors/milvus/sink-metrics.js';
import { uniqueName } from '../helpers/stack.js';
import { committedOffset, createCollection, milvus, record, rows, sinkProps, startTask, tombstone } from './milvus-sink-fixture.js';

const int64Collection = () =>
  [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
    { name: 'vector', data_type: DataType.FloatVector, dim: 4 },
    { name: 'title', data_type: DataType.VarChar, max_length: 64 },
  ] as const;

describe('writes into a collection whose primary key comes from the records (upsert)', () => {
  test('rows are upserted and a replay of the same records leaves no duplicates', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_upsert');
    await createCollection(t, client, name, [...int64Collection()]);
    const { putAndCommit } = await startTask(t, sinkProps(name));
    const batch = [1, 2, 3].map((id) => record({ id, vector: [id, 0, 0, 1], title: `t${id}` }, { offset: 100 + id }));
    const committed = await putAndCommit(batch);
    assert.equal(committedOffset(committed), 104);
    await putAndCommit(batch.map((r) => ({ ...r })));
    const stored = await rows(client, name, ['id', 'title'], 'id > 0');
    assert.deepEqual(stored.map((r) => [r.id, r.title]).sort(), [
      ['1', 't1'],
      ['2', 't2'],
      ['3', 't3'],
    ]);
  });

  test('records with the same key keep the last value, also across batches and concurrent requests', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_order');
    await createCollection(t, client, name, [...int64Collection()]);
    const { putAndCommit } = await startTask(t, sinkProps(name, { 'batch.max.rows': '7', 'max.in.flight.requests': '4' }));
    const records = [];
    for (let i = 0; i < 600; i++) records.push(record({ id: i % 25, vector: [1, 0, 0, i + 1], title: `v${i}` }, { offset: i, partition: i % 3 }));
    for (let i = 0; i < records.length; i += 50) await putAndCommit(records.slice(i, i + 50));
    const stored = await rows(client, name, ['id', 'title'], 'id >= 0');
    assert.equal(stored.length, 25);
    for (const row of stored) {
      const id = Number(row.id);
      const last = Math.max(...records.filter((r) => (r.value as { id: number }).id === id).map((r) => r.kafkaOffset));
      assert.equal(row.title, `v${last}`, `key ${id}`);
    }
  });

  test('preCommit does not wait for writes: it returns the offsets Milvus has acknowledged so far', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_precommit');
    await createCollection(t, client, name, [...int64Collection()]);
    // a partial batch that would linger for a minute
    const { task } = await startTask(t, sinkProps(name, { 'batch.linger.ms': '60000' }));
    await task.put([1, 2].map((id) => record({ id, vector: [id, 0, 0, 1], title: `t${id}` }, { offset: 200 + id })));
    const current = new Map([['vectors-0', { topic: 'vectors', partition: 0, offset: 203 }]]);
    const startedAt = Date.now();
    assert.equal(committedOffset(await task.preCommit(current)), 201, 'nothing past the first unacknowledged record');
    assert.ok(Date.now() - startedAt < 500, 'preCommit answered without waiting for Milvus');
    assert.equal((await rows(client, name, ['id'], 'id > 0')).length, 0, 'and without sending the lingering batch');
    await task.flush();
    assert.equal(committedOffset(await task.preCommit(current)), 203);
    assert.equal((await rows(client, name, ['id'], 'id > 0')).length, 2);
  });

  test('Int64 keys beyond 2^53 keep every digit', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_int64');
    await createCollection(t, client, name, [...int64Collection()]);
    const { putAndCommit } = await startTask(t, sinkProps(name));
    await putAndCommit([
      record({ id: 9007199254740993n, vector: [1, 2, 3, 4], title: 'big' }),
      record({ id: '-9223372036854775808', vector: [1, 2, 3, 4], title: 'min' }),
    ]);
    const stored = await rows(client, name, ['id', 'title'], 'id != 0');
    assert.deepEqual(stored.map((r) => [r.id, r.title]).sort(), [
      ['-9223372036854775808', 'min'],
      ['9007199254740993', 'big'],
    ]);
  });
});

describe('writes into an autoID collection (insert)', () => {
  test('rows are inserted without the key and Milvus assigns it', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_autoid');
    await createCollection(t, client, name, [
      { name: 'pk', data_type: DataType.Int64, is_primary_key: true, autoID: true },
      { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
      { name: 'n', data_type: DataType.Int32 },
    ]);
    const { putAndCommit } = await startTask(t, sinkProps(name));
    const committed = await putAndCommit([record({ vector: [1, 2], n: 1 }, { offset: 0 }), record({ vector: [3, 4], n: 2, pk: 77 }, { offset: 1 })]);
    assert.equal(committedOffset(committed), 2);
    const stored = await rows(client, name, ['pk', 'n'], 'n > 0');
    assert.deepEqual(stored.map((r) => r.n).sort(), [1, 2]);
    assert.ok(
      stored.every((r) => r.pk !== '77'),
      "the record's own key is not used on insert",
    );
  });
});

describe('tombstones', () => {
  test('with delete.enabled=true a tombstone deletes the row whose key is the record key', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_delete');
    await createCollection(t, client, name, [
      { name: 'key', data_type: DataType.VarChar, is_primary_key: true, max_length: 64 },
      { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
    ]);
    const { putAndCommit } = await startTask(t, sinkProps(name, { 'delete.enabled': 'true' }));
    const keys = ['a', 'quote"d', 'back\\slash', 'tab\tkey', 'κλειδί', 'b'];
    await putAndCommit(keys.map((key) => record({ key, vector: [1, 1] })));
    const committed = await putAndCommit([...keys.slice(0, 5).map((key) => tombstone(key)), tombstone({ key: 'b' })]);
    const stored = await rows(client, name, ['key'], 'key != ""');
    assert.deepEqual(stored, []);
    assert.ok(committedOffset(committed)! > 0);
  });

  test('a write, a delete and a write of one key in one batch leave the last write', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_delete_order');
    await createCollection(t, client, name, [...int64Collection()]);
    const { putAndCommit } = await startTask(t, sinkProps(name, { 'delete.enabled': 'true' }));
    await putAndCommit([
      record({ id: 1, vector: [1, 0, 0, 0], title: 'first' }),
      tombstone(1),
      record({ id: 2, vector: [1, 0, 0, 0], title: 'kept' }),
      tombstone(2),
      record({ id: 2, vector: [1, 0, 0, 0], title: 'again' }),
    ]);
    const stored = await rows(client, name, ['id', 'title'], 'id > 0');
    assert.deepEqual(
      stored.map((r) => [r.id, r.title]),
      [['2', 'again']],
    );
  });

  test('with delete.enabled=false tombstones are skipped, counted, and their offsets committed', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_skip');
    await createCollection(t, client, name, [...int64Collection()]);
    const props = sinkProps(name, { name: uniqueName('skip-connector') });
    const { putAndCommit } = await startTask(t, props);
    await putAndCommit([record({ id: 5, vector: [1, 0, 0, 0], title: 'x' }, { offset: 10 })]);
    const committed = await putAndCommit([tombstone(5, { offset: 11 })]);
    assert.equal(committedOffset(committed), 12);
    assert.equal((await rows(client, name, ['id'], 'id > 0')).length, 1);
    assert.equal(milvusSinkMetrics(props.name).snapshot().recordsSkipped, 1);
  });
});
