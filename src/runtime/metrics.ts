/**
 * The worker's Prometheus metrics. Names follow what the Prometheus JMX exporter makes of Kafka
 * Connect's own MBeans (`kafka.connect:type=sink-task-metrics,connector=…,task=…` attribute
 * `sink-record-read-total` → `kafka_connect_sink_task_metrics_sink_record_read_total{connector,task}`),
 * so dashboards built for Kafka Connect need little more than a rename of averages into histograms.
 * The only module that knows prom-client: the rest of the runtime reports through SinkTaskMetrics, and
 * plugins through PluginMetric values (src/plugin), so neither depends on a metrics library.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { PluginMetric, TopicPartition } from '../plugin/index.js';
import { State, type ConnectorTaskId } from './status/status.js';

/** What one sink task reports; every method is cheap and never throws. */
export interface SinkTaskMetrics {
  /** records fetched from Kafka, before conversion (Kafka's sink-record-read) */
  recordsRead(count: number): void;
  /** records put() accepted and how long that put() took (sink-record-send, put-batch-time) */
  recordsPut(count: number, seconds: number): void;
  /** one more retry of a failed operation (converter or put()) */
  retried(): void;
  /** a record failed for good; `skipped` when errors.tolerance=all let it through, `logged` when errors.log.enable wrote it */
  recordError(outcome: { skipped: boolean; logged: boolean }): void;
  /** a dead letter queue write, `ok` once acknowledged */
  deadLetterProduced(ok: boolean): void;
  /** one offset commit (preCommit and the commit request), successful or not */
  offsetCommit(seconds: number, ok: boolean): void;
  /** records between the position after put() and the partition's high watermark */
  lag(topic: string, partition: number, records: number): void;
  /** partitions no longer assigned: their lag is no longer known */
  partitionsClosed(partitions: Iterable<TopicPartition>): void;
  /** the task is gone: its series disappear (counters start again from 0 if it comes back) */
  close(): void;
}

export const NO_SINK_TASK_METRICS: SinkTaskMetrics = {
  recordsRead() {},
  recordsPut() {},
  retried() {},
  recordError() {},
  deadLetterProduced() {},
  offsetCommit() {},
  lag() {},
  partitionsClosed() {},
  close() {},
};

/** Connector and task states as the herder records them, read at every scrape. */
export interface StatusSnapshot {
  readonly connectors: ReadonlyArray<{
    readonly name: string;
    /** null while no status was reported yet */
    readonly state: string | null;
    readonly tasks: ReadonlyArray<{ readonly id: number; readonly state: string }>;
  }>;
}

export interface ConnectMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag, GC); off in tests that build many workers. */
  readonly processMetrics?: boolean;
}

/** A distributed worker's group membership, read at every scrape (Kafka's connect-worker-rebalance-metrics and connect-coordinator-metrics). */
export interface RebalanceSnapshot {
  readonly completedRebalances: number;
  readonly rebalancing: boolean;
  /** the generation of the last completed rebalance (-1 before the first) */
  readonly epoch: number;
  readonly leaderUrl: string | null;
  readonly isLeader: boolean;
  readonly assignedConnectors: number;
  readonly assignedTasks: number;
  /** ms since the epoch; null before the first rebalance */
  readonly lastRebalanceCompletedAt: number | null;
  readonly rebalanceAvgTimeMs: number | null;
  readonly rebalanceMaxTimeMs: number | null;
}

const PREFIX = 'kafka_connect_';
const PLUGIN_PREFIX = `${PREFIX}plugins_`;
const STATES: readonly string[] = Object.values(State);
/** Kafka's per-connector task counts of connect-worker-metrics, by state. */
const TASK_COUNT_STATES = [State.RUNNING, State.PAUSED, State.FAILED, State.UNASSIGNED, State.RESTARTING] as const;
/** From a fast put() of a few rows to a slow batch write with retries. */
const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type TaskLabels = { connector: string; task: string };

export class ConnectMetrics {
  readonly registry = new Registry();
  readonly #statusSources: Array<() => StatusSnapshot> = [];
  readonly #pluginSources = new Map<string, () => readonly PluginMetric[]>();
  readonly #pluginFamilies = new Map<string, PluginFamily>();
  /** the latest SinkTaskMetrics of each `connector-task`: a stopped instance closing late must not remove its successor's series */
  readonly #taskOwners = new Map<string, object>();

