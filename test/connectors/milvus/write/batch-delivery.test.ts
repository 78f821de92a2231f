import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batch, type PkValue, type Row, type SinkOp } from '../../../../src/connectors/milvus/write/sink-op-batch.js';
import { BatchDelivery, type Outcome, type RowSink } from '../../../../src/connectors/milvus/write/batch-delivery.js';
import { FailureKind, MilvusRequestError } from '../../../../src/connectors/milvus/write/milvus-errors.js';
import { MilvusSinkMetrics } from '../../../../src/connectors/milvus/sink-metrics.js';
import { ConnectError, DataError } from '../../../../src/plugin/index.js';
import { COLLECTION, deleteOp, silentLogger, writeOp } from '../fixtures.js';

/** Milvus stand-in: rejects any write request holding a row with `bad: true`, like a wrong dimension does. */
class FakeSink implements RowSink {
  readonly requests: { kind: string; size: number }[] = [];
  readonly written: Row[] = [];
  readonly deleted: PkValue[] = [];
  failures: MilvusRequestError[] = [];
  errIndex: number[] | undefined;
  refreshes = 0;

  async write(rows: Row[]): Promise<number[]> {
    this.requests.push({ kind: 'write', size: rows.length });
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (rows.some((r) => r.bad === true)) {
      throw new MilvusRequestError('Milvus upsert failed (code 1100): invalid parameter', FailureKind.DATA, '1100');
    }
    if (this.errIndex) {
      const failed = this.errIndex;
      this.errIndex = undefined;
      this.written.push(...rows.filter((_, i) => !failed.includes(i)));
      return failed;
    }
    this.written.push(...rows);
    return [];
  }

  async delete(pks: PkValue[]): Promise<void> {
    this.requests.push({ kind: 'delete', size: pks.length });
    this.deleted.push(...pks);
  }

  async refreshSchema(): Promise<void> {
    this.refreshes += 1;
  }
}

function setup(sink = new FakeSink(), report?: (error: Error) => Promise<void>) {
  const finished: [number, Outcome][] = [];
  const errant: { offset: number; error: Error }[] = [];
  const retryEvents: string[] = [];
  const metrics = new MilvusSinkMetrics();
  const writer = new BatchDelivery({
    sink,
    retry: { initialDelayMs: 1, maxDelayMs: 5, timeoutMs: -1, maxRetries: 5 },
    hooks: {
      onRetryStart: () => retryEvents.push('start'),
      onRetryEnd: () => retryEvents.push('end'),
      onRetry: () => {
        metrics.retries += 1;
      },
      stopped: new Promise(() => {}),
    },
    report: async (record, error) => {
      await report?.(error);
      errant.push({ offset: record.kafkaOffset, error });
    },
    finished: (op: SinkOp, outcome) => finished.push([op.record.kafkaOffset, outcome]),
    metrics,
    logger: silentLogger,
  });
  return { sink, writer, finished, errant, retryEvents, metrics };
}

function batchOf(ops: SinkOp[], mixedKinds = true): Batch {
  const batch = new Batch(1, COLLECTION, mixedKinds);
  for (const op of ops) batch.add(op);
  return batch;
}

test('writes and deletes of a batch reach Milvus and every record finishes', async () => {
  const { sink, writer, finished, metrics } = setup();
  await writer.execute(batchOf([writeOp(0, 'a', { v: 1 }), writeOp(1, 'b'), writeOp(2, 'a', { v: 2 }), deleteOp(3, 'c')]));
  assert.deepEqual(
    sink.written.map((r) => [r.id, r.v]),
    [
      ['a', 2],
      ['b', undefined],
    ],
  );
  assert.deepEqual(sink.deleted, ['c']);
  assert.deepEqual(finished.sort(), [
    [0, 'superseded'],
    [1, 'written'],
    [2, 'written'],
    [3, 'deleted'],
  ]);
  assert.equal(metrics.recordsWritten, 2);
  assert.equal(metrics.recordsDeleted, 1);
  assert.equal(metrics.recordsSuperseded, 1);
});

