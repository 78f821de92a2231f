import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { uniqueName } from '../helpers/stack.js';
import { createCollection, milvus, record, rows, sinkProps, startTask } from './milvus-sink-fixture.js';

const scalarFields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vector', data_type: DataType.FloatVector, dim: 3 },
  { name: 'b', data_type: DataType.Bool },
  { name: 'i8', data_type: DataType.Int8 },
  { name: 'i16', data_type: DataType.Int16 },
  { name: 'i32', data_type: DataType.Int32 },
  { name: 'i64', data_type: DataType.Int64 },
  { name: 'f', data_type: DataType.Float },
  { name: 'd', data_type: DataType.Double },
  { name: 's', data_type: DataType.VarChar, max_length: 16 },
  { name: 'j', data_type: DataType.JSON },
  { name: 'arr', data_type: DataType.Array, element_type: DataType.Int32, max_capacity: 4 },
  { name: 'sarr', data_type: DataType.Array, element_type: DataType.VarChar, max_capacity: 3, max_length: 8 },
];
const SCALARS = scalarFields.map((f) => f.name).filter((n) => n !== 'vector');

/** A row every field of which is valid; tests override one field at a time. */
const good = (id: number, overrides: Record<string, unknown> = {}) => ({
  id,
  vector: [0.1, 0.2, 0.3],
  b: true,
  i8: 1,
  i16: 1,
  i32: 1,
  i64: 1,
  f: 1,
  d: 1,
  s: 'x',
  j: { k: 1 },
  arr: [1],
  sarr: ['a'],
  ...overrides,
});

describe('every scalar type Milvus Lite supports, from record to stored row', () => {
  test('good values are stored exactly (numbers from text, Int64 beyond 2^53, UTF-8 text, JSON, arrays)', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_scalars');
    await createCollection(t, client, name, scalarFields);
    const { putAndCommit, context } = await startTask(t, sinkProps(name));
    await putAndCommit([
      record(
        good(1, {
          b: 'TRUE',
          i8: 127,
          i16: -32768,
          i32: '2147483647',
          i64: '9223372036854775807',
          f: 1.5,
          d: 0.1,
          s: 'héllo wörld',
          j: [1, 'two', null],
          arr: [1, 2, 3, 4],
          sarr: ['αβγδ', 'b', ''],
        }),
      ),
      record(good(2, { b: 0, i8: '-128', i64: -9007199254740993n, f: '-2.25', d: '1e300', s: 42, j: 'just text', arr: [], sarr: [] })),
      record(good(3, { j: { nested: { deep: [true, 1.5] } } })),
      // falsy JSON documents, which the SDK alone would turn into empty values
      record(good(4, { j: 0 })),
      record(good(5, { j: false })),
    ]);
    assert.deepEqual(context.errant, []);
    const stored = (await rows(client, name, SCALARS, 'id > 0')).sort((a, b) => Number(a.id) - Number(b.id));
    assert.deepEqual(stored, [
      {
        id: '1',
        b: true,
        i8: 127,
        i16: -32768,
        i32: 2147483647,
        i64: '9223372036854775807',
        f: 1.5,
        d: 0.1,
        s: 'héllo wörld',
        j: [1, 'two', null],
        arr: [1, 2, 3, 4],
        sarr: ['αβγδ', 'b', ''],
      },
      { id: '2', b: false, i8: -128, i16: 1, i32: 1, i64: '-9007199254740993', f: -2.25, d: 1e300, s: '42', j: 'just text', arr: [], sarr: [] },
      { id: '3', b: true, i8: 1, i16: 1, i32: 1, i64: '1', f: 1, d: 1, s: 'x', j: { nested: { deep: [true, 1.5] } }, arr: [1], sarr: ['a'] },
      { id: '4', b: true, i8: 1, i16: 1, i32: 1, i64: '1', f: 1, d: 1, s: 'x', j: 0, arr: [1], sarr: ['a'] },
      { id: '5', b: true, i8: 1, i16: 1, i32: 1, i64: '1', f: 1, d: 1, s: 'x', j: false, arr: [1], sarr: ['a'] },
    ]);
  });

  test('each bad value makes its record errant, naming record and field, while the other records are written', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_scalars_bad');
    await createCollection(t, client, name, scalarFields);
    const { putAndCommit, context } = await startTask(t, sinkProps(name));
    const bad: [string, unknown, RegExp][] = [
      ['b', 'yes', /field "b".*expected true or false/],
      ['i8', 128, /field "i8".*out of range for Int8/],
      ['i16', 1.5, /field "i16".*expected an integer/],
      ['i32', 'abc', /field "i32".*expected an integer/],
      ['i64', '9223372036854775808', /field "i64".*out of range for Int64/],
      ['f', 1e39, /field "f".*out of range for Float/],
      ['d', 'NaN', /field "d"/],
      ['s', 'seventeen bytes!!', /field "s".*17 bytes long in UTF-8, more than max_length 16/],
      ['arr', [1, 2, 3, 4, 5], /field "arr".*more than max_capacity 4/],
      ['sarr', ['nine byte'], /field "sarr".*element 0/],
      ['vector', [1, 2], /field "vector"/],
      ['i32', null, /Missing value for field "i32"/],
    ];
    const records = bad.map(([field, value], i) => record(good(100 + i, { [field]: value }), { offset: 1000 + i }));
    const committed = await putAndCommit([record(good(1), { offset: 999 }), ...records, record(good(2), { offset: 2000 })]);
    assert.deepEqual(
      context.errant.map((e) => e.record.kafkaOffset),
      records.map((r) => r.kafkaOffset),
    );
    context.errant.forEach((e, i) => {
      assert.match(e.error.message, bad[i][2]);
      assert.match(e.error.message, new RegExp(`vectors\\[0\\]@${1000 + i}`));
    });
    assert.deepEqual((await rows(client, name, ['id'], 'id > 0')).map((r) => r.id).sort(), ['1', '2']);
    assert.equal(committed.get('vectors-0')?.offset, 2001, 'errant records count as done once reported');
  });
});

