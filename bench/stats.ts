/** Small numeric helpers shared by the workloads. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function summarise(samples: readonly number[]): Summary {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    // not Math.max(...samples): a long phase has more samples than a call may take arguments
    // biome-ignore lint/complexity/useMathMinMax: Math.max(...samples) spreads every sample as an argument
    max: samples.length === 0 ? Number.NaN : samples.reduce((max, x) => (x > max ? x : max), Number.NEGATIVE_INFINITY),
  };
}

export const MiB = 1024 * 1024;

/** The benchmark's CPU figure: milliseconds of CPU per 1,000 records, the same for the service and the ceilings. */
export function cpuMsPer1000(cpuSeconds: number, records: number): number {
  return (cpuSeconds * 1000) / (records / 1000);
}

/** Rounds for reports: keeps 3 significant digits below 100, whole numbers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Wall-clock milliseconds with sub-millisecond resolution, monotonic. */
export function now(): number {
  return performance.now();
}