test('a bad row is isolated by splitting the request; the other rows are written', async () => {
  const { sink, writer, finished, errant, metrics } = setup();
  const ops = Array.from({ length: 8 }, (_, i) => writeOp(i, `k${i}`, i === 5 ? { bad: true } : {}));
  await writer.execute(batchOf(ops));
  assert.deepEqual(
    errant.map((e) => e.offset),
    [5],
  );
  assert.ok(errant[0].error instanceof DataError);
  assert.match(errant[0].error.message, /record at t\[0\]@5: .*invalid parameter/);
  assert.deepEqual(sink.written.map((r) => r.id).sort(), ['k0', 'k1', 'k2', 'k3', 'k4', 'k6', 'k7']);
  assert.equal(finished.length, 8);
  assert.equal(metrics.recordsDeadLettered, 1);
  assert.ok(sink.requests.length <= 1 + 2 * Math.log2(8), `bisect used ${sink.requests.length} requests`);
});

test('when the newest version of a key is bad, the version before it is written instead', async () => {
  const { sink, writer, finished, errant } = setup();
  await writer.execute(batchOf([writeOp(0, 'a', { v: 1 }), writeOp(1, 'a', { v: 2, bad: true })]));
  assert.deepEqual(
    errant.map((e) => e.offset),
    [1],
  );
  assert.deepEqual(
    sink.written.map((r) => r.v),
    [1],
  );
  assert.deepEqual(finished.sort(), [
    [0, 'written'],
    [1, 'errant'],
  ]);
});

test('retriable failures are retried with backoff and pause consumption once', async () => {
  const sink = new FakeSink();
  sink.failures = [new MilvusRequestError('rate limit exceeded', FailureKind.RETRIABLE, '8'), new MilvusRequestError('queue full', FailureKind.RETRIABLE, '4')];
  const { writer, retryEvents, metrics } = setup(sink);
  await writer.execute(batchOf([writeOp(0, 'a')]));
  assert.equal(sink.written.length, 1);
  assert.deepEqual(retryEvents, ['start', 'end']);
  assert.equal(metrics.retries, 2);
});

test('a schema mismatch refreshes the schema before retrying', async () => {
  const sink = new FakeSink();
  sink.failures = [new MilvusRequestError('schema mismatch', FailureKind.SCHEMA, 'SchemaMismatch')];
  const { writer } = setup(sink);
  await writer.execute(batchOf([writeOp(0, 'a')]));
  assert.equal(sink.refreshes, 1);
  assert.equal(sink.written.length, 1);
});

test('a request still failing after max.retries fails the batch with the last Milvus error', async () => {
  const sink = new FakeSink();
  sink.failures = Array.from({ length: 10 }, () => new MilvusRequestError('Milvus upsert failed (code 8): rate limit exceeded', FailureKind.RETRIABLE, '8'));
  const { writer, retryEvents, finished } = setup(sink);
  await assert.rejects(writer.execute(batchOf([writeOp(0, 'a')])), (e: Error) => {
    assert.ok(e instanceof ConnectError);
    assert.match(e.message, /rate limit exceeded \(still failing after 6 attempt/);
    return true;
  });
  assert.deepEqual(retryEvents, ['start', 'end']);
  assert.equal(finished.length, 0);
});

test('an error that is neither transient nor about the data fails the batch without splitting it', async () => {
  const sink = new FakeSink();
  sink.failures = [new MilvusRequestError('collection not found', FailureKind.FATAL, '100')];
  const { writer, errant } = setup(sink);
  await assert.rejects(writer.execute(batchOf([writeOp(0, 'a'), writeOp(1, 'b')])), /collection not found/);
  assert.equal(sink.requests.length, 1);
  assert.equal(errant.length, 0);
});

test('when the errant-record reporter rejects (errors.tolerance=none) the batch fails naming the record', async () => {
  const { writer } = setup(new FakeSink(), async () => {
    throw new Error('Tolerance exceeded in error handler');
  });
  await assert.rejects(writer.execute(batchOf([writeOp(0, 'a'), writeOp(7, 'b', { bad: true })])), (e: Error) => {
    assert.ok(e instanceof ConnectError);
    assert.match(e.message, /t\[0\]@7/);
    assert.match(String((e.cause as Error).message), /Tolerance exceeded/);
    return true;
  });
});

test('rows Milvus lists in err_index are sent again, the others count as written', async () => {
  const sink = new FakeSink();
  sink.errIndex = [1];
  const { writer, finished } = setup(sink);
  await writer.execute(batchOf([writeOp(0, 'a'), writeOp(1, 'b'), writeOp(2, 'c')]));
  assert.deepEqual(
    sink.requests.map((r) => r.size),
    [3, 1],
  );
  assert.deepEqual(sink.written.map((r) => r.id).sort(), ['a', 'b', 'c']);
  assert.equal(finished.length, 3);
});
