/**
 * Backfill: N records already in the topic; the clock starts when the connector is created and stops
 * when a Strong-consistency count sees all N rows. Resource figures cover the same interval and the
 * service process alone.
 */
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { createBenchCollection, waitForCount } from './milvus.js';
import { cpuSeconds, peakRssBytes, resetPeakRss, RssSampler } from './process-stats.js';
import { progress } from './progress.js';
import { cpuMsPer1000 } from './stats.js';
import type { ProbeSnapshot, Service } from './service.js';

export interface BackfillOptions {
  readonly service: Service;
  readonly milvus: MilvusClient;
  readonly connector: string;
  readonly connectorConfig: Record<string, string>;
  readonly collection: string;
  readonly dim: number;
  readonly records: number;
  readonly countIntervalMs: number;
  /** called once, when the first rows are visible: the connector is past its start-up and writing */
  readonly onFirstRows?: () => void;
}

export interface BackfillResult {
  readonly dim: number;
  readonly records: number;
  readonly seconds: number;
  /** from the POST to the first visible rows: the connector's start-up (group join, first batch) */
  readonly firstRowsSeconds: number;
  readonly recordsPerSecond: number;
  readonly cpuSeconds: number;
  readonly cpuMsPer1000: number;
  readonly peakRssBytes: number;
  /** largest RSS seen in the first and in the second half of the run: close when memory is bounded */
  readonly rssFirstHalfMax: number;
  readonly rssSecondHalfMax: number;
  /** the probe's figures: the service's main thread (herder, REST), not the task threads */
  readonly probe: ProbeSnapshot;
  /** the harness's performance.now() when the count saw every row: whether a load run alongside ended first */
  readonly doneAtMs: number;
  /** the sink's Milvus requests (its own metrics: the connector is new, so all of them are this backfill's) */
  readonly requests: number;
  readonly rowsPerRequest: number;
  /** send → acknowledgement, Milvus' queue included */
  readonly meanRequestMs: number;
  /** requests in flight on average over the backfill: low when the pipeline stands idle between requests */
  readonly requestsInFlight: number;
}

export async function backfill(o: BackfillOptions): Promise<BackfillResult> {
  const { service } = o;
  await createBenchCollection(o.milvus, o.collection, o.dim);
  await service.probe(); // starts a fresh probe interval
  const peakResettable = resetPeakRss(service.pid);
  const rss = new RssSampler(service.pid);
  const cpuBefore = cpuSeconds(service.pid);
  const shown = progress(`backfill ${o.dim}-dim`, o.records, 'rows');
  const started = performance.now();
  await service.createConnector(o.connector, o.connectorConfig);
  let lastHealthCheck = started;
  let firstRowsAt: number | undefined;
  const visibleAt = await waitForCount(o.milvus, o.collection, o.records, {
    intervalMs: o.countIntervalMs,
    timeoutMs: 900_000,
    onCount: (count) => {
      shown.update(count);
      if (count > 0 && firstRowsAt === undefined) {
        firstRowsAt = performance.now();
        o.onFirstRows?.();
      }
      // a FAILED task would otherwise only show as a timeout
      if (performance.now() - lastHealthCheck > 5_000) {
        lastHealthCheck = performance.now();
        void service.assertHealthy(o.connector).catch((error: Error) => shown.update(count, `\n${error.message}`));
      }
    },
  });
  const cpu = cpuSeconds(service.pid) - cpuBefore;
  const probe = await service.probe();
  const memory = rss.stop();
  const seconds = (visibleAt - started) / 1000;
  shown.end(`${Math.round(o.records / seconds).toLocaleString('en-US')} rows/s`);
  await service.assertHealthy(o.connector);
  const sink = await service.sinkCounters(o.connector);
  return {
    requests: sink.requests,
    rowsPerRequest: sink.rows / sink.requests,
    meanRequestMs: (sink.batchSeconds * 1000) / sink.requests,
    requestsInFlight: sink.batchSeconds / seconds,
    dim: o.dim,
    records: o.records,
    seconds,
    firstRowsSeconds: ((firstRowsAt ?? visibleAt) - started) / 1000,
    recordsPerSecond: o.records / seconds,
    cpuSeconds: cpu,
    cpuMsPer1000: cpuMsPer1000(cpu, o.records),
    peakRssBytes: peakResettable ? Math.max(peakRssBytes(service.pid), memory.maxRss) : memory.maxRss,
    rssFirstHalfMax: memory.firstHalfMax,
    rssSecondHalfMax: memory.secondHalfMax,
    probe,
    doneAtMs: visibleAt,
  };
}
