/**
 * Kafka client comparison (docs/benchmark.md): produces one topic of `--records` benchmark records
 * (bench/dataset.ts: 768-dim vectors as JSON text, ~6 KB each) unless `--topic` names one already made,
 * then runs `consume.ts` for every client, `--rounds` times, in a rotated order each round (A/B
 * alternation on a shared machine), and prints each run and the medians with ratios to kafkajs.
 *
 *   node --import tsx bench/clients/compare.ts --records 100000 --rounds 3
 *   node --import tsx bench/clients/compare.ts --clients kafkajs,platformatic --topic kclient-… --consumers 4
 *
 * `confluent` / `confluent-native` run only when @confluentinc/kafka-javascript is installed (see the docs).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTopic, kafkaClient, produceRange } from '../dataset.js';
import { percentile } from '../stats.js';
import { CLIENTS, type ClientName, CONFLUENT_PACKAGE, confluentInstalled } from './clients.js';
import type { ConsumeResult } from './consume.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '768' },
    partitions: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    topic: { type: 'string' },
    clients: { type: 'string', default: CLIENTS.join(',') },
    bootstrap: { type: 'string', default: process.env.KAFKA_BOOTSTRAP },
    /** members of the one group in each measured process */
    consumers: { type: 'string', default: '1' },
  },
});
const bootstrap = values.bootstrap;
if (!bootstrap) throw new Error('set KAFKA_BOOTSTRAP or pass --bootstrap');
const records = Number(values.records);
const rounds = Number(values.rounds);
let clients = values.clients.split(',').map((c) => c.trim()) as ClientName[];
for (const c of clients) if (!CLIENTS.includes(c)) throw new Error(`unknown client ${c}`);
if (clients.some((c) => c.startsWith('confluent')) && !(await confluentInstalled())) {
  process.stderr.write(`${CONFLUENT_PACKAGE} is not installed: skipping confluent and confluent-native\n`);
  clients = clients.filter((c) => !c.startsWith('confluent'));
}

let topic = values.topic;
if (topic === undefined) {
  topic = `kclient-${Date.now()}`;
  const partitions = Number(values.partitions);
  const kafka = kafkaClient(bootstrap, 'kclient-bench-producer');
  await createTopic(kafka, topic, partitions);
  await produceRange(kafka, topic, partitions, Number(values.dim), 0, records, `producing ${topic}`);
}
process.stderr.write(`topic ${topic}: ${records} records, clients ${clients.join(', ')}, ${rounds} rounds\n`);

const consumeScript = fileURLToPath(new URL('./consume.ts', import.meta.url));
const results = new Map<ClientName, ConsumeResult[]>(clients.map((c) => [c, []]));
for (let round = 0; round < rounds; round++) {
  const order = clients.map((_, i) => clients[(i + round) % clients.length]);
  for (const client of order) {
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        consumeScript,
        '--client',
        client,
        '--topic',
        topic,
        '--records',
        String(records),
        '--bootstrap',
        bootstrap,
        '--consumers',
        values.consumers,
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    if (run.status !== 0 || !line.startsWith('{')) throw new Error(`${client} failed (exit ${run.status}): ${line}`);
    const result = JSON.parse(line) as ConsumeResult;
    results.get(client)?.push(result);
    process.stderr.write(
      `round ${round + 1} ${client.padEnd(16)} from start(): ${result.totalCpuMsPer1000.toFixed(1)} ms CPU/1,000, ${Math.round(result.totalRecordsPerSecond)} rec/s; ` +
        `from first batch: ${result.cpuMsPer1000.toFixed(1)} ms CPU/1,000 (user ${result.cpuUserMs.toFixed(0)}, sys ${result.cpuSysMs.toFixed(0)}), ` +
        `${Math.round(result.recordsPerSecond)} rec/s; peak RSS ${result.peakRssMiB.toFixed(0)} MiB; first batch after ${Math.round(result.startMs)} ms; ${result.bytes} bytes\n`,
    );
  }
}

const median = (xs: number[]): number => percentile(xs, 50);
const base = results.get('kafkajs');
const baseCpu = base ? median(base.map((r) => r.totalCpuMsPer1000)) : Number.NaN;
const baseRate = base ? median(base.map((r) => r.totalRecordsPerSecond)) : Number.NaN;
process.stdout.write(`\nmedians of ${rounds} alternated runs, ${records} records of topic ${topic}, ${values.consumers} consumer(s) in the group\n`);
process.stdout.write('CPU and records/s from start() (connect + join + consume); "first batch on" excludes what came before the first delivery\n');
process.stdout.write(
  '| client | CPU ms / 1,000 records | vs kafkajs | records/s | vs kafkajs | first batch on: CPU ms / 1,000, records/s | peak RSS MiB | runs (CPU ms / 1,000) |\n',
);
process.stdout.write('|---|---|---|---|---|---|---|---|\n');
for (const [client, runs] of results) {
  const cpu = median(runs.map((r) => r.totalCpuMsPer1000));
  const rate = median(runs.map((r) => r.totalRecordsPerSecond));
  const firstCpu = median(runs.map((r) => r.cpuMsPer1000));
  const firstRate = median(runs.map((r) => r.recordsPerSecond));
  const rss = median(runs.map((r) => r.peakRssMiB));
  const row = [
    client,
    cpu.toFixed(1),
    (cpu / baseCpu).toFixed(2),
    Math.round(rate),
    (rate / baseRate).toFixed(2),
    `${firstCpu.toFixed(1)}, ${Math.round(firstRate)}`,
    rss.toFixed(0),
    runs.map((r) => r.totalCpuMsPer1000.toFixed(1)).join(', '),
  ];
  process.stdout.write(`| ${row.join(' | ')} |\n`);
}
