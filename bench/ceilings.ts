/**
 * What Kafka and Milvus allow on this machine, measured in the same run on the same data:
 *  - Milvus: the rows the sink would write (ids 0..N, same vectors), upserted (inserted when the
 *    connector's milvus.write.mode is insert) straight from the process with the SDK, one client per
 *    task and `inFlight` requests per client of `batchRows` rows, timed like the service (until a
 *    Strong-consistency count shows every row). Requests are built
 *    column by column and encoded the way the sink encodes them, then sent over the SDK's own channel
 *    pool: the SDK's row-to-column conversion and vector serialization cost ~0.3 s of client CPU per
 *    1,000 768-dim rows, which would make this loop, not Milvus, the bottleneck.
 *  - Kafka: the same topic consumed by `tasks` kafkajs consumers in one group with the service's fetch
 *    settings, writing nothing; timed until every record was handed over.
 * Each also reports the CPU its client side cost per 1,000 records (this process, every thread): what
 * kafkajs alone and the Milvus SDK's transport alone cost for the data the service moves, in the same
 * run. The service's CPU figure holds both plus its own work (parsing, converting, batching).
 */
import type { Kafka } from 'kafkajs';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { FastWrite } from '../src/connectors/milvus/client/fast-write.js';
import { rowFor } from './dataset.js';
import { createBenchCollection, dropCollection, openMilvus, waitForCount } from './milvus.js';
import { progress } from './progress.js';
import { cpuMsPer1000 } from './stats.js';

export interface CeilingResult {
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /**
   * CPU seconds of this process while the client did the work: consuming for Kafka; building, encoding
   * and sending the requests for Milvus (generating the rows and waiting for the count excluded).
   */
  readonly clientCpuSeconds: number;
  readonly clientCpuMsPer1000: number;
}

/** A ceiling run's figures from what it measured: records, wall seconds and its client's CPU seconds. */
export function ceilingResult(records: number, seconds: number, clientCpuSeconds: number): CeilingResult {
  return { records, seconds, recordsPerSecond: records / seconds, clientCpuSeconds, clientCpuMsPer1000: cpuMsPer1000(clientCpuSeconds, records) };
}

/** CPU seconds of this process (every thread) since `since`. */
function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

export interface MilvusCeilingOptions {
  readonly milvusAddress: string;
  readonly collection: string;
  /** ids [from, to) of the data set */
  readonly from: number;
  readonly to: number;
  readonly dim: number;
  readonly partitions: number;
  readonly tasks: number;
  readonly batchRows: number;
  readonly inFlight: number;
  /** what the sink sends for this collection (autoID=false): Upsert, or Insert under milvus.write.mode=insert */
  readonly method: 'Upsert' | 'Insert';
  readonly countIntervalMs: number;
  /** the first part creates the collection and keeps it; the last part drops it */
  readonly part: 'first' | 'last' | 'only';
  /** keep the collection after the last part too (the steady ceiling writes on into it; the caller drops it) */
  readonly keep?: boolean;
}

