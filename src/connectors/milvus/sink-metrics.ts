/**
 * Per-connector counters of the Milvus sink. Every task of a connector adds to the same instance, so a
 * metrics endpoint can later read one object per connector without knowing about tasks. Rows and
 * requests are counted per collection (collection(name), since a connector may route topics to several);
 * the connector's snapshot is its own counts plus those of every collection.
 * Counters only grow; a reader computes rates from two snapshots.
 */
export interface MilvusSinkMetricsSnapshot {
  /** rows Milvus acknowledged through insert or upsert */
  readonly recordsWritten: number;
  /** primary keys Milvus acknowledged through delete (tombstones with `delete.enabled=true`) */
  readonly recordsDeleted: number;
  /** tombstones ignored because `delete.enabled=false` */
  readonly recordsSkipped: number;
  /** records whose row was replaced by a later record with the same primary key in the same batch */
  readonly recordsSuperseded: number;
  /** records handed to the errant-record reporter (mapping failures and rows Milvus rejected) */
  readonly recordsDeadLettered: number;
  /** requests re-sent after a retriable failure */
  readonly retries: number;
  /** insert/upsert/delete requests Milvus acknowledged */
  readonly requests: number;
  /** requests that failed for good (not counting retried attempts that later succeeded) */
  readonly failedRequests: number;
  /** tasks started while Milvus did not answer, waiting for it now (a gauge) */
  readonly tasksWaitingForMilvus: number;
  /** attempts to reach a Milvus that did not answer at task start */
  readonly milvusConnectAttempts: number;
  readonly batchLatencyMs: { readonly count: number; readonly sum: number; readonly max: number };
  /** Milvus status codes (or gRPC status names) seen in failures, with how often */
  readonly errorCodes: Readonly<Record<string, number>>;
  /** the same counters per collection (tasksWaitingForMilvus and milvusConnectAttempts stay at 0 there) */
  readonly byCollection: Readonly<Record<string, MilvusSinkMetricsSnapshot>>;
}

export class MilvusSinkMetrics {
  recordsWritten = 0;
  recordsDeleted = 0;
  recordsSkipped = 0;
  recordsSuperseded = 0;
  recordsDeadLettered = 0;
  retries = 0;
  requests = 0;
  failedRequests = 0;
  tasksWaitingForMilvus = 0;
  milvusConnectAttempts = 0;
  readonly #latency = { count: 0, sum: 0, max: 0 };
  readonly #errorCodes = new Map<string, number>();
  readonly #collections = new Map<string, MilvusSinkMetrics>();

  /** The counters of one collection, created on first use; what they count adds to this snapshot too. */
  collection(name: string): MilvusSinkMetrics {
    let metrics = this.#collections.get(name);
    if (!metrics) {
      metrics = new MilvusSinkMetrics();
      this.#collections.set(name, metrics);
    }
    return metrics;
  }

  recordBatchLatency(ms: number): void {
    this.#latency.count += 1;
    this.#latency.sum += ms;
    if (ms > this.#latency.max) this.#latency.max = ms;
  }

  recordErrorCode(code: string): void {
    this.#errorCodes.set(code, (this.#errorCodes.get(code) ?? 0) + 1);
  }

  snapshot(): MilvusSinkMetricsSnapshot {
    const byCollection = Object.fromEntries([...this.#collections].map(([name, m]) => [name, m.snapshot()]));
    const parts = [this.#own(), ...Object.values(byCollection)];
    const sum = (pick: (m: MilvusSinkMetricsSnapshot) => number) => parts.reduce((n, m) => n + pick(m), 0);
    const errorCodes: Record<string, number> = {};
    for (const part of parts) for (const [code, n] of Object.entries(part.errorCodes)) errorCodes[code] = (errorCodes[code] ?? 0) + n;
    return {
      recordsWritten: sum((m) => m.recordsWritten),
      recordsDeleted: sum((m) => m.recordsDeleted),
      recordsSkipped: sum((m) => m.recordsSkipped),
      recordsSuperseded: sum((m) => m.recordsSuperseded),
      recordsDeadLettered: sum((m) => m.recordsDeadLettered),
      retries: sum((m) => m.retries),
      requests: sum((m) => m.requests),
      failedRequests: sum((m) => m.failedRequests),
      tasksWaitingForMilvus: sum((m) => m.tasksWaitingForMilvus),
      milvusConnectAttempts: sum((m) => m.milvusConnectAttempts),
      batchLatencyMs: {
        count: sum((m) => m.batchLatencyMs.count),
        sum: sum((m) => m.batchLatencyMs.sum),
        max: Math.max(...parts.map((m) => m.batchLatencyMs.max)),
      },
      errorCodes,
      byCollection,
    };
  }

  /** What was counted on this object itself, without its collections. */
  #own(): MilvusSinkMetricsSnapshot {
    return {
      recordsWritten: this.recordsWritten,
      recordsDeleted: this.recordsDeleted,
      recordsSkipped: this.recordsSkipped,
      recordsSuperseded: this.recordsSuperseded,
      recordsDeadLettered: this.recordsDeadLettered,
      retries: this.retries,
      requests: this.requests,
      failedRequests: this.failedRequests,
      tasksWaitingForMilvus: this.tasksWaitingForMilvus,
      milvusConnectAttempts: this.milvusConnectAttempts,
      batchLatencyMs: { ...this.#latency },
      errorCodes: Object.fromEntries(this.#errorCodes),
      byCollection: {},
    };
  }
}

const registry = new Map<string, MilvusSinkMetrics>();

/** The counters of one connector, created on first use. */
export function milvusSinkMetrics(connector: string): MilvusSinkMetrics {
  let metrics = registry.get(connector);
  if (!metrics) {
    metrics = new MilvusSinkMetrics();
    registry.set(connector, metrics);
  }
  return metrics;
}

/** Snapshots of every connector that has counters, by connector name. */
export function allMilvusSinkMetrics(): Record<string, MilvusSinkMetricsSnapshot> {
  return Object.fromEntries([...registry].map(([name, m]) => [name, m.snapshot()]));
}
