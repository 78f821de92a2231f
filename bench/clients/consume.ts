/**
 * One measurement, in a process of its own: one consumer of `--client` joins a fresh group on `--topic`,
 * reads `--records` record values from the earliest offset (bytes only, as the sink's fetch path), and
 * prints one JSON line: CPU (user+sys, process.cpuUsage) and wall time from start() (connect, group join,
 * consume; module loading excluded) and from the first delivered batch, to the last record; records/s;
 * bytes read; and the process's peak RSS.
 *
 *   node --import tsx bench/clients/consume.ts --client kafkajs --topic T --records 100000
 *
 * `--consumers N` runs N members of the one group in this process (the sink runs one per task).
 * KAFKA_BOOTSTRAP (or --bootstrap) names the broker. `bench/clients/compare.ts` runs this for each client.
 */
import { parseArgs } from 'node:util';
import { CLIENTS, type ClientName, createConsumer } from './clients.js';

export interface ConsumeResult {
  readonly client: ClientName;
  readonly records: number;
  readonly bytes: number;
  /** first delivery → last record */
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSysMs: number;
  readonly cpuMsPer1000: number;
  readonly recordsPerSecond: number;
  /** start() called → first delivery (connect, join, first fetch) */
  readonly startMs: number;
  /**
   * the same from start() on (connect, join and everything up to the last record): the fair figures for a
   * client that prefetches on its own threads before its first delivery (librdkafka)
   */
  readonly totalCpuMsPer1000: number;
  readonly totalRecordsPerSecond: number;
  readonly peakRssMiB: number;
}

const { values } = parseArgs({
  options: {
    client: { type: 'string' },
    topic: { type: 'string' },
    records: { type: 'string', default: '100000' },
    bootstrap: { type: 'string', default: process.env.KAFKA_BOOTSTRAP },
    'max-poll-records': { type: 'string', default: '500' },
    'timeout-s': { type: 'string', default: '300' },
    /** members of the one group, in this process (the sink runs one per task) */
    consumers: { type: 'string', default: '1' },
  },
});
const client = values.client as ClientName;
if (!CLIENTS.includes(client) || !values.topic || !values.bootstrap) {
  process.stderr.write(`usage: consume.ts --client ${CLIENTS.join('|')} --topic T [--records N] [--bootstrap host:port]\n`);
  process.exit(2);
}
const target = Number(values.records);
const tag = `${client}-${process.pid}-${Date.now()}`;
const consumers = await Promise.all(
  Array.from({ length: Number(values.consumers) }, (_, i) =>
    createConsumer(client, {
      bootstrap: values.bootstrap as string,
      topic: values.topic as string,
      group: `kclient-bench-${tag}`,
      clientId: `kclient-bench-${tag}-${i}`,
      maxPollRecords: Number(values['max-poll-records']),
    }),
  ),
);

let records = 0;
let bytes = 0;
let firstAt = 0n;
let firstCpu: NodeJS.CpuUsage | null = null;
let finish: (() => void) | null = null;
const finished = new Promise<void>((resolve) => {
  finish = resolve;
});
const timeout = setTimeout(() => {
  process.stderr.write(`${client}: timed out after ${values['timeout-s']} s with ${records} of ${target} records\n`);
  process.exit(1);
}, Number(values['timeout-s']) * 1000);

const startCpu = process.cpuUsage();
const startedAt = process.hrtime.bigint();
const onValues = (batch: readonly (Buffer | null)[]): void => {
  if (firstCpu === null) {
    firstCpu = process.cpuUsage();
    firstAt = process.hrtime.bigint();
  }
  for (const value of batch) bytes += value?.length ?? 0;
  records += batch.length;
  if (records >= target && finish !== null) {
    const done = finish;
    finish = null;
    done();
  }
};
await Promise.all(consumers.map((consumer) => consumer.start(onValues)));
await finished;
const cpu = process.cpuUsage(firstCpu ?? undefined);
const totalCpu = process.cpuUsage(startCpu);
const endAt = process.hrtime.bigint();
clearTimeout(timeout);
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
await Promise.all(consumers.map((consumer) => consumer.stop()));

const wallMs = Number(endAt - firstAt) / 1e6;
const result: ConsumeResult = {
  client,
  records,
  bytes,
  wallMs,
  cpuUserMs: cpu.user / 1000,
  cpuSysMs: cpu.system / 1000,
  cpuMsPer1000: ((cpu.user + cpu.system) / 1000 / records) * 1000,
  recordsPerSecond: records / (wallMs / 1000),
  startMs: Number(firstAt - startedAt) / 1e6,
  totalCpuMsPer1000: ((totalCpu.user + totalCpu.system) / 1000 / records) * 1000,
  totalRecordsPerSecond: records / (Number(endAt - startedAt) / 1e9),
  peakRssMiB,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
