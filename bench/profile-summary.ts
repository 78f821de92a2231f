/**
 * Reads a V8 .cpuprofile (node --cpu-prof; `npm run bench -- --cpu-prof` leaves them in the run's
 * directory) and prints where the time went: self time per function and per module (a package under
 * node_modules, a file of src/, or node's internals), plus inclusive time of chosen functions. It also
 * writes the folded stacks next to the profile (`<profile>.folded`), the input of flamegraph.pl and
 * speedscope, for a flame graph.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 30] [--only-after <seconds>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function moduleOf(url: string): string {
  if (url === '') return '(native/vm)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const src = /\/(src|dist)\/(.+)$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

function label(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'} ${moduleOf(frame.url)}:${frame.lineNumber + 1}`;
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, 'only-after': { type: 'string' } } });
  const file = positionals[0];
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top N] [--only-after <seconds>]');
  const top = Number(values.top ?? 30);
  const after = Number(values['only-after'] ?? 0) * 1e6;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<number, number>();
  let t = 0;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < after) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }

  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const folded = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
      byModule.set(name, (byModule.get(name) ?? 0) + us);
    } else {
      byModule.set(moduleOf(node.callFrame.url), (byModule.get(moduleOf(node.callFrame.url)) ?? 0) + us);
    }
    byFunction.set(label(node.callFrame), (byFunction.get(label(node.callFrame)) ?? 0) + us);
    const stack: string[] = [];
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!.callFrame);
      stack.push(l);
      if (!seen.has(l)) {
        seen.add(l);
        inclusive.set(l, (inclusive.get(l) ?? 0) + us);
      }
    }
    const key = stack.reverse().join(';');
    folded.set(key, (folded.get(key) ?? 0) + us);
  }

  const idle = byModule.get('(idle)') ?? 0;
  const busy = total - idle;
  const show = (title: string, map: Map<string, number>, n: number, base: number) => {
    process.stdout.write(`\n${title}\n`);
    for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      process.stdout.write(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / base).toFixed(1).padStart(5)}%  ${k}\n`);
    }
  };
  process.stdout.write(`profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (not idle)\n`);
  for (const map of [byModule, byFunction, inclusive]) for (const key of map.keys()) if (key.startsWith('(idle)')) map.delete(key);
  show('self time by module (% of busy)', byModule, top, busy);
  show('self time by function (% of busy)', byFunction, top, busy);
  show('inclusive time (% of busy)', new Map([...inclusive].filter(([k]) => !k.startsWith('(root)'))), top, busy);
  writeFileSync(`${file}.folded`, [...folded].map(([k, us]) => `${k} ${Math.round(us)}`).join('\n'));
  process.stdout.write(`\nfolded stacks: ${file}.folded\n`);
}

process.stdout.on('error', () => process.exit(0)); // piped into head
main();
