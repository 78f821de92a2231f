/**
 * Command line of `npm run bench`. Two scales: the full run (the figures, ~15 min on 2 cores)
 * and `--quick` (the same phases, smaller, ~2 min); any figure can be changed by a flag.
 */
import { parseArgs } from 'node:util';
import { MILVUS_SINK_CONFIG_DEF } from '../src/connectors/milvus/milvus-sink-config.js';

/** The sink's own default, so that a run without the flag measures what a user gets without the key. */
function sinkDefault(key: string): number {
  const configKey = MILVUS_SINK_CONFIG_DEF.keys.get(key);
  if (configKey === undefined) throw new Error(`the Milvus sink has no key ${key}`);
  return Number(MILVUS_SINK_CONFIG_DEF.defaultValue(configKey));
}

export interface BenchOptions {
  readonly quick: boolean;
  /** records of the main (768-dim) backfill */
  readonly records: number;
  readonly dim: number;
  readonly partitions: number;
  /** connector tasks.max */
  readonly tasks: number;
  /** the sink's batch.max.rows, also the Milvus ceiling's batch size */
  readonly batchRows: number;
  /**
   * further backfills of the main topic, one per entry, at these batch.max.rows (after the main one,
   * each into a fresh collection); an entry may repeat, to alternate A/B runs
   */
  readonly batchSweep: readonly number[];
  /**
   * backfills of the main topic at these tasks.max (each task its own thread): the value of --tasks is
   * the main backfill itself, the others run after it, each as a new connector into a fresh collection
   */
  readonly tasksSweep: readonly number[];
  /** the sink's max.in.flight.requests per task; the ceiling runs tasks × this many requests at once */
  readonly inFlight: number;
  /** dimensions of the extra backfill variants (none: []) */
  readonly variants: readonly number[];
  /** records of each variant; null: as many as the main backfill up to 256 dims, a quarter above */
  readonly variantRecords: number | null;
  readonly steadySeconds: number;
  /** REST load at a fixed rate during the steady phase (req/s) */
  readonly restRate: number;
  /** seconds per endpoint of the idle (max throughput) REST phase */
  readonly restIdleSeconds: number;
  readonly restConnections: number;
  /** extra connector properties (tuning experiments), k=v */
  readonly connectorProps: Readonly<Record<string, string>>;
  /** extra worker properties, k=v */
  readonly workerProps: Readonly<Record<string, string>>;
  /** how the service runs: the compiled JS (honest CPU figures) or through tsx */
  readonly runtime: 'dist' | 'tsx';
  /** start the service with --cpu-prof (profiles land in the run's directory) */
  readonly cpuProf: boolean;
  readonly skipCeilings: boolean;
  /** a label recorded with the results (e.g. the tuning being tried) */
  readonly label: string;
  /** the steady-latency and REST phases (off: backfills only, e.g. for a clean profile) */
  readonly steady: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [options]