/** Ids in [from, to) of partition p in order (record i went to partition i % P), cut into batches of `size`. */
function* partitionBatches(p: number, partitions: number, from: number, to: number, size: number): Generator<number[]> {
  let batch: number[] = [];
  for (let id = from + ((p - (from % partitions) + partitions) % partitions); id < to; id += partitions) {
    batch.push(id);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The bench collection as the ceilings write to it: rows of the data set by id, through the sink's own write door. */
export class CeilingTarget {
  private constructor(
    private readonly dim: number,
    private readonly mode: 'upsert' | 'insert',
    private readonly writes: FastWrite,
  ) {}

  /** CPU seconds spent generating rows, which the sink never does: the caller subtracts it. */
  generationCpuSeconds = 0;

  static async describe(admin: MilvusClient, collection: string, dim: number, method: 'Upsert' | 'Insert'): Promise<CeilingTarget> {
    const described = await admin.describeCollection({ collection_name: collection });
    // a missing piece of the fast path is fatal below, not a warning: the ceiling would measure the SDK's path instead
    const writes = new FastWrite({ collection, timeoutMs: 60_000, logger: { warn: (_context, message) => console.warn(message) } });
    writes.useSchema(described);
    return new CeilingTarget(dim, method === 'Insert' ? 'insert' : 'upsert', writes);
  }

  /** Writes the rows of `ids`; resolves once Milvus acknowledged them. */
  async write(client: MilvusClient, ids: readonly number[]): Promise<void> {
    const generating = process.cpuUsage();
    const rows = ids.map((id) => ({ ...rowFor(id, this.dim) }));
    this.generationCpuSeconds += cpuSecondsSince(generating);
    const result = await this.writes.write(client, this.mode, rows);
    if (this.writes.sent.sdk > 0) throw new Error("the bench collection no longer takes the sink's fast write path (see the warning above)");
    if (result.status.error_code !== 'Success') throw new Error(`ceiling ${this.mode} failed: ${result.status.reason}`);
  }
}

export async function milvusCeiling(o: MilvusCeilingOptions): Promise<CeilingResult> {
  const admin = await openMilvus(o.milvusAddress);
  const clients: MilvusClient[] = [];
  try {
    if (o.part !== 'last') await createBenchCollection(admin, o.collection, o.dim);
    const target = await CeilingTarget.describe(admin, o.collection, o.dim, o.method);
    for (let t = 0; t < o.tasks; t++) clients.push(await openMilvus(o.milvusAddress));
    const records = o.to - o.from;
    const shown = progress(`Milvus ceiling ${o.dim}-dim, ids ${o.from}..${o.to - 1}`, records, 'rows');
    let acked = 0;
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    // partitions are spread over tasks like Kafka's range assignor does: task t owns p ≡ t (mod tasks)
    const work = clients.map(async (client, t) => {
      const batches: Generator<number[]>[] = [];
      for (let p = t; p < o.partitions; p += o.tasks) batches.push(partitionBatches(p, o.partitions, o.from, o.to, o.batchRows));
      const take = (): number[] | undefined => {
        while (batches.length > 0) {
          const next = batches[0].next();
          if (!next.done) return next.value;
          batches.shift();
        }
        return undefined;
      };
      const slot = async (): Promise<void> => {
        for (let ids = take(); ids !== undefined; ids = take()) {
          await target.write(client, ids);
          acked += ids.length;
          shown.update(acked);
        }
      };
      await Promise.all(Array.from({ length: o.inFlight }, slot));
    });
    await Promise.all(work);
    const clientCpuSeconds = cpuSecondsSince(cpuAtStart) - target.generationCpuSeconds;
    // a later part writes into the rows of the earlier ones: the collection ends as large as the service's
    const visibleAt = await waitForCount(admin, o.collection, o.to, { intervalMs: o.countIntervalMs, timeoutMs: 600_000 });
    const seconds = (visibleAt - started) / 1000;
    shown.end(`${Math.round(records / seconds).toLocaleString('en-US')} rows/s`);
    return ceilingResult(records, seconds, clientCpuSeconds);
  } finally {
    await Promise.all(clients.map((c) => c.closeConnection().catch(() => undefined)));
    if (o.part !== 'first' && !o.keep) await dropCollection(admin, o.collection).catch(() => undefined);
    await admin.closeConnection().catch(() => undefined);
  }
}

export interface KafkaCeilingOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly records: number;
  readonly tasks: number;
  readonly groupId: string;
  /** the service's consumer settings (kafkajs names) */
  readonly consumer: { maxBytes: number; maxBytesPerPartition: number; minBytes: number; maxWaitTimeInMs: number };
}

/** Two ceiling runs bracketing the service's run count as one: their rows over their time, and over their CPU. */
export function combineCeilings(parts: readonly CeilingResult[]): CeilingResult {
  const records = parts.reduce((n, p) => n + p.records, 0);
  const seconds = parts.reduce((n, p) => n + p.seconds, 0);
  const clientCpuSeconds = parts.reduce((n, p) => n + p.clientCpuSeconds, 0);
  return ceilingResult(records, seconds, clientCpuSeconds);
}

export async function kafkaCeiling(o: KafkaCeilingOptions): Promise<CeilingResult> {
  const consumers = Array.from({ length: o.tasks }, () =>
    o.kafka.consumer({ groupId: o.groupId, sessionTimeout: 45_000, heartbeatInterval: 3_000, ...o.consumer }),
  );
  const shown = progress(`Kafka ceiling (${o.topic})`, o.records, 'records');
  let seen = 0;
  let resolveDone!: (at: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  try {
    await Promise.all(
      consumers.map(async (consumer) => {
        await consumer.connect();
        await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch }) => {
            seen += batch.messages.length;
            shown.update(seen);
            if (seen >= o.records) resolveDone(performance.now());
          },
        });
      }),
    );
    const at = await withTimeout(done, 600_000, `Kafka ceiling: ${seen} of ${o.records} records after 600 s`);
    const clientCpuSeconds = cpuSecondsSince(cpuAtStart);
    const seconds = (at - started) / 1000;
    shown.end(`${Math.round(o.records / seconds).toLocaleString('en-US')} records/s`);
    return ceilingResult(o.records, seconds, clientCpuSeconds);
  } finally {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
