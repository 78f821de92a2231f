import type { PluginMetric } from '../../plugin/index.js';
import { milvusSinkMetrics, type MilvusSinkMetricsSnapshot } from './sink-metrics.js';

type Count = (m: MilvusSinkMetricsSnapshot) => number;

/**
 * The sink's per-connector counters (sink-metrics.ts) as the worker exports them: the worker reads this
 * at every scrape and names each metric `kafka_connect_plugins_<name>` with a `connector` label. Row and
 * request counters carry a `collection` label, one sample per collection the connector wrote to (a
 * connector may route topics to several); before any collection was used, one sample without it.
 */
export function milvusPluginMetrics(connector: string): PluginMetric[] {
  const m = milvusSinkMetrics(connector).snapshot();
  const collections = Object.entries(m.byCollection);
  const counter = (name: string, help: string, value: Count): PluginMetric[] => {
    const samples = collections.map(([collection, c]): PluginMetric => ({ name, help, type: 'counter', value: value(c), labels: { collection } }));
    // counted on the connector itself, outside any collection: kept so that the totals add up
    const unattributed = value(m) - samples.reduce((n, s) => n + (s.type === 'counter' ? s.value : 0), 0);
    if (collections.length === 0 || unattributed > 0) samples.push({ name, help, type: 'counter', value: unattributed });
    return samples;
  };
  return [
    ...counter('milvus_records_written_total', 'Rows Milvus acknowledged through insert or upsert', (c) => c.recordsWritten),
    ...counter(
      'milvus_records_deleted_total',
      'Primary keys Milvus acknowledged through delete (tombstones with delete.enabled=true)',
      (c) => c.recordsDeleted,
    ),
    ...counter('milvus_records_skipped_total', 'Tombstones ignored (delete.enabled=false, or no collection yet)', (c) => c.recordsSkipped),
    ...counter('milvus_records_superseded_total', 'Records replaced by a later record with the same primary key in the same batch', (c) => c.recordsSuperseded),
    ...counter(
      'milvus_records_dead_lettered_total',
      'Records handed to the errant record reporter (mapping failures, rows Milvus rejected)',
      (c) => c.recordsDeadLettered,
    ),
    ...counter('milvus_requests_total', 'Insert, upsert and delete requests Milvus acknowledged', (c) => c.requests),
    ...counter('milvus_failed_requests_total', 'Requests that failed for good (retries that later succeeded not counted)', (c) => c.failedRequests),
    ...counter('milvus_retries_total', 'Requests sent again after a retriable failure', (c) => c.retries),
    {
      name: 'milvus_connect_attempts_total',
      help: 'Attempts to reach a Milvus that did not answer when a task started',
      type: 'counter',
      value: m.milvusConnectAttempts,
    },
    { name: 'milvus_tasks_waiting', help: 'Tasks started while Milvus did not answer, waiting for it', type: 'gauge', value: m.tasksWaitingForMilvus },
    ...Object.entries(m.errorCodes).map(
      ([code, count]): PluginMetric => ({
        name: 'milvus_request_errors_total',
        help: 'Failed Milvus requests by Milvus error code or gRPC status (retried attempts included)',
        type: 'counter',
        value: count,
        labels: { code },
      }),
    ),
    {
      name: 'milvus_batch_time_seconds',
      help: 'Time to write one batch to Milvus, retries included',
      type: 'summary',
      count: m.batchLatencyMs.count,
      sum: m.batchLatencyMs.sum / 1000,
    },
    {
      name: 'milvus_batch_time_max_seconds',
      help: 'Longest batch write so far',
      type: 'gauge',
      value: m.batchLatencyMs.max / 1000,
      aggregation: 'max',
    },
  ];
}