  --quick                 about two minutes: 20,000 records, 30 s steady phase, short REST phases
  --records <n>           records of the 768-dim backfill            (default 200000, quick 20000)
  --dim <n>               vector dimension of the main backfill      (default 768)
  --partitions <n>        topic partitions                           (default 4)
  --tasks <n>             connector tasks.max                        (default = partitions)
  --batch-rows <n>        batch.max.rows, and the ceiling's batch    (default ${sinkDefault('batch.max.rows')}, the sink's)
  --batch-sweep <n,n>     more backfills of the main topic at these batch.max.rows, "none" for none
                          (default 200: the small-batch target compares it with the main backfill)
  --tasks-sweep <n,n>     backfills of the main topic at these tasks.max, "none" for none
                          (default 1,2,4, those ≤ --partitions; the one = --tasks is the main backfill)
  --in-flight <n>         max.in.flight.requests per task            (default ${sinkDefault('max.in.flight.requests')}, the sink's)
  --variants <d,d>        extra backfill dimensions, "none" for none (default 128,1536)
  --variant-records <n>   records per variant      (default: --records up to 256 dims, a quarter above)
  --steady-seconds <n>    steady-latency phase                       (default 60, quick 30)
  --rest-rate <n>         REST req/s during the steady phase         (default 500)
  --rest-idle-seconds <n> idle REST phase, per endpoint              (default 10, quick 3)
  --rest-connections <n>  autocannon connections when idle           (default 10)
  --connector k=v         extra connector property (repeatable)
  --worker k=v            extra worker property (repeatable)
  --tsx                   run the service through tsx instead of the compiled dist
  --cpu-prof              profile the service (node --cpu-prof) into the run's directory
  --skip-ceilings         skip the Kafka and Milvus ceilings (no ratio)
  --label <text>          recorded with the results
  --backfill-only         skip the steady-latency and REST phases (a profile of the backfill alone)
`;

function int(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

function pairs(name: string, values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--${name} expects key=value, got ${item}`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

function dims(value: string | undefined, fallback: readonly number[], name = 'variants', min = 0): number[] {
  if (value === undefined) return [...fallback];
  if (value === 'none' || value === '') return [];
  return value.split(',').map((d) => int(name, d.trim(), 0, min));
}

/** A task beyond the topic's partitions gets none: it would measure an idle thread, not sharing. */
function tasksSweep(value: string | undefined, partitions: number): number[] {
  if (value === undefined) return [1, 2, 4].filter((n) => n <= partitions);
  const list = dims(value, [], 'tasks-sweep', 1);
  const beyond = list.find((n) => n > partitions);
  if (beyond !== undefined) throw new Error(`--tasks-sweep ${beyond} needs at least ${beyond} partitions (--partitions is ${partitions})`);
  return [...new Set(list)];
}

/** Parses argv (without node and script); throws an Error whose message is for the user. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      records: { type: 'string' },
      dim: { type: 'string' },
      partitions: { type: 'string' },
      tasks: { type: 'string' },
      'batch-rows': { type: 'string' },
      'batch-sweep': { type: 'string' },
      'tasks-sweep': { type: 'string' },
      'in-flight': { type: 'string' },
      variants: { type: 'string' },
      'variant-records': { type: 'string' },
      'steady-seconds': { type: 'string' },
      'rest-rate': { type: 'string' },
      'rest-idle-seconds': { type: 'string' },
      'rest-connections': { type: 'string' },
      connector: { type: 'string', multiple: true },
      worker: { type: 'string', multiple: true },
      tsx: { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      'skip-ceilings': { type: 'boolean' },
      label: { type: 'string' },
      'backfill-only': { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const partitions = int('partitions', values.partitions, 4);
  return {
    quick,
    records: int('records', values.records, quick ? 20_000 : 200_000),
    dim: int('dim', values.dim, 768),
    partitions,
    tasks: int('tasks', values.tasks, partitions),
    batchRows: int('batch-rows', values['batch-rows'], sinkDefault('batch.max.rows')),
    batchSweep: dims(values['batch-sweep'], [200], 'batch-sweep', 1),
    tasksSweep: tasksSweep(values['tasks-sweep'], partitions),
    inFlight: int('in-flight', values['in-flight'], sinkDefault('max.in.flight.requests')),
    variants: dims(values.variants, [128, 1536]),
    variantRecords: values['variant-records'] === undefined ? null : int('variant-records', values['variant-records'], 0),
    steadySeconds: int('steady-seconds', values['steady-seconds'], quick ? 30 : 60),
    restRate: int('rest-rate', values['rest-rate'], 500),
    restIdleSeconds: int('rest-idle-seconds', values['rest-idle-seconds'], quick ? 3 : 10),
    restConnections: int('rest-connections', values['rest-connections'], 10),
    connectorProps: pairs('connector', values.connector),
    workerProps: pairs('worker', values.worker),
    runtime: values.tsx ? 'tsx' : 'dist',
    cpuProf: values['cpu-prof'] ?? false,
    skipCeilings: values['skip-ceilings'] ?? false,
    label: values.label ?? '',
    steady: !(values['backfill-only'] ?? false),
  };
}
