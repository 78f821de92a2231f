/**
 * What one insert and one upsert request cost Milvus as the collection grows: the benchmark's
 * collection and rows, requests encoded like the sink's, one at a time (nothing else runs against
 * Milvus meanwhile). Starts and stops a stack of its own:
 *   node --import tsx bench/micro/milvus-write-cost.ts [--dim 768] [--rows 200000] [--step 50000] [--probes 5]
 * The collection is grown with 1,000-row inserts; at every step, `probes` requests of each kind and size
 * write new ids (an upsert of a new id still pays for the lookup of the old one) and the median is shown.
 */
import { parseArgs } from 'node:util';
import { startStack } from '../bench-stack.js';
import { CeilingTarget } from '../ceilings.js';
import { createBenchCollection, dropCollection, openMilvus } from '../milvus.js';
import { percentile } from '../stats.js';

const { values: args } = parseArgs({
  options: {
    dim: { type: 'string', default: '768' },
    rows: { type: 'string', default: '200000' },
    step: { type: 'string', default: '50000' },
    probes: { type: 'string', default: '5' },
  },
});
const dim = Number(args.dim);
const rows = Number(args.rows);
const step = Number(args.step);
const probes = Number(args.probes);
const GROW_BATCH = 1_000;
const PROBE_SIZES = [100, 1_000];

const stack = await startStack(`micro-${process.pid}`);
const client = await openMilvus(stack.milvusAddress);
const collection = `write_cost_${dim}`;
try {
  await createBenchCollection(client, collection, dim);
  const insert = await CeilingTarget.describe(client, collection, dim, 'Insert');
  const upsert = await CeilingTarget.describe(client, collection, dim, 'Upsert');
  // probes take ids far above the grown range, so growing never collides with them
  let probeId = 1_000_000_000;
  const probe = async (target: CeilingTarget, size: number): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < probes; i++) {
      const ids = Array.from({ length: size }, () => probeId++);
      const started = performance.now();
      await target.write(client, ids);
      times.push(performance.now() - started);
    }
    return percentile(times, 50);
  };
  const columns = PROBE_SIZES.flatMap((n) => [`insert ${n}`, `upsert ${n}`]);
  process.stdout.write(`${dim}-dim, median ms of ${probes} requests\n| rows held | ${columns.join(' | ')} |\n|---:|${columns.map(() => '---:').join('|')}|\n`);
  for (let held = 0; ; held += step) {
    const cells: string[] = [];
    for (const size of PROBE_SIZES) cells.push((await probe(insert, size)).toFixed(0), (await probe(upsert, size)).toFixed(0));
    process.stdout.write(`| ${held.toLocaleString('en-US')} | ${cells.join(' | ')} |\n`);
    if (held + step > rows) break;
    for (let id = held; id < held + step; id += GROW_BATCH) {
      await insert.write(
        client,
        Array.from({ length: Math.min(GROW_BATCH, held + step - id) }, (_, i) => id + i),
      );
    }
  }
  await dropCollection(client, collection);
} finally {
  await client.closeConnection().catch(() => undefined);
  await stack.stop(false);
}
