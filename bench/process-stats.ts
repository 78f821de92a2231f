/**
 * Resource figures of one process read from outside, from /proc (Linux): CPU time of all its threads
 * (utime + stime, so GC and libuv threads count), resident memory now and its high-water mark.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux the project runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds the process used so far (user + system, every thread). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after "(comm)": state is field 3; utime and stime are fields 14 and 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${key}`);
  return Number(match[1]);
}

export function rssBytes(pid: number): number {
  return statusKb(pid, 'VmRSS') * 1024;
}

/** Peak resident memory since start or since the last resetPeakRss(). */
export function peakRssBytes(pid: number): number {
  return statusKb(pid, 'VmHWM') * 1024;
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, own processes); false when not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples RSS every `everyMs` until stopped: the curve shows whether memory stays bounded. */
export class RssSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  readonly #started = performance.now();
  readonly samples: { atMs: number; rss: number }[] = [];

  constructor(pid: number, everyMs = 250) {
    this.#pid = pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), everyMs);
  }

  #sample(): void {
    try {
      this.samples.push({ atMs: performance.now() - this.#started, rss: rssBytes(this.#pid) });
    } catch {
      // the process is gone: the caller notices on its own
    }
  }

  stop(): { maxRss: number; firstHalfMax: number; secondHalfMax: number } {
    clearInterval(this.#timer);
    this.#sample();
    const half = Math.floor(this.samples.length / 2);
    const max = (list: { rss: number }[]) => list.reduce((m, s) => Math.max(m, s.rss), 0);
    return { maxRss: max(this.samples), firstHalfMax: max(this.samples.slice(0, half)), secondHalfMax: max(this.samples.slice(half)) };
  }
}
