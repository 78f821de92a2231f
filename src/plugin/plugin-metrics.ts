/**
 * Metrics a connector plugin keeps itself (e.g. requests to the external system, its error codes),
 * handed to the worker as plain numbers when metrics are scraped. The worker exports them next to its
 * own, as `kafka_connect_plugins_<name>` with a `connector` label added (in the spirit of Kafka's
 * KIP-877 plugin metrics), so a plugin needs no metrics library and cannot clash with worker metrics.
 */
interface PluginMetricBase {
  /** snake_case, unique within the plugin, e.g. `milvus_requests_total` (counters end in `_total`) */
  readonly name: string;
  readonly help: string;
  /** extra labels, e.g. `{ code: 'RateLimit' }`; never a secret, and a small, bounded set of values */
  readonly labels?: Readonly<Record<string, string>>;
}

export type PluginMetric =
  | (PluginMetricBase & {
      /** a counter only grows (until the process restarts); a gauge is a current value */
      readonly type: 'counter' | 'gauge';
      readonly value: number;
    })
  | (PluginMetricBase & {
      /** observations summed up, e.g. latencies in seconds: exported as `<name>_sum` and `<name>_count` */
      readonly type: 'summary';
      readonly count: number;
      readonly sum: number;
    });
