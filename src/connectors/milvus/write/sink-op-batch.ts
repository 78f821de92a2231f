import type { SinkRecord } from '../../../plugin/index.js';

/** A Milvus row as the SDK takes it: field name → value. */
export type Row = Record<string, unknown>;

/** A primary-key value as the SDK and delete expressions take it (Int64 as a decimal string when large). */
export type PkValue = string | number;

/** One record turned into one Milvus operation on the collection its topic routes to. */
export type SinkOp =
  | {
      readonly kind: 'write';
      readonly collection: string;
      /** without key and value (reportableRecord) */
      readonly record: SinkRecord;
      readonly row: Row;
      /** normalised primary key, undefined when Milvus assigns it (autoID insert) */
      readonly pk: string | undefined;
      readonly bytes: number;
    }
  | {
      readonly kind: 'delete';
      readonly collection: string;
      readonly record: SinkRecord;
      readonly pk: string;
      readonly pkValue: PkValue;
      readonly bytes: number;
    };

/**
 * The record as an operation keeps it: its coordinates, timestamp, headers and raw bytes, which is all
 * that naming it in errors, finishing its offset and reporting it to the dead-letter queue need. The
 * converted key and value are dropped so that a parsed value (for an embedding, thousands of doubles)
 * can be collected as soon as the row exists, instead of living as long as the operation waits in a
 * batch or in flight.
 */
export function reportableRecord(record: SinkRecord): SinkRecord {
  return { ...record, keySchema: null, key: null, valueSchema: null, value: null };
}

export function writeOp(collection: string, record: SinkRecord, row: Row, pk: string | undefined, bytes: number): SinkOp {
  return { kind: 'write', collection, record: reportableRecord(record), row, pk, bytes };
}

/** The key was read into `pkValue` already; the record keeps only what reporting needs. */
export function deleteOp(collection: string, record: SinkRecord, pkValue: PkValue, bytes: number): SinkOp {
  return { kind: 'delete', collection, record: reportableRecord(record), pk: String(pkValue), pkValue, bytes };
}

/**
 * All operations a batch holds for one primary key, oldest first. Only the newest is sent; the older
 * ones are kept because their offsets finish with it, and as a fallback: when Milvus rejects the newest
 * version as bad data, the one before it is what the key should hold (as if the bad record never came).
 */
export interface BatchEntry {
  readonly pk: string | undefined;
  readonly ops: SinkOp[];
}

export function lastOp(entry: BatchEntry): SinkOp {
  return entry.ops[entry.ops.length - 1];
}

/**
 * Operations sent together, all to one collection (one request names one collection). Within a batch each primary key appears once (the last operation wins),
 * which avoids Milvus 2.6's "duplicate primary keys in the same batch" error and 2.5's duplicate rows.
 */
export class Batch {
  readonly entries: BatchEntry[] = [];
  readonly #byPk = new Map<string, BatchEntry>();
  /** operations (records) held, including superseded ones */
  records = 0;
  /** estimated request size of the operations that will be sent */
  bytes = 0;

  constructor(
    readonly id: number,
    /** the collection every operation of the batch goes to */
    readonly collection: string,
    /** upsert mode: a write and a delete of the same key may share a batch (the last one wins) */
    readonly mixedKinds: boolean,
  ) {}

  get rows(): number {
    return this.entries.length;
  }

  hasPk(pk: string): boolean {
    return this.#byPk.has(pk);
  }

  /**
   * False when the operation must go into a later batch instead: in insert mode a delete and an insert
   * of the same key cannot be merged (insert does not replace, so the order of the two requests matters).
   */
  accepts(op: SinkOp): boolean {
    if (op.collection !== this.collection) return false;
    if (op.pk === undefined || this.mixedKinds) return true;
    const entry = this.#byPk.get(op.pk);
    return entry === undefined || lastOp(entry).kind === op.kind;
  }

  add(op: SinkOp): void {
    this.records += 1;
    const existing = op.pk === undefined ? undefined : this.#byPk.get(op.pk);
    if (existing) {
      this.bytes += op.bytes - lastOp(existing).bytes;
      existing.ops.push(op);
      return;
    }
    const entry: BatchEntry = { pk: op.pk, ops: [op] };
    this.entries.push(entry);
    if (op.pk !== undefined) this.#byPk.set(op.pk, entry);
    this.bytes += op.bytes;
  }

  /** Added size if `op` joined this batch (a key already present replaces its row). */
  growthIf(op: SinkOp): { rows: number; bytes: number } {
    const existing = op.pk === undefined ? undefined : this.#byPk.get(op.pk);
    return existing ? { rows: 0, bytes: op.bytes - lastOp(existing).bytes } : { rows: 1, bytes: op.bytes };
  }
}

/**
 * True when two batches share a primary key, so the later one must wait for the earlier one. Keys of
 * different collections are different rows, so batches of different collections never wait on each other.
 */
export function sharesPk(a: Batch, b: Batch): boolean {
  if (a.collection !== b.collection) return false;
  const [small, large] = a.rows <= b.rows ? [a, b] : [b, a];
  for (const entry of small.entries) if (entry.pk !== undefined && large.hasPk(entry.pk)) return true;
  return false;
}
