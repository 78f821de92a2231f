/**
 * Steady latency: a producer paced at a fixed rate (half the measured backfill rate) for a while, and
 * the produce→visible latency of sampled records: from just before the producer sent the record's
 * request until a Strong-consistency query that returned the record came back (an upper bound: the
 * row was visible at the latest when that query answered, and the poller queries back to back).
 */
import type { Kafka } from 'kafkajs';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { encodeRow, openProducer, recordsPerRequest, rowFor } from './dataset.js';
import { visibleIds } from './milvus.js';
import { cpuSeconds } from './process-stats.js';
import { progress, say } from './progress.js';
import type { ProbeSnapshot, Service } from './service.js';
import { cpuMsPer1000, sleep, summarise, type Summary } from './stats.js';

export interface SteadyOptions {
  readonly kafka: Kafka;
  readonly milvus: MilvusClient;
  readonly service: Service;
  readonly connector: string;
  readonly topic: string;
  readonly collection: string;
  readonly partitions: number;
  readonly dim: number;
  /** first id to produce (after the backfill's) */
  readonly firstId: number;
  readonly ratePerSecond: number;
  readonly seconds: number;
}

export interface SteadyResult {
  readonly targetRate: number;
  readonly producedRate: number;
  readonly records: number;
  readonly latencyMs: Summary;
  /** samples never seen within the grace period after producing stopped */
  readonly missing: number;
  readonly cpuMsPer1000: number;
  readonly probe: ProbeSnapshot;
  /** the sink's requests during the phase (its own metrics), to compare with the steady ceiling's */
  readonly requests: number;
  readonly rowsPerRequest: number;
  /** mean time from a batch's dispatch to its acknowledgement */
  readonly meanRequestMs: number;
  /** cores the broker and Milvus Lite used during the phase (set by the harness) */
  readonly stackCpuCores?: number;
}

const TICK_MS = 50;
const GRACE_MS = 30_000;

export async function steady(o: SteadyOptions): Promise<SteadyResult> {
  const producer = await openProducer(o.kafka);
  const pending = new Map<number, number>(); // sampled id → send time
  const latencies: number[] = [];
  let producing = true;
  let produced = 0;
  let queryErrors = 0;
  const shown = progress(`steady ${o.ratePerSecond} rec/s`, Math.round(o.ratePerSecond * o.seconds), 'records');

  const poll = async (): Promise<void> => {
    while (producing || pending.size > 0) {
      if (pending.size === 0) {
        await sleep(5);
        continue;
      }
      const ids = [...pending.keys()];
      let seen: Set<number>;
      try {
        seen = await visibleIds(o.milvus, o.collection, ids);
      } catch (error) {
        // a failed query only delays the samples' answer (their latency grows): say so, go on
        queryErrors += 1;
        if (queryErrors <= 3) say(`steady: a visibility query failed (${(error as Error).message}); retrying`);
        if (!producing && performance.now() - stoppedAt > GRACE_MS) return;
        await sleep(50);
        continue;
      }
      const answeredAt = performance.now();
      for (const id of seen) {
        latencies.push(answeredAt - pending.get(id)!);
        pending.delete(id);
      }
      if (!producing && answeredAt - stoppedAt > GRACE_MS) return;
    }
  };

  await o.service.probe();
  const countersBefore = await o.service.sinkCounters(o.connector);
  const cpuBefore = cpuSeconds(o.service.pid);
  const started = performance.now();
  let stoppedAt = Number.POSITIVE_INFINITY;
  const poller = poll();
  poller.catch(() => undefined); // awaited below
  try {
    let nextId = o.firstId;
    const maxPerRequest = recordsPerRequest(o.dim, o.partitions);
    while (performance.now() - started < o.seconds * 1000) {
      // a late tick catches up, in requests small enough for the broker's record-batch limit
      const due = Math.min(maxPerRequest, Math.floor(((performance.now() - started) / 1000) * o.ratePerSecond) - produced);
      if (due > 0) {
        const messages = [];
        for (let i = 0; i < due; i++, nextId++) messages.push({ value: encodeRow(rowFor(nextId, o.dim)), partition: nextId % o.partitions });
        // one sample per request: the first record, whose wait is the longest of its request
        const sampled = nextId - due;
        const sentAt = performance.now();
        await producer.send({ topic: o.topic, acks: 1, messages });
        pending.set(sampled, sentAt);
        produced += due;
        shown.update(produced, `(p50 so far ${Math.round(summarise(latencies).p50)} ms)`);
        if (due === maxPerRequest) continue;
      }
      await sleep(TICK_MS);
    }
  } finally {
    producing = false;
    stoppedAt = performance.now();
    await producer.disconnect();
  }
  const elapsed = (stoppedAt - started) / 1000;
  await poller;
  const cpu = cpuSeconds(o.service.pid) - cpuBefore;
  const probe = await o.service.probe();
  const counters = await o.service.sinkCounters(o.connector);
  const requests = counters.requests - countersBefore.requests;
  const latencyMs = summarise(latencies);
  shown.end(`p50 ${Math.round(latencyMs.p50)} ms, p99 ${Math.round(latencyMs.p99)} ms, max ${Math.round(latencyMs.max)} ms over ${latencies.length} samples`);
  return {
    targetRate: o.ratePerSecond,
    producedRate: produced / elapsed,
    records: produced,
    latencyMs,
    missing: pending.size,
    cpuMsPer1000: cpuMsPer1000(cpu, produced),
    probe,
    requests,
    rowsPerRequest: (counters.rows - countersBefore.rows) / requests,
    meanRequestMs: ((counters.batchSeconds - countersBefore.batchSeconds) * 1000) / requests,
  };
}
