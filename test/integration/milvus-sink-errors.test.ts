import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { milvusSinkMetrics } from '../../src/connectors/milvus/sink-metrics.js';
import { ConnectError, DataError } from '../../src/plugin/index.js';
import { uniqueName } from '../helpers/stack.js';
import { committedOffset, createCollection, milvus, record, rows, sinkProps, startTask } from './milvus-sink-fixture.js';

const varcharKeyed = [
  { name: 'key', data_type: DataType.VarChar, is_primary_key: true, max_length: 32 },
  { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
];

// Milvus Lite 2.5.1 rejects the upsert of a VarChar primary key holding a single quote ("internal error",
// code 5, every row in err_index): a rejection the client cannot foresee, as a server-side check would be.
const REJECTED_KEY = "o'brien";

describe('rows Milvus rejects', () => {
  test('a rejected batch is split until the bad row is isolated; the bad row is errant, the rest written', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_bisect');
    await createCollection(t, client, name, varcharKeyed);
    const props = sinkProps(name, { name: uniqueName('bisect-connector') });
    const { putAndCommit, context } = await startTask(t, props);
    const keys = Array.from({ length: 16 }, (_, i) => (i === 11 ? REJECTED_KEY : `k${i}`));
    const records = keys.map((key, i) => record({ key, vector: [1, i] }, { offset: 500 + i }));
    const committed = await putAndCommit(records);
    assert.deepEqual(
      context.errant.map((e) => e.record.kafkaOffset),
      [511],
    );
    const error = context.errant[0].error;
    assert.ok(error instanceof DataError);
    assert.match(error.message, /^Milvus rejected the row of the record at vectors\[0\]@511: Milvus upsert failed \(code 5\): internal error/);
    const stored = (await rows(client, name, ['key'], 'key != ""')).map((r) => r.key).sort();
    assert.deepEqual(stored, keys.filter((k) => k !== REJECTED_KEY).sort());
    assert.equal(committedOffset(committed), 516);
    const metrics = milvusSinkMetrics(props.name).snapshot();
    assert.equal(metrics.recordsDeadLettered, 1);
    assert.equal(metrics.recordsWritten, 15);
    assert.ok(metrics.requests >= 2 && metrics.requests <= 10, `requests ${metrics.requests}`);
  });

  test('under errors.tolerance=none the task fails naming the record, and nothing past it is committed', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_bisect_none');
    await createCollection(t, client, name, varcharKeyed);
    const { task, context } = await startTask(t, sinkProps(name));
    context.tolerateNone = true;
    await task.put([record({ key: 'a', vector: [1, 1] }, { offset: 7 }), record({ key: REJECTED_KEY, vector: [1, 1] }, { offset: 8 })]);
    const current = new Map([['vectors-0', { topic: 'vectors', partition: 0, offset: 9 }]]);
    await assert.rejects(
      task.flush().then(() => task.preCommit(current)),
      (e: Error) => {
        assert.ok(e instanceof ConnectError);
        assert.match(e.message, /vectors\[0\]@8/);
        assert.match(String((e.cause as Error).message), /Tolerance exceeded/);
        return true;
      },
    );
    await assert.rejects(task.put([record({ key: 'b', vector: [1, 1] }, { offset: 9 })]), /vectors\[0\]@8/, 'the failure stays');
  });

  test('a record that cannot be mapped fails put() at once under errors.tolerance=none', async (t) => {
    const client = await milvus();
    const name = uniqueName('it_map_none');
    await createCollection(t, client, name, varcharKeyed);
    const { task, context } = await startTask(t, sinkProps(name));
    context.tolerateNone = true;
    await assert.rejects(task.put([record({ key: 'a', vector: [1, 2, 3] }, { offset: 41 })]), (e: Error) => {
      assert.match(e.message, /field "vector".*vectors\[0\]@41/);
      return true;
    });
  });
});
