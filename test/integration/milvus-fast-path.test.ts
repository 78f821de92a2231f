/**
 * The sink's two ways of writing rows (client/fast-write.ts) store the same thing: the same records,
 * upserted and inserted through the fast path into one collection and through the SDK's own
 * insert/upsert into another, read back field for field. JSON, Array, nullable and dynamic fields are
 * not compared here: the fast path does not cover them, so both collections would be written by the SDK.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DataType, type FieldType } from '@zilliz/milvus2-sdk-node';
import { FastWrite } from '../../src/connectors/milvus/client/fast-write.js';
import type { Row } from '../../src/connectors/milvus/write/sink-op-batch.js';
import { recordingLogger } from '../connectors/milvus/fixtures.js';
import { closeMilvus, createCollection, milvus, queryRows, vectorFor } from '../helpers/milvus-fixtures.js';
import { uniqueName } from '../helpers/stack.js';

const FIELDS: FieldType[] = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
  { name: 'title', data_type: DataType.VarChar, max_length: 64 },
  { name: 'title_vector', data_type: DataType.FloatVector, dim: 8 },
  { name: 'flag', data_type: DataType.Bool },
  { name: 'small', data_type: DataType.Int8 },
  { name: 'count', data_type: DataType.Int32 },
  { name: 'score', data_type: DataType.Float },
  { name: 'weight', data_type: DataType.Double },
];
const NAMES = FIELDS.map((f) => f.name);

/** A row as the sink's converters hand it over: FloatVectors as Float32Arrays, Int64 beyond 2^53 as text. */
function row(id: number | string, version = 0): Row {
  const i = Number(((BigInt(id) % 1000n) + 1000n) % 1000n) + version;
  return {
    id,
    title: `tïtle ${i} "quoted" \\ ✓`,
    title_vector: new Float32Array(vectorFor(i)) as unknown as number[],
    flag: i % 2 === 0,
    small: (i % 256) - 128,
    count: i * 100_003 - 2_000_000_000,
    score: i / 3,
    weight: i * 1e-300,
  };
}

after(closeMilvus);

describe('the fast write path and the SDK path store the same rows', () => {
  test('upserted, re-upserted and inserted rows read back identical in every field', async (t) => {
    const client = await milvus();
    const logger = recordingLogger();
    const paths = [
      { name: uniqueName('it_fast_path'), sdkOnly: false },
      { name: uniqueName('it_sdk_path'), sdkOnly: true },
    ].map((path) => ({ ...path, door: new FastWrite({ collection: path.name, timeoutMs: 30_000, logger, sdkOnly: path.sdkOnly }) }));

    const ids = [...Array.from({ length: 40 }, (_, i) => i + 1), '9223372036854775807', '-9007199254740993'];
    const upserted = ids.map((id) => row(id));
    const reUpserted = ids.slice(0, 10).map((id) => row(id, 7));
    const inserted = [101, 102, 103].map((id) => row(id));
    for (const { name, door } of paths) {
      const drop = await createCollection(name, { fields: FIELDS });
      t.after(drop);
      door.useSchema(await client.describeCollection({ collection_name: name, cache: false }));
      for (const [mode, rows] of [
        ['upsert', upserted],
        ['upsert', reUpserted],
        ['insert', inserted],
      ] as const) {
        const result = await door.write(client, mode, rows);
        assert.equal(result.status.code, 0, `${name} ${mode}: ${result.status.reason}`);
      }
    }

    const [fast, sdk] = paths;
    assert.deepEqual(fast.door.sent, { encoded: 3, sdk: 0 }, 'the fast path really ran');
    assert.deepEqual(sdk.door.sent, { encoded: 0, sdk: 3 }, 'the SDK path really ran');
    assert.deepEqual(logger.lines, [], 'the installed SDK has everything the fast path uses');

    const every = [...ids, 101, 102, 103];
    const read = async (name: string) =>
      (await queryRows(name, NAMES, `id in [${every.join(',')}]`)).sort((a, b) => (BigInt(String(a.id)) < BigInt(String(b.id)) ? -1 : 1));
    const [viaFast, viaSdk] = [await read(fast.name), await read(sdk.name)];
    assert.deepEqual(
      viaFast.map((r) => String(r.id)),
      every.map(String).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
    );
    assert.deepEqual(viaFast, viaSdk);
    // and both are what was sent: the last version of each row, vectors at float32 precision
    const expected = new Map([...upserted, ...reUpserted, ...inserted].map((r) => [String(r.id), r]));
    for (const stored of viaFast) {
      const sent = expected.get(String(stored.id))!;
      assert.deepEqual(
        { ...stored, title_vector: new Float32Array(stored.title_vector as number[]) },
        { ...sent, id: String(sent.id), score: Math.fround(sent.score as number) },
      );
    }
  });
});
