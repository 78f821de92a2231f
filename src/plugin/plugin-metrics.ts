/**
 * Metrics a connector plugin keeps itself (e.g. requests to the external system, its error codes),
 * handed to the worker as plain numbers. The worker exports them next to its own, as
 * `kafka_connect_plugins_<name>` with a `connector` label added (in the spirit of Kafka's KIP-877 plugin
 * metrics), so a plugin needs no metrics library and cannot clash with worker metrics.
 *
 * Tasks run in task threads, each with module state of its own, shared by the tasks of that thread: the
 * worker reads the plugin's metrics once per task thread and adds up the samples of one name and labels
 * across the connector's threads (counters and summaries add up, gauges as their `aggregation` says).
 * What a thread counted stays in the counters after its tasks stopped.
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
      /**
       * Gauges only: how the values of the connector's tasks combine. `sum` (the default) for a current
       * amount (tasks waiting), kept only while a task runs; `max` for a high-water mark (the longest
       * batch so far), kept after a task stopped.
       */
      readonly aggregation?: 'sum' | 'max';
    })
  | (PluginMetricBase & {
      /** observations summed up, e.g. latencies in seconds: exported as `<name>_sum` and `<name>_count` */
      readonly type: 'summary';
      readonly count: number;
      readonly sum: number;
    });