describe('every vector type Milvus Lite supports', () => {
  test("float (array and the original's text form), binary and sparse vectors are stored exactly", async (t) => {
    const client = await milvus();
    const name = uniqueName('it_vectors');
    await createCollection(
      t,
      client,
      name,
      [
        { name: 'id', data_type: DataType.VarChar, is_primary_key: true, max_length: 16 },
        { name: 'vector', data_type: DataType.FloatVector, dim: 4 },
        { name: 'bits', data_type: DataType.BinaryVector, dim: 16 },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
      ],
      { index: false },
    );
    const { putAndCommit, context } = await startTask(t, sinkProps(name));
    await putAndCommit([
      record({ id: 'a', vector: [0.5, -0.25, 1, 2], bits: [255, 1], sparse: { '1': 0.5, '10': 0.25 } }),
      record({ id: 'b', vector: '[0.5, 0.5, 0.5, 0.5]', bits: [0, 128], sparse: { '3': 1 } }),
    ]);
    assert.deepEqual(context.errant, []);
    const stored = (await rows(client, name, ['id', 'vector', 'bits', 'sparse'], 'id != ""')).sort((x, y) => String(x.id).localeCompare(String(y.id)));
    assert.deepEqual(
      stored.map((r) => r.vector),
      [
        [0.5, -0.25, 1, 2],
        [0.5, 0.5, 0.5, 0.5],
      ],
    );
    assert.deepEqual(
      stored.map((r) => r.bits),
      [
        [255, 1],
        [0, 128],
      ],
    );
    assert.deepEqual(
      stored.map((r) => r.sparse),
      [{ '1': 0.5, '10': 0.25 }, { '3': 1 }],
    );
  });

  test('float16 and bfloat16 vectors take float arrays', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_half');
    await createCollection(
      t,
      client,
      name,
      [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'h', data_type: DataType.Float16Vector, dim: 2 },
        { name: 'bh', data_type: DataType.BFloat16Vector, dim: 2 },
      ],
      { index: false },
    );
    const { putAndCommit, context } = await startTask(t, sinkProps(name));
    await putAndCommit([record({ id: 1, h: [0.5, -2], bh: [1.5, 256] }), record({ id: 2, h: [1, 2, 3], bh: [0, 0] })]);
    assert.equal(context.errant.length, 1);
    assert.match(context.errant[0].error.message, /field "h"/);
    const stored = await rows(client, name, ['id', 'h', 'bh'], 'id > 0');
    assert.equal(stored.length, 1);
    assert.deepEqual([...(stored[0].h as number[])], [0.5, -2]);
    assert.deepEqual([...(stored[0].bh as number[])], [1.5, 256]);
  });
});
