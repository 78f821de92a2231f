import type { ConfigDef, ConfigValue } from './config-def.js';
import type { PluginMetric } from './plugin-metrics.js';
import type { PluginLogger, SinkTask } from './sink-task.js';

export interface ConnectorContext {
  /** Ask the framework to call taskConfigs() again (e.g. the external system changed). */
  requestTaskReconfiguration(): void;
  /** Report an unrecoverable failure of the connector instance (not of a task). */
  raiseError(error: Error): void;
}

/** Kafka's SinkConnector: holds the connector config and splits it into task configs. */
export interface SinkConnector {
  version(): string;
  /** The connector's own keys (the framework adds its sink keys around them). */
  config(): ConfigDef;
  start(props: Readonly<Record<string, string>>, context: ConnectorContext): Promise<void>;
  /** At most `maxTasks` configs; each becomes one task. */
  taskConfigs(maxTasks: number): Record<string, string>[];
  stop(): Promise<void>;
  /**
   * Optional deeper validation (e.g. reachability of the external system). Receives the raw props and
   * the ConfigValues the ConfigDef already produced; returns them, possibly with more errors.
   * Must finish within a short timeout and never put secrets into messages.
   */
  validate?(props: Readonly<Record<string, string>>, values: Map<string, ConfigValue>): Promise<Map<string, ConfigValue>>;
}

export interface SinkConnectorPlugin {
  /** e.g. `com.milvus.io.kafka.MilvusSinkConnector` */
  readonly className: string;
  /** extra names accepted in `connector.class` and plugin URLs, e.g. `MilvusSink` */
  readonly aliases: readonly string[];
  readonly type: 'sink';
  /** `undefined` when unknown (then omitted from PluginInfo) */
  readonly version: string | undefined;
  /** class name written to task configs as `task.class` */
  readonly taskClassName: string;
  createConnector(): SinkConnector;
  createTask(): SinkTask;
  /**
   * Optional: the plugin's own metrics for one connector, read about once a second in each of its task
   * threads (see PluginMetric: the worker adds up the tasks). Must be cheap and must not throw.
   */
  metrics?(connector: string): readonly PluginMetric[];
  /**
   * Optional: hands the plugin the worker's named loggers, once in every thread that loads it (the main
   * thread and each task thread: a library's process-wide settings are per thread in Node), so that the
   * libraries it uses that log on their own (grpc-js) write to the worker's log instead of stderr.
   */
  routeLogs?(logger: (name: string) => PluginLogger): void;
}
