/**
 * JsonConverter (schemaless) on the benchmark's records, against the text path it replaced
 * (decodeUtf8 + parseJson), in ms and GC ms per 1,000 records. Small enough to run beside other work:
 *   node --import tsx bench/micro/json-converter.ts [--dim 768] [--records 2000] [--rounds 8] [--blocks 5]
 * Blocks of rounds alternate between the paths so drift of a shared machine hits all of them; CPU time
 * is disturbed less than wall time by other people's work on the machine.
 */
import assert from 'node:assert/strict';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { encodeRow, rowFor } from '../dataset.js';
import { JsonConverter } from '../../src/converters/json-converter.js';
import { decodeUtf8, parseJson } from '../../src/converters/json-parse.js';

const { values: args } = parseArgs({
  options: {
    dim: { type: 'string', default: '768' },
    records: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '8' },
    blocks: { type: 'string', default: '5' },
  },
});
const dim = Number(args.dim);
const count = Number(args.records);
const rounds = Number(args.rounds);
const blockCount = Number(args.blocks);

const records = Array.from({ length: count }, (_, i) => encodeRow(rowFor(i + 1, dim)));
const bytes = records.reduce((sum, r) => sum + r.length, 0);

/** What JsonConverter.#parse did before the byte-level parser. */
function textPath(value: Uint8Array): unknown {
  const text = decodeUtf8(value);
  return text.trim() === '' ? undefined : parseJson(text);
}

const converter = new JsonConverter();
converter.configure({ 'schemas.enable': 'false' }, false);

const paths: Record<string, (value: Uint8Array) => unknown> = {
  'decodeUtf8 + parseJson (before)': textPath,
  'JsonConverter.toConnectData': (value) => converter.toConnectData('bench', [], value).value,
  'JSON.parse(toString) (reference)': (value) => JSON.parse(value.toString()),
};

for (let i = 0; i < count; i += 97) assert.deepEqual(paths['JsonConverter.toConnectData'](records[i]), textPath(records[i]));

const gcs: { start: number; duration: number }[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, duration: e.duration });
});
observer.observe({ entryTypes: ['gc'] });

interface Block {
  start: number;
  end: number;
  cpuMs: number;
}
const blocks: Record<string, Block[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));

/**
 * One path for `rounds` rounds in a row, so the block includes the collections its own garbage causes
 * (also the background threads' share: CPU time is the whole process's). Each round's results stay
 * reachable until the next round replaces them, as a sink task's batch stays until Milvus has it.
 */
async function block(parse: (value: Uint8Array) => unknown): Promise<Block> {
  const sink: unknown[] = new Array(count);
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let round = 0; round < rounds; round++) for (let i = 0; i < count; i++) sink[i] = parse(records[i]);
  const used = process.cpuUsage(cpu);
  const end = performance.now();
  await new Promise((resolve) => setImmediate(resolve));
  return { start, end, cpuMs: (used.user + used.system) / 1000 };
}

for (let repeat = -1; repeat < blockCount; repeat++) {
  for (const [name, parse] of Object.entries(paths)) {
    const measured = await block(parse);
    if (repeat >= 0) blocks[name].push(measured);
  }
}
await new Promise((resolve) => setTimeout(resolve, 100));
observer.disconnect();

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];
const perThousand = 1000 / (count * rounds);
console.log(
  `${count} records of ${dim} dimensions, ${(bytes / count / 1024).toFixed(1)} KiB each; per 1,000 records, median of ${blockCount} blocks of ${rounds} rounds:`,
);
console.log(`  ${''.padEnd(36)} ${'CPU ms'.padStart(7)} ${'wall ms'.padStart(8)} ${'GC pause ms'.padStart(12)}`);
for (const [name, bs] of Object.entries(blocks)) {
  const cpu = median(bs.map((b) => b.cpuMs * perThousand));
  const wall = median(bs.map((b) => (b.end - b.start) * perThousand));
  const gc = median(bs.map((b) => gcs.filter((g) => g.start >= b.start && g.start < b.end).reduce((sum, g) => sum + g.duration, 0) * perThousand));
  console.log(`  ${name.padEnd(36)} ${cpu.toFixed(1).padStart(7)} ${wall.toFixed(1).padStart(8)} ${gc.toFixed(1).padStart(12)}`);
}
