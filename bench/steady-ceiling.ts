/**
 * What Milvus allows at the steady phase's rate: the same rate of new rows (the ids after the backfill's,
 * same vectors) written straight from memory to a collection as large as the service's at that point,
 * by one writer per task with the sink's requests in flight each. A writer's free slot sends every row of
 * its partitions that has arrived (at most a batch), as the sink's batcher does with batch.linger.ms=0,
 * so Kafka, converters and the service are out of the picture and only Milvus' answer times remain.
 *
 * A row's latency is from the moment it was due until Milvus acknowledged its request. That is a lower
 * bound of the service's produce→visible figure, which adds the producer, the broker, the consumer's
 * fetch and the visibility query; a service figure close to it says Milvus, not the service, sets it.
 */
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { CeilingTarget } from './ceilings.js';
import { openMilvus } from './milvus.js';
import { progress } from './progress.js';
import { sleep, summarise, type Summary } from './stats.js';

export interface SteadyCeilingOptions {
  readonly milvusAddress: string;
  /** holds the backfill's rows (ids below firstId); the rows written here follow them */
  readonly collection: string;
  readonly firstId: number;
  readonly dim: number;
  readonly partitions: number;
  readonly tasks: number;
  readonly inFlight: number;
  readonly batchRows: number;
  readonly method: 'Upsert' | 'Insert';
  readonly ratePerSecond: number;
  readonly seconds: number;
}

export interface SteadyCeilingResult {
  readonly ratePerSecond: number;
  readonly writers: number;
  readonly requests: number;
  readonly rows: number;
  readonly rowsPerRequest: number;
  /** mean time from sending a request to its acknowledgement */
  readonly meanRequestMs: number;
  /** due → acknowledged, every row */
  readonly latencyMs: Summary;
  /** cores the broker and Milvus Lite used during the phase (set by the harness) */
  readonly stackCpuCores?: number;
}

const IDLE_POLL_MS = 5;

export async function milvusSteadyCeiling(o: SteadyCeilingOptions): Promise<SteadyCeilingResult> {
  const admin = await openMilvus(o.milvusAddress);
  const clients: MilvusClient[] = [];
  try {
    const target = await CeilingTarget.describe(admin, o.collection, o.dim, o.method);
    for (let t = 0; t < o.tasks; t++) clients.push(await openMilvus(o.milvusAddress));
    const shown = progress(`Milvus steady ceiling ${o.ratePerSecond} rows/s`, Math.round(o.ratePerSecond * o.seconds), 'rows');
    const latencies: number[] = [];
    let requests = 0;
    let requestMs = 0;
    const started = performance.now();
    const end = started + o.seconds * 1000;
    // the k-th row of the phase (id firstId + k) is due at started + k / rate; it goes to partition
    // id % partitions, which task (id % partitions) % tasks owns, as Kafka's range assignor spreads them
    const dueAt = (k: number) => started + (k / o.ratePerSecond) * 1000;
    const ownerOf = (k: number) => ((o.firstId + k) % o.partitions) % o.tasks;
    await Promise.all(
      clients.map(async (client, task) => {
        let next = 0; // the task's first row not yet taken by a slot
        const take = (): number[] => {
          const now = performance.now();
          const ks: number[] = [];
          for (; ks.length < o.batchRows && dueAt(next) <= now && dueAt(next) < end; next++) if (ownerOf(next) === task) ks.push(next);
          return ks;
        };
        const slot = async (): Promise<void> => {
          for (;;) {
            const ks = take();
            if (ks.length === 0) {
              // every row due before the end is written, also those still waiting when it came
              if (performance.now() >= end) return;
              await sleep(IDLE_POLL_MS);
              continue;
            }
            const sent = performance.now();
            await target.write(
              client,
              ks.map((k) => o.firstId + k),
            );
            const acknowledged = performance.now();
            requests += 1;
            requestMs += acknowledged - sent;
            for (const k of ks) latencies.push(acknowledged - dueAt(k));
            shown.update(latencies.length);
          }
        };
        await Promise.all(Array.from({ length: o.inFlight }, slot));
      }),
    );
    const latencyMs = summarise(latencies);
    shown.end(`p50 ${Math.round(latencyMs.p50)} ms, p99 ${Math.round(latencyMs.p99)} ms in ${requests} requests`);
    const rows = latencies.length;
    return {
      ratePerSecond: o.ratePerSecond,
      writers: o.tasks,
      requests,
      rows,
      rowsPerRequest: rows / requests,
      meanRequestMs: requestMs / requests,
      latencyMs,
    };
  } finally {
    await Promise.all([admin, ...clients].map((c) => c.closeConnection().catch(() => undefined)));
  }
}
