import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deleteOp, writeOp, type SinkOp } from '../../../../src/connectors/milvus/write/sink-op-batch.js';
import { collectionSchemaFromDescribe } from '../../../../src/connectors/milvus/rows/collection-schema.js';
import { recordToRow } from '../../../../src/connectors/milvus/rows/record-to-row.js';
import { sinkRecord } from '../fixtures.js';

const schema = collectionSchemaFromDescribe({
  collection_name: 'docs',
  schema: {
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'vector', data_type: 'FloatVector', dim: '768' },
    ],
  },
});
const UPSERT = { operation: 'upsert', dynamicFields: 'drop', pkMode: 'value', jsonParseStrings: false } as const;

function embeddingRecord(offset: number) {
  const value = { id: offset, vector: Array.from({ length: 768 }, (_, i) => i / 768) };
  const rawValue = Buffer.from(JSON.stringify(value));
  return sinkRecord({
    topic: 'emb',
    partition: 2,
    offset,
    timestamp: 1700000000000,
    key: { id: offset },
    value,
    rawKey: Buffer.from('k'),
    rawValue,
    headers: [{ key: 'h', value: Buffer.from('v') }],
  });
}

test('an operation keeps what reporting the record needs (coordinates, timestamp, headers, raw bytes) and not the converted key and value', () => {
  const record = embeddingRecord(7);
  const row = recordToRow(record, schema, UPSERT);
  const ops: SinkOp[] = [writeOp('c', record, row, '7', 3100), deleteOp('c', record, 7, 17)];
  for (const op of ops) {
    const kept = op.record;
    assert.deepEqual([kept.topic, kept.kafkaPartition, kept.kafkaOffset, kept.timestamp], ['emb', 2, 7, 1700000000000]);
    assert.equal(kept.rawKey, record.rawKey);
    assert.equal(kept.rawValue, record.rawValue);
    assert.equal(kept.headers, record.headers);
    assert.deepEqual([kept.key, kept.value, kept.keySchema, kept.valueSchema], [null, null, null, null]);
  }
  assert.equal(record.value !== null && typeof record.value === 'object', true, 'the record handed to put() is not modified');
  const del = ops[1];
  assert.ok(del.kind === 'delete');
  assert.deepEqual([del.pk, del.pkValue], ['7', 7]);
});

test('once the row exists, a buffered write no longer keeps the parsed value (and its array of doubles) alive', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const held: SinkOp[] = [];
  const parsed: WeakRef<object>[] = [];
  // in a function of its own: a suspended async frame may keep its last locals alive
  const accept = (offset: number) => {
    const record = embeddingRecord(offset);
    const value = record.value as { vector: number[] };
    parsed.push(new WeakRef(value), new WeakRef(value.vector));
    held.push(writeOp('c', record, recordToRow(record, schema, UPSERT), String(offset), 3100));
  };
  for (let offset = 0; offset < 3; offset++) accept(offset);
  // WeakRef targets stay alive until the job that created them is over
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.deepEqual(
    parsed.map((ref) => ref.deref() === undefined),
    [true, true, true, true, true, true],
  );
  const row = held[0].kind === 'write' ? held[0].row : undefined;
  assert.ok(row?.vector instanceof Float32Array && row.vector.length === 768, 'the row still holds the vector');
});
