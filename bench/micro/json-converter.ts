/**
 * JsonConverter (schemaless) on the benchmark's records, against the text path it replaced
 * (decodeUtf8 + parseJson), in ms and GC ms per 1,000 records. Small enough to run beside other work:
 *   node --import tsx bench/micro/json-converter.ts [--dim 768] [--records 2000] [--rounds 15]
 * Rounds alternate between the paths so drift of a shared machine hits both, and time is the process's
 * CPU time, which other people's work on the machine disturbs less than wall time.
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
    rounds: { type: 'string', default: '15' },
  },
});
const dim = Number(args.dim);
const count = Number(args.records);
const rounds = Number(args.rounds);

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

// keeps results reachable until the round ends, as a sink task's batch does, so garbage is real garbage
let sink: unknown[] = new Array(count);
const windows: Record<string, { start: number; end: number; cpuMs: number }[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));

for (let round = -3; round < rounds; round++) {
  for (const [name, parse] of Object.entries(paths)) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < count; i++) sink[i] = parse(records[i]);
    const used = process.cpuUsage(cpu);
    const end = performance.now();
    sink = new Array(count);
    if (round >= 0) windows[name].push({ start, end, cpuMs: (used.user + used.system) / 1000 });
    await new Promise((resolve) => setImmediate(resolve));
  }
}
await new Promise((resolve) => setTimeout(resolve, 100));
observer.disconnect();

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];
const perThousand = 1000 / count;
console.log(`${count} records of ${dim} dimensions, ${(bytes / count / 1024).toFixed(1)} KiB each; median of ${rounds} rounds per 1,000 records (CPU ms, GC pauses within):`);
for (const [name, ws] of Object.entries(windows)) {
  const ms = median(ws.map((w) => w.cpuMs * perThousand));
  const gcMs = median(ws.map((w) => gcs.filter((g) => g.start >= w.start && g.start < w.end).reduce((s, g) => s + g.duration, 0) * perThousand));
  console.log(`  ${name.padEnd(36)} ${ms.toFixed(1).padStart(6)} ms   (GC ${gcMs.toFixed(1)} ms)`);
}
