import { ConnectError, DataError, type PluginLogger, type SinkRecord } from '../../../plugin/index.js';
import { lastOp, type Batch, type BatchEntry, type PkValue, type Row, type SinkOp } from './sink-op-batch.js';
import { FailureKind, MilvusRequestError } from './milvus-errors.js';
import { withRetry, type RetryHooks, type RetryOptions } from './retry-policy.js';
import { recordCoordinates } from '../rows/record-to-row.js';
import type { MilvusSinkMetrics } from '../sink-metrics.js';

/** The Milvus calls a batch needs (MilvusCollection in production, a fake in unit tests). */
export interface RowSink {
  /** insert or upsert, by the task's write mode; resolves to the indexes Milvus reported in `err_index` */
  write(rows: Row[]): Promise<number[]>;
  delete(pks: PkValue[]): Promise<void>;
  /** re-read the collection schema (after a SchemaMismatch) */
  refreshSchema(): Promise<void>;
}

export type Outcome = 'written' | 'deleted' | 'superseded' | 'errant';

export interface BatchDeliveryDeps {
  readonly sink: RowSink;
  readonly retry: RetryOptions;
  readonly hooks: Omit<RetryHooks, 'refreshSchema'>;
  /** the task context's errant-record reporter */
  readonly report: (record: SinkRecord, error: Error) => Promise<void>;
  /** called once per operation when it is durable (its offset may then be committed) */
  readonly finished: (op: SinkOp, outcome: Outcome) => void;
  readonly metrics: MilvusSinkMetrics;
  readonly logger: PluginLogger;
  readonly now?: () => number;
}

type Kind = SinkOp['kind'];

/**
 * Sends one batch: deletes and writes (disjoint keys, so their order does not matter), each retried on
 * transient failures. When Milvus rejects a request as bad data, the request is split in halves until
 * the bad rows are isolated; each bad row goes to the errant-record reporter and the rest is written.
 */
export class BatchDelivery {
  readonly #deps: BatchDeliveryDeps;
  readonly #hooks: RetryHooks;

  constructor(deps: BatchDeliveryDeps) {
    this.#deps = deps;
    this.#hooks = { ...deps.hooks, refreshSchema: () => deps.sink.refreshSchema() };
  }

  /** Resolves when every record of the batch is durable; rejects when the task must fail. */
  async execute(batch: Batch): Promise<void> {
    const now = this.#deps.now ?? Date.now;
    const started = now();
    await this.#apply(batch.entries);
    this.#deps.metrics.recordBatchLatency(now() - started);
    this.#deps.logger.debug({ batch: batch.id, rows: batch.rows, records: batch.records, ms: now() - started }, 'Batch written to Milvus');
  }

  async #apply(entries: BatchEntry[]): Promise<void> {
    const deletes = entries.filter((e) => lastOp(e).kind === 'delete');
    const writes = entries.filter((e) => lastOp(e).kind === 'write');
    if (deletes.length > 0) await this.#send('delete', deletes);
    if (writes.length > 0) await this.#send('write', writes);
  }

  async #send(kind: Kind, entries: BatchEntry[]): Promise<void> {
    const { sink, metrics } = this.#deps;
    let failed: number[];
    try {
      failed = await withRetry(this.#deps.retry, this.#hooks, () =>
        kind === 'write' ? sink.write(entries.map(rowOf)) : sink.delete(entries.map(pkValueOf)).then(() => []),
      );
    } catch (error) {
      if (error instanceof MilvusRequestError) metrics.recordErrorCode(error.code);
      if (error instanceof MilvusRequestError && (error.kind === FailureKind.DATA || error.kind === FailureKind.TOO_LARGE)) {
        await this.#isolate(kind, entries, error);
        return;
      }
      metrics.failedRequests += 1;
      throw error;
    }
    metrics.requests += 1;
    if (failed.length === 0) {
      this.#finish(entries);
      return;
    }
    // Partial success: Milvus wrote some rows and listed the others in err_index.
    const failedSet = new Set(failed);
    const bad = entries.filter((_, i) => failedSet.has(i));
    this.#finish(entries.filter((_, i) => !failedSet.has(i)));
    metrics.recordErrorCode('err_index');
    if (bad.length < entries.length) {
      await this.#send(kind, bad);
      return;
    }
    const error = new MilvusRequestError(`Milvus ${kind} reported the row as not written (err_index) without a reason`, FailureKind.DATA, 'err_index');
    await this.#isolate(kind, bad, error);
  }

  async #isolate(kind: Kind, entries: BatchEntry[], error: MilvusRequestError): Promise<void> {
    if (entries.length > 1) {
      const middle = Math.ceil(entries.length / 2);
      this.#deps.logger.debug({ rows: entries.length, code: error.code }, `Milvus rejected a ${kind} request; splitting it to isolate the bad rows`);
      await this.#send(kind, entries.slice(0, middle));
      await this.#send(kind, entries.slice(middle));
      return;
    }
    await this.#reject(entries[0], error);
  }

  /** The newest version of a key is bad: report it, then fall back to the version before it, if any. */
  async #reject(entry: BatchEntry, cause: MilvusRequestError): Promise<void> {
    const op = entry.ops.pop()!;
    const what = op.kind === 'write' ? 'row' : 'delete';
    const error = new DataError(`Milvus rejected the ${what} of the record at ${recordCoordinates(op.record)}: ${cause.message}`, { cause });
    try {
      await this.#deps.report(op.record, error);
    } catch (rejection) {
      // errors.tolerance=none (or the dead-letter queue failed): the task fails with the record named
      throw new ConnectError(error.message, { cause: rejection });
    }
    this.#deps.metrics.recordsDeadLettered += 1;
    this.#deps.finished(op, 'errant');
    if (entry.ops.length > 0) await this.#apply([entry]);
  }

  #finish(entries: BatchEntry[]): void {
    const { finished, metrics } = this.#deps;
    for (const entry of entries) {
      const last = entry.ops.length - 1;
      entry.ops.forEach((op, i) => {
        if (i < last) {
          metrics.recordsSuperseded += 1;
          finished(op, 'superseded');
        } else if (op.kind === 'write') {
          metrics.recordsWritten += 1;
          finished(op, 'written');
        } else {
          metrics.recordsDeleted += 1;
          finished(op, 'deleted');
        }
      });
    }
  }
}

function rowOf(entry: BatchEntry): Row {
  const op = lastOp(entry);
  if (op.kind !== 'write') throw new Error('not a write');
  return op.row;
}

function pkValueOf(entry: BatchEntry): PkValue {
  const op = lastOp(entry);
  if (op.kind !== 'delete') throw new Error('not a delete');
  return op.pkValue;
}