  readonly #read: Counter<'connector' | 'task'>;
  readonly #sent: Counter<'connector' | 'task'>;
  readonly #putTime: Histogram<'connector' | 'task'>;
  readonly #commitTime: Histogram<'connector' | 'task'>;
  readonly #commitSuccess: Counter<'connector' | 'task'>;
  readonly #commitFailure: Counter<'connector' | 'task'>;
  readonly #retries: Counter<'connector' | 'task'>;
  readonly #recordErrors: Counter<'connector' | 'task'>;
  readonly #recordsSkipped: Counter<'connector' | 'task'>;
  readonly #errorsLogged: Counter<'connector' | 'task'>;
  readonly #dlqRequests: Counter<'connector' | 'task'>;
  readonly #dlqFailures: Counter<'connector' | 'task'>;
  readonly #lag: Gauge<'connector' | 'task' | 'client_id' | 'topic' | 'partition'>;

  constructor(options: ConnectMetricsOptions = {}) {
    const registers = [this.registry];
    const taskLabels = ['connector', 'task'] as const;
    const counter = (name: string, help: string) => new Counter({ name: PREFIX + name, help, labelNames: taskLabels, registers });
    const histogram = (name: string, help: string) => new Histogram({ name: PREFIX + name, help, labelNames: taskLabels, buckets: SECONDS_BUCKETS, registers });

    this.#read = counter('sink_task_metrics_sink_record_read_total', 'Records read from Kafka by the task, before conversion');
    this.#sent = counter('sink_task_metrics_sink_record_send_total', 'Records handed to the sink task by put() and accepted');
    this.#putTime = histogram('sink_task_metrics_put_batch_time_seconds', 'Time one put() of a batch of records took');
    this.#commitTime = histogram('connector_task_metrics_offset_commit_time_seconds', 'Time one offset commit took (preCommit and the commit request)');
    this.#commitSuccess = counter('connector_task_metrics_offset_commit_success_total', 'Offset commits that reached the broker');
    this.#commitFailure = counter(
      'connector_task_metrics_offset_commit_failure_total',
      'Offset commits that failed (preCommit threw, the commit failed or timed out)',
    );
    this.#retries = counter('task_error_metrics_total_retries', 'Retries of operations that failed with a retriable error (conversion, put)');
    this.#recordErrors = counter('task_error_metrics_total_record_errors', 'Records that failed conversion or were reported errant by the sink task');
    this.#recordsSkipped = counter('task_error_metrics_total_records_skipped', 'Errant records skipped under errors.tolerance=all');
    this.#errorsLogged = counter('task_error_metrics_total_errors_logged', 'Errors written to the log under errors.log.enable=true');
    this.#dlqRequests = counter('task_error_metrics_deadletterqueue_produce_requests_total', 'Records written to the dead letter queue');
    this.#dlqFailures = counter('task_error_metrics_deadletterqueue_produce_failures_total', 'Dead letter queue writes that failed');
    this.#lag = new Gauge({
      name: 'kafka_consumer_consumer_fetch_manager_metrics_records_lag',
      help: 'Records of the partition not yet handed to the sink task (high watermark minus position)',
      labelNames: ['connector', 'task', 'client_id', 'topic', 'partition'],
      registers,
    });
    this.#statusMetrics();
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The herder's statuses; read at every scrape, so the numbers always match `GET …/status`. */
  trackStatus(source: () => StatusSnapshot): void {
    this.#statusSources.push(source);
  }

  /**
   * A distributed worker's membership (Kafka's connect-worker-rebalance-metrics and
   * connect-coordinator-metrics), read at every scrape; a standalone worker has none.
   */
  trackRebalances(source: () => RebalanceSnapshot | null): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, value: (s: RebalanceSnapshot) => number | null) =>
      new Gauge({
        name: PREFIX + name,
        help,
        registers,
        collect() {
          this.reset();
          const snapshot = source();
          const v = snapshot === null ? null : value(snapshot);
          if (v !== null) this.set(v);
        },
      });
    const rebalance = 'connect_worker_rebalance_metrics_';
    gauge(`${rebalance}completed_rebalances_total`, 'Rebalances this worker completed', (s) => s.completedRebalances);
    gauge(`${rebalance}rebalancing`, '1 while a rebalance is under way (writes answer 409 meanwhile)', (s) => (s.rebalancing ? 1 : 0));
    gauge(`${rebalance}epoch`, 'The generation of the last completed rebalance', (s) => s.epoch);
    gauge(`${rebalance}is_leader`, '1 when this worker leads the cluster', (s) => (s.isLeader ? 1 : 0));
    gauge(`${rebalance}rebalance_avg_time_ms`, 'Average time from revocation to assignment', (s) => s.rebalanceAvgTimeMs);
    gauge(`${rebalance}rebalance_max_time_ms`, 'Longest time from revocation to assignment', (s) => s.rebalanceMaxTimeMs);
    gauge(`${rebalance}time_since_last_rebalance_ms`, 'Time since the last completed rebalance', (s) =>
      s.lastRebalanceCompletedAt === null ? null : Date.now() - s.lastRebalanceCompletedAt,
    );
    new Gauge({
      name: `${PREFIX}${rebalance}leader_name`,
      help: "The leader's advertised URL, as the label of a gauge that is 1",
      labelNames: ['leader'],
      registers,
      collect() {
        this.reset();
        const leader = source()?.leaderUrl;
        if (leader) this.set({ leader }, 1);
      },
    });
    gauge('connect_coordinator_metrics_assigned_connectors', 'Connectors assigned to this worker', (s) => s.assignedConnectors);
    gauge('connect_coordinator_metrics_assigned_tasks', 'Tasks assigned to this worker', (s) => s.assignedTasks);
  }

  /** A running connector's plugin metrics; the returned function stops reading them. */
  trackPlugin(connector: string, source: () => readonly PluginMetric[]): () => void {
    this.#pluginSources.set(connector, source);
    return () => {
      if (this.#pluginSources.get(connector) === source) this.#pluginSources.delete(connector);
    };
  }

  /** The metrics of one sink task, labelled `connector` and `task`; the consumer's lag also `client_id`. */
  sinkTask(id: ConnectorTaskId, clientId: string): SinkTaskMetrics {
    const labels: TaskLabels = { connector: id.connector, task: String(id.task) };
    const lagSeries = new Map<string, Record<string, string>>();
    const perTask = [
      this.#read,
      this.#sent,
      this.#putTime,
      this.#commitTime,
      this.#commitSuccess,
      this.#commitFailure,
      this.#retries,
      this.#recordErrors,
      this.#recordsSkipped,
      this.#errorsLogged,
      this.#dlqRequests,
      this.#dlqFailures,
    ];
    // series exist from the start, so a rate over them is 0 rather than absent
    for (const metric of perTask) if (metric instanceof Counter) metric.inc(labels, 0);
    const owner = {};
    const ownerKey = `${id.connector}-${id.task}`;
    this.#taskOwners.set(ownerKey, owner);
    return {
      recordsRead: (count) => this.#read.inc(labels, count),
      recordsPut: (count, seconds) => {
        this.#sent.inc(labels, count);
        this.#putTime.observe(labels, seconds);
      },
      retried: () => this.#retries.inc(labels),
      recordError: ({ skipped, logged }) => {
        this.#recordErrors.inc(labels);
        if (skipped) this.#recordsSkipped.inc(labels);
        if (logged) this.#errorsLogged.inc(labels);
      },
      deadLetterProduced: (ok) => (ok ? this.#dlqRequests : this.#dlqFailures).inc(labels),
      offsetCommit: (seconds, ok) => {
        this.#commitTime.observe(labels, seconds);
        (ok ? this.#commitSuccess : this.#commitFailure).inc(labels);
      },
      lag: (topic, partition, records) => {
        const series = { ...labels, client_id: clientId, topic, partition: String(partition) };
        lagSeries.set(`${topic}-${partition}`, series);
        this.#lag.set(series, Math.max(0, records));
      },
      partitionsClosed: (partitions) => {
        for (const { topic, partition } of partitions) {
          const series = lagSeries.get(`${topic}-${partition}`);
          if (series) this.#lag.remove(series);
          lagSeries.delete(`${topic}-${partition}`);
        }
      },
      close: () => {
        if (this.#taskOwners.get(ownerKey) !== owner) return;
        this.#taskOwners.delete(ownerKey);
        for (const metric of perTask) metric.remove(labels);
        for (const series of lagSeries.values()) this.#lag.remove(series);
        lagSeries.clear();
      },
    };
  }

  /** The text exposition format, what `GET /metrics` answers. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    this.#collectPluginMetrics();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Kafka's connector-metrics / connector-task-metrics `status` and connect-worker-metrics counts. */
  #statusMetrics(): void {
    const registers = [this.registry];
    const snapshot = (): StatusSnapshot['connectors'] => this.#statusSources.flatMap((source) => source().connectors);
    new Gauge({
      name: `${PREFIX}connector_metrics_status`,
      help: "The connector's state: 1 for the state it is in, 0 for the others",
      labelNames: ['connector', 'status'],
      registers,
      collect() {
        this.reset();
        for (const c of snapshot()) for (const status of STATES) this.set({ connector: c.name, status }, c.state === status ? 1 : 0);
      },
    });
    new Gauge({
      name: `${PREFIX}connector_task_metrics_status`,
      help: "The task's state: 1 for the state it is in, 0 for the others",
      labelNames: ['connector', 'task', 'status'],
      registers,
      collect() {
        this.reset();
        for (const c of snapshot()) {
          for (const t of c.tasks) for (const status of STATES) this.set({ connector: c.name, task: String(t.id), status }, t.state === status ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}connect_worker_metrics_connector_count`,
      help: 'Connectors on this worker',
      registers,
      collect() {
        this.set(snapshot().length);
      },
    });
    new Gauge({
      name: `${PREFIX}connect_worker_metrics_task_count`,
      help: 'Tasks on this worker',
      registers,
      collect() {
        this.set(snapshot().reduce((n, c) => n + c.tasks.length, 0));
      },
    });
    new Gauge({
      name: `${PREFIX}connect_worker_metrics_connector_count_by_state`,
      help: 'Connectors on this worker in each state',
      labelNames: ['state'],
      registers,
      collect() {
        const connectors = snapshot();
        for (const state of STATES) this.set({ state }, connectors.filter((c) => c.state === state).length);
      },
    });
    new Gauge({
      name: `${PREFIX}connect_worker_metrics_task_count_by_state`,
      help: 'Tasks on this worker in each state',
      labelNames: ['state'],
      registers,
      collect() {
        const tasks = snapshot().flatMap((c) => c.tasks);
        for (const state of STATES) this.set({ state }, tasks.filter((t) => t.state === state).length);
      },
    });
    for (const state of TASK_COUNT_STATES) {
      new Gauge({
        name: `${PREFIX}connect_worker_metrics_connector_${state.toLowerCase()}_task_count`,
        help: `Tasks of the connector in state ${state}`,
        labelNames: ['connector'],
        registers,
        collect() {
          this.reset();
          for (const c of snapshot()) this.set({ connector: c.name }, c.tasks.filter((t) => t.state === state).length);
        },
      });
    }
    new Gauge({
      name: `${PREFIX}connect_worker_metrics_connector_total_task_count`,
      help: 'Tasks of the connector',
      labelNames: ['connector'],
      registers,
      collect() {
        this.reset();
        for (const c of snapshot()) this.set({ connector: c.name }, c.tasks.length);
      },
    });
  }

  /** Reads every running connector's plugin metrics into families registered on first sight. */
  #collectPluginMetrics(): void {
    for (const family of this.#pluginFamilies.values()) family.clear();
    for (const [connector, source] of this.#pluginSources) {
      let samples: readonly PluginMetric[];
      try {
        samples = source();
      } catch {
        continue; // a plugin's metrics must never break a scrape
      }
      for (const sample of samples) {
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(sample.name)) continue;
        const name = PLUGIN_PREFIX + sample.name;
        let family = this.#pluginFamilies.get(name);
        if (!family) {
          family = new PluginFamily(name, sample.help, sample.type);
          this.#pluginFamilies.set(name, family);
          this.registry.registerMetric(family as unknown as Metric);
        }
        family.add(connector, sample);
      }
    }
  }
}

/** One plugin metric family in prom-client's collector shape (name, help, type, get()). */
class PluginFamily {
  readonly #values: Array<{ metricName?: string; labels: Record<string, string>; value: number }> = [];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: PluginMetric['type'],
  ) {}

  readonly aggregator = 'sum';

  clear(): void {
    this.#values.length = 0;
  }

  add(connector: string, sample: PluginMetric): void {
    if (sample.type !== this.type) return;
    const labels = { ...sample.labels, connector };
    if (sample.type === 'summary') {
      this.#values.push({ metricName: `${this.name}_sum`, labels, value: sample.sum }, { metricName: `${this.name}_count`, labels, value: sample.count });
    } else {
      this.#values.push({ labels, value: sample.value });
    }
  }

  async get(): Promise<{ name: string; help: string; type: string; values: unknown[]; aggregator: string }> {
    return { name: this.name, help: this.help, type: this.type, values: [...this.#values], aggregator: this.aggregator };
  }
}
