/**
 * The benchmark's data: record `id` is `{id, title, vector}` with a vector derived from the id alone,
 * so Kafka's records and the Milvus ceiling's rows are the same data without keeping them in memory.
 * Vector components are printed as embedding APIs print them (9 decimals, ~12 characters each), so the
 * JSON parsing cost is the realistic one.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { progress } from './progress.js';
import { seededRandom } from '../scripts/lib/seeded-random.js';

export interface BenchRow {
  id: number;
  title: string;
  vector: number[];
}

export function vectorFor(id: number, dim: number): number[] {
  const next = seededRandom(Math.imul(id, 2654435761) ^ dim);
  const out = new Array<number>(dim);
  for (let i = 0; i < dim; i++) out[i] = Math.round(next() * 2e8 - 1e8) / 1e9;
  return out;
}

export function rowFor(id: number, dim: number): BenchRow {
  return { id, title: `Document ${id}: a benchmark record with a short title`, vector: vectorFor(id, dim) };
}

export function encodeRow(row: BenchRow): Buffer {
  return Buffer.from(JSON.stringify(row));
}

/** Milvus' VarChar limit for the title column. */
export const TITLE_MAX_LENGTH = 256;

export function kafkaClient(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

export async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Keeps each partition's share of one produce request under the broker's 1 MB record-batch limit. */
export function recordsPerRequest(dim: number, partitions: number): number {
  const approxBytes = 120 + dim * 13;
  return Math.max(partitions, partitions * Math.floor(800_000 / approxBytes));
}

export async function openProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

/**
 * Produces ids [from, from + count) round-robin over the partitions (record i to partition i % P), in
 * large uncompressed batches with a few requests in flight. Returns the bytes produced.
 */
export async function produceRange(kafka: Kafka, topic: string, partitions: number, dim: number, from: number, count: number, label: string): Promise<number> {
  const producer = await openProducer(kafka);
  const perRequest = recordsPerRequest(dim, partitions);
  const shown = progress(label, count, 'records');
  let next = from;
  let done = 0;
  let bytes = 0;
  const end = from + count;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const first = next;
      const last = Math.min(end, first + perRequest);
      next = last;
      const messages = [];
      for (let id = first; id < last; id++) {
        const value = encodeRow(rowFor(id, dim));
        bytes += value.length;
        messages.push({ value, partition: id % partitions });
      }
      await producer.send({ topic, acks: 1, messages });
      done += last - first;
      shown.update(done);
    }
  };
  try {
    await Promise.all([worker(), worker(), worker()]);
  } finally {
    await producer.disconnect();
  }
  shown.end(`${count.toLocaleString('en-US')} records, ${(bytes / 1048576).toFixed(0)} MiB`);
  return bytes;
}
