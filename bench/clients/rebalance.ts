/**
 * Group behaviour of each client (docs/benchmark.md, "Kafka client comparison"): member A joins a fresh
 * group on `--topic` and owns every partition; member B (same client, same process) joins, and the time
 * until A and B own disjoint, non-empty shares of all partitions is the join rebalance; B leaves (a clean
 * close) and the time until A owns every partition again is the leave rebalance. Rounds alternate clients.
 *
 *   node --import tsx bench/clients/rebalance.ts --topic T [--partitions 4] [--rounds 3] [--clients kafkajs,platformatic]
 *
 * Both members use the sink's group settings (session 45 s, heartbeat 3 s, rebalance timeout 300 s), so
 * a rebalance is noticed by a running member at its next heartbeat (up to 3 s) with the classic protocol.
 */
import { parseArgs } from 'node:util';
import { percentile } from '../stats.js';
import { type BenchConsumer, CLIENTS, type ClientName, CONFLUENT_PACKAGE, confluentInstalled, createConsumer } from './clients.js';

const { values } = parseArgs({
  options: {
    topic: { type: 'string' },
    partitions: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    clients: { type: 'string', default: 'kafkajs,platformatic,confluent' },
    bootstrap: { type: 'string', default: process.env.KAFKA_BOOTSTRAP },
    'timeout-s': { type: 'string', default: '120' },
  },
});
const bootstrap = values.bootstrap;
const topic = values.topic;
if (!bootstrap || !topic) throw new Error('usage: rebalance.ts --topic T (and KAFKA_BOOTSTRAP or --bootstrap)');
const partitions = Number(values.partitions);
let clients = values.clients.split(',').map((c) => c.trim()) as ClientName[];
for (const c of clients) if (!CLIENTS.includes(c)) throw new Error(`unknown client ${c}`);
if (clients.some((c) => c.startsWith('confluent')) && !(await confluentInstalled())) {
  process.stderr.write(`${CONFLUENT_PACKAGE} is not installed: skipping it\n`);
  clients = clients.filter((c) => !c.startsWith('confluent'));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, condition: () => boolean): Promise<number> {
  const started = performance.now();
  const deadline = started + Number(values['timeout-s']) * 1000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
  return performance.now() - started;
}

const all = (owned: number[]): boolean => owned.length === partitions;
const split = (a: number[], b: number[]): boolean =>
  a.length > 0 && b.length > 0 && a.length + b.length === partitions && new Set([...a, ...b]).size === partitions;

interface RoundResult {
  readonly firstJoinMs: number;
  readonly joinRebalanceMs: number;
  readonly leaveRebalanceMs: number;
}

async function round(client: ClientName, n: number): Promise<RoundResult> {
  const group = `kclient-rebalance-${client}-${process.pid}-${n}`;
  const member = (name: string): Promise<BenchConsumer> =>
    createConsumer(client, { bootstrap: bootstrap as string, topic: topic as string, group, clientId: `${group}-${name}`, maxPollRecords: 500 });
  const a = await member('a');
  const aStarted = performance.now();
  await a.start(() => {});
  await waitUntil('A to own every partition', () => all(a.owned()));
  const firstJoinMs = performance.now() - aStarted;
  const b = await member('b');
  const bStarted = performance.now();
  await b.start(() => {});
  await waitUntil('A and B to split the partitions', () => split(a.owned(), b.owned()));
  const joinRebalanceMs = performance.now() - bStarted;
  const bStopping = performance.now();
  await b.stop();
  await waitUntil('A to own every partition again', () => all(a.owned()));
  const leaveRebalanceMs = performance.now() - bStopping;
  await a.stop();
  return { firstJoinMs, joinRebalanceMs, leaveRebalanceMs };
}

const results = new Map<ClientName, RoundResult[]>(clients.map((c) => [c, []]));
for (let n = 0; n < Number(values.rounds); n++) {
  for (const client of clients.map((_, i) => clients[(i + n) % clients.length])) {
    const result = await round(client, n);
    results.get(client)?.push(result);
    process.stderr.write(
      `round ${n + 1} ${client.padEnd(16)} join (B starts → both own partitions) ${Math.round(result.joinRebalanceMs)} ms, leave (B stops → A owns all) ${Math.round(result.leaveRebalanceMs)} ms\n`,
    );
  }
}
const median = (xs: number[]): number => Math.round(percentile(xs, 50));
process.stdout.write(
  '\n| client | A alone: start until it owns all (ms) | B joins: until both own partitions (ms) | B leaves: until A owns all (ms) | runs (join / leave) |\n|---|---|---|---|---|\n',
);
for (const [client, runs] of results) {
  process.stdout.write(
    `| ${client} | ${median(runs.map((r) => r.firstJoinMs))} | ${median(runs.map((r) => r.joinRebalanceMs))} | ${median(runs.map((r) => r.leaveRebalanceMs))} | ${runs.map((r) => `${Math.round(r.joinRebalanceMs)} / ${Math.round(r.leaveRebalanceMs)}`).join(', ')} |\n`,
  );
}
process.exit(0);
