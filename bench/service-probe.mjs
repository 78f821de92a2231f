/**
 * Loaded into the service only when the benchmark starts it (`node --import bench/service-probe.mjs`),
 * so the product code carries no benchmark hooks. Measures from inside what /proc cannot show: event
 * loop delay (perf_hooks histogram), garbage-collection time (PerformanceObserver 'gc') and what the
 * memory consisted of when RSS peaked (V8 heap, ArrayBuffers, the rest: code, native libraries, malloc).
 * On SIGUSR2 it writes the figures since the previous SIGUSR2 to $BENCH_PROBE_FILE (atomically, with a
 * sequence number) and starts a new interval.
 * Task threads inherit the service's --import, but the probe measures the main thread alone (herder,
 * REST): its event loop is the one REST answers on, and a worker thread never receives the signal.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_PROBE_FILE;
if (file && isMainThread) {
  // the histogram records whole timer intervals (resolution + delay); the delay is what exceeds it
  const RESOLUTION_MS = 10;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let gc = { count: 0, ms: 0, maxMs: 0 };
  let since = performance.now();
  let elu = performance.eventLoopUtilization();
  let seq = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.ms += entry.duration;
      if (entry.duration > gc.maxMs) gc.maxMs = entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  // sampled, so the peak is within one interval of the true one; /proc's VmHWM gives the exact figure
  const MEMORY_SAMPLE_MS = 100;
  let atPeakRss = process.memoryUsage();
  setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > atPeakRss.rss) atPeakRss = now;
  }, MEMORY_SAMPLE_MS).unref();
  const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.on('SIGUSR2', () => {
    const nowElu = performance.eventLoopUtilization(elu);
    const snapshot = {
      seq: ++seq,
      intervalMs: performance.now() - since,
      eventLoopDelayMs: {
        p50: ms(delay.percentile(50)),
        p99: ms(delay.percentile(99)),
        max: ms(delay.max),
        mean: ms(delay.mean),
        samples: delay.count,
      },
      eventLoopUtilization: nowElu.utilization,
      gc,
      memory: process.memoryUsage(),
      memoryAtPeakRss: atPeakRss,
    };
    // experiments only (BENCH_PROBE_GC=1 and node --expose-gc): what is still reachable after a full GC
    if (process.env.BENCH_PROBE_GC === '1' && typeof globalThis.gc === 'function') {
      globalThis.gc();
      snapshot.memoryAfterGc = process.memoryUsage();
    }
    writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
    renameSync(`${file}.tmp`, file);
    delay.reset();
    gc = { count: 0, ms: 0, maxMs: 0 };
    atPeakRss = process.memoryUsage();
    since = performance.now();
    elu = performance.eventLoopUtilization();
  });
}
