/**
 * The Worker of a standalone process (Kafka's Worker): runs connector instances, starts each sink task
 * in a task thread of its connector (TaskThreads places it; the thread builds the consumer, converters,
 * error handling and DLQ producer) and answers the offset operations of the herder. It keeps no state of its own beyond
 * the running instances and reports only through the listener.
 */
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { ConnectorConfig, TargetState } from '../../store/types.js';
import { settlesWithin, systemClock, type Clock } from '../clock.js';
import { ConfigTransformer } from '../config/config-transformer.js';
import type { WorkerConfig } from '../config/worker-config.js';
import { ServerError } from '../errors.js';
import { createKafka } from '../kafka/client.js';
import { clientOptions, withPrefix } from '../kafka/client-config.js';
import { GroupNotEmptyError, OffsetsAdmin } from '../kafka/offsets-admin.js';
import type { Loggers } from '../loggers.js';
import type { ConnectMetrics } from '../metrics.js';
import type { Plugins } from '../plugins.js';
import { State, type ConnectorTaskId, type StatusListener } from '../status/status.js';
import type { ConnectorOffsets } from '../types.js';
import { ConnectorPluginMetrics } from './connector-plugin-metrics.js';
import { errorHandlingConfig, formatTrace } from './error-handling.js';
import { dlqProducerOptions, taskConsumerOptions, type ConverterSpec, type TaskData } from './task-thread-data.js';
import { TaskThreads } from './task-threads.js';
import { ThreadedTask } from './threaded-task.js';
import type { SinkOffsetChange, Worker } from './worker.js';
import { WorkerConnector } from './worker-connector.js';

export interface StandaloneWorkerOptions {
  readonly workerConfig: WorkerConfig;
  readonly plugins: Plugins;
  readonly loggers: Loggers;
  readonly clock?: Clock;
  /** Resolves `${provider:path:key}` placeholders when instances start; default: no providers. */
  readonly configTransformer?: ConfigTransformer;
  /** Where tasks report their metrics and connectors' plugin metrics are read from; none by default. */
  readonly metrics?: ConnectMetrics;
}

const CLUSTER_ID_TIMEOUT_MS = 2000;
/** How long an offsets change waits for the consumers of stopped tasks to leave their group. */
const CONSUMERS_LEFT_WAIT_MS = 10_000;

const NOT_STOPPED =
  "either because its tasks haven't stopped completely yet or the connector was resumed before the request to {verb} its offsets " +
  'could be successfully completed. If the connector is in a stopped state, this operation can be safely retried. If it ' +
  "doesn't eventually succeed, the Connect cluster may need to be restarted to get rid of the zombie sink tasks.";

/**
 * Worker `task.threads.per.connector`; 0 (the default) leaves one of the cores the process may use to the
 * main thread and the I/O the tasks cause, and runs tasks in the others (at least one thread).
 */
export function taskThreadsPerConnector(config: WorkerConfig): number {
  return config.getInt('task.threads.per.connector') || Math.max(1, availableParallelism() - 1);
}

function taskKey(id: ConnectorTaskId): string {
  return `${id.connector}-${id.task}`;
}

/** Kafka's sink consumer group: `connect-<name>` unless `consumer.override.group.id` says otherwise. */
export function sinkGroupId(name: string, config: ConnectorConfig): string {
  return config['consumer.override.group.id']?.trim() || `connect-${name}`;
}

export class StandaloneWorker implements Worker {
  readonly workerId: string;
  readonly #config: WorkerConfig;
  readonly #plugins: Plugins;
  readonly #loggers: Loggers;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #connectors = new Map<string, WorkerConnector>();
  readonly #tasks = new Map<string, ThreadedTask>();
  readonly #threads: TaskThreads;
  readonly #transformer: ConfigTransformer;
  /** the stored (unresolved) config of each running connector, to put placeholders back into its task configs */
  readonly #rawConfigs = new Map<string, ConnectorConfig>();
  readonly #metrics: ConnectMetrics | undefined;
  /** stops reading a connector's plugin metrics */
  readonly #untrackPlugin = new Map<string, () => void>();
  /** each connector's plugin metrics, added up over its task threads; kept for the process's life, as counters are */
  readonly #pluginMetrics = new Map<string, ConnectorPluginMetrics>();
  #clusterId: string | null = null;
  /** stopped tasks whose consumers are still leaving their groups, with their connector */
  readonly #closing = new Map<Promise<void>, string>();

  constructor(options: StandaloneWorkerOptions) {
    this.#config = options.workerConfig;
    this.#plugins = options.plugins;
    this.#loggers = options.loggers;
    this.#clock = options.clock ?? systemClock;
    this.#transformer = options.configTransformer ?? ConfigTransformer.NONE;
    this.#metrics = options.metrics;
    this.workerId = options.workerConfig.workerId;
    this.#log = options.loggers.logger('org.apache.kafka.connect.runtime.Worker');
    this.#threads = new TaskThreads({
      plugins: this.#plugins.modules,
      loggers: this.#loggers,
      logger: this.#log,
      threadsPerConnector: taskThreadsPerConnector(this.#config),
      heapMaxMb: this.#config.getInt('task.heap.max.mb'),
      unresponsiveTimeoutMs: this.#config.getLong('task.threads.unresponsive.timeout.ms'),
      nice: this.#config.getInt('task.threads.nice'),
      metrics: this.#metrics !== undefined,
      pluginMetrics: (connector) => (this.#metrics ? this.#connectorPluginMetrics(connector) : undefined),
    });
  }

  // ---- connectors -------------------------------------------------------------------------------

  async startConnector(name: string, config: ConnectorConfig, targetState: TargetState, listener: StatusListener): Promise<boolean> {
    await this.stopConnector(name);
    let connector: WorkerConnector;
    try {
      const resolved = this.#transformer.resolve(config, `connector ${name}`);
      const plugin = this.#plugins.connector(resolved['connector.class'] ?? '');
      const logger = this.#loggers.logger('org.apache.kafka.connect.runtime.WorkerConnector').child({ connector: name });
      connector = new WorkerConnector({ name, config: resolved, plugin, listener, logger });
      // the plugin counts where its tasks run: in their threads, which send their samples here
      if (this.#metrics && plugin.metrics) {
        const pluginMetrics = this.#connectorPluginMetrics(name);
        this.#untrackPlugin.set(
          name,
          this.#metrics.trackPlugin(name, () => pluginMetrics.samples()),
        );
      }
    } catch (error) {
      this.#log.error({ err: error, connector: name }, `Failed to start connector ${name}`);
      listener.onConnectorState(name, State.FAILED, formatTrace(error));
      return false;
    }
    this.#connectors.set(name, connector);
    this.#rawConfigs.set(name, config);
    this.#log.info({ connector: name }, `Creating connector ${name} in state ${targetState}`);
    return connector.transitionTo(targetState);
  }

  async connectorTaskConfigs(name: string, maxTasks: number): Promise<Record<string, string>[]> {
    const connector = this.#connectors.get(name);
    if (!connector) throw new Error(`Connector ${name} is not running on this worker`);
    // Invariant: task configs leave the worker (to be stored) with placeholders, never resolved secrets
    return this.#transformer.reverseTransform(this.#rawConfigs.get(name) ?? {}, await connector.taskConfigs(maxTasks));
  }

  async stopConnector(name: string): Promise<void> {
    const connector = this.#connectors.get(name);
    if (!connector) return;
    this.#connectors.delete(name);
    this.#rawConfigs.delete(name);
    this.#untrackPlugin.get(name)?.();
    this.#untrackPlugin.delete(name);
    await connector.stop();
  }

  // ---- tasks ------------------------------------------------------------------------------------

  async startTask(
    id: ConnectorTaskId,
    connectorConfig: ConnectorConfig,
    taskConfig: ConnectorConfig,
    targetState: TargetState,
    listener: StatusListener,
  ): Promise<boolean> {
    if (this.#tasks.has(taskKey(id))) {
      this.#log.warn(`Task ${taskKey(id)} is already running on this worker; stopping it first`);
      await this.stopTask(id);
    }
    this.#log.info({ connector: id.connector, task: id.task }, `Creating task ${taskKey(id)}`);
    const logger = this.#loggers.logger('org.apache.kafka.connect.runtime.WorkerSinkTask').child({ connector: id.connector, task: id.task });
    let data: TaskData;
    try {
      data = this.#taskThreadData(id, connectorConfig, taskConfig, targetState, logger);
    } catch (error) {
      this.#log.error({ err: error }, `Failed to start task ${taskKey(id)}`);
      listener.onTaskState(id, State.FAILED, formatTrace(error));
      return false;
    }
    const metrics = this.#metrics?.sinkTask(id, taskConsumerOptions(data).client.clientId ?? `connector-consumer-${id.connector}-${id.task}`);
    const task = new ThreadedTask({ data, listener, logger, clock: this.#clock, ...(metrics ? { metrics } : {}) });
    try {
      // like Kafka's executor: the task starts on its own (in its thread); it reports RUNNING or FAILED when it knows
      task.start(this.#threads.threadFor(id.connector));
    } catch (error) {
      this.#log.error({ err: error }, `Failed to start the thread of task ${taskKey(id)}`);
      metrics?.close();
      listener.onTaskState(id, State.FAILED, formatTrace(error));
      return false;
    }
    this.#tasks.set(taskKey(id), task);
    return true;
  }

  async stopTask(id: ConnectorTaskId): Promise<void> {
    const task = this.#tasks.get(taskKey(id));
    if (!task) return;
    this.#tasks.delete(taskKey(id));
    try {
      await task.stop();
    } finally {
      this.#leaving(task);
    }
  }

  /** The task threads running now, per connector (diagnostics, and the tests of task placement). */
  taskThreadCounts(): Map<string, number> {
    return this.#threads.counts();
  }

  setTaskTargetState(id: ConnectorTaskId, state: TargetState): void {
    this.#tasks.get(taskKey(id))?.transitionTo(state);
  }

  /** The tasks report PAUSED or RUNNING from their threads once they applied it. */
  async setTargetState(name: string, state: TargetState): Promise<void> {
    await this.#connectors.get(name)?.transitionTo(state);
    for (const task of this.#tasks.values()) if (task.id.connector === name) task.transitionTo(state);
  }

  #connectorPluginMetrics(name: string): ConnectorPluginMetrics {
    let metrics = this.#pluginMetrics.get(name);
    if (metrics === undefined) this.#pluginMetrics.set(name, (metrics = new ConnectorPluginMetrics()));
    return metrics;
  }

  /** A stopped task's consumer leaves its group in the background (its thread then ends); shutdown waits for it. */
  #leaving(task: ThreadedTask): void {
    const closed = task.closed().finally(() => this.#closing.delete(closed));
    this.#closing.set(closed, task.id.connector);
  }

  /**
   * An offsets change needs the consumer group empty: a stop answers before the stopped tasks' consumers
   * have left, so wait for them here (bounded: a consumer stuck in a join is reported by Kafka's own
   * "tasks haven't stopped completely yet" answer).
   */
  async #consumersLeft(name: string): Promise<void> {
    const leaving = [...this.#closing].filter(([, connector]) => connector === name).map(([closed]) => closed);
    if (leaving.length > 0) await settlesWithin(this.#clock, Promise.all(leaving), CONSUMERS_LEFT_WAIT_MS);
  }

  /**
   * What the task's thread starts with, resolved here so that a config that cannot work fails the task
   * before any thread starts: placeholders, the connector and converter classes, the client properties.
   */
  #taskThreadData(id: ConnectorTaskId, rawConnectorConfig: ConnectorConfig, rawTaskConfig: ConnectorConfig, targetState: TargetState, log: Logger): TaskData {
    const name = id.connector;
    const connectorConfig = this.#transformer.resolve(rawConnectorConfig, `connector ${name}`);
    const taskConfig = this.#transformer.resolve(rawTaskConfig, `task ${taskKey(id)}`);
    const plugin = this.#plugins.connector(connectorConfig['connector.class'] ?? '');
    if (this.#plugins.modules.length === 0) {
      throw new Error(
        `The plugins were handed in as objects, not loaded from their modules (Plugins.load): the thread of task ${taskKey(id)} could not find ${plugin.className}`,
      );
    }
    const data: TaskData = {
      id,
      connectorClass: plugin.className,
      connectorConfig,
      taskConfig,
      targetState,
      keyConverter: this.#converter(connectorConfig, 'key'),
      valueConverter: this.#converter(connectorConfig, 'value'),
      headerConverter: this.#converter(connectorConfig, 'header'),
      groupId: sinkGroupId(name, connectorConfig),
      consumerProps: { ...this.#config.originalsWithPrefix('consumer.'), ...withPrefix('consumer.override.', connectorConfig) },
      producerProps: { ...this.#config.originalsWithPrefix('producer.'), ...withPrefix('producer.override.', connectorConfig) },
      bootstrapServers: this.#config.getList('bootstrap.servers'),
      offsetFlushIntervalMs: this.#config.getLong('offset.flush.interval.ms'),
      offsetFlushTimeoutMs: this.#config.getLong('offset.flush.timeout.ms'),
      shutdownTimeoutMs: this.#config.getLong('task.shutdown.graceful.timeout.ms'),
      topicTracking: this.#config.getBoolean('topic.tracking.enable'),
    };
    // the thread derives the same options from the same properties; invalid ones fail the task here
    this.#warnUnsupported(log, 'consumer', taskConsumerOptions(data).unsupported);
    if (errorHandlingConfig(connectorConfig).dlqTopic !== '') this.#warnUnsupported(log, 'producer', dlqProducerOptions(data).unsupported);
    return data;
  }

  /**
   * Kafka's rule: the connector's `<key|value|header>.converter` wins over the worker's, and its settings
   * come from the same config that named the class (`<key|value|header>.converter.*`). The thread builds it.
   */
  #converter(connectorConfig: ConnectorConfig, kind: 'key' | 'value' | 'header'): ConverterSpec {
    const classKey = `${kind}.converter`;
    const own = connectorConfig[classKey]?.trim();
    const className = own || (this.#config.getString(classKey) as string);
    const props = own ? withPrefix(`${classKey}.`, connectorConfig) : this.#config.originalsWithPrefix(`${classKey}.`);
    return { className: this.#plugins.converter(className).className, props };
  }

  #warnUnsupported(log: Logger, client: string, keys: readonly string[]): void {
    for (const key of keys) log.warn(`The ${client} property '${key}' has no equivalent in this worker's Kafka client and is ignored`);
  }

  // ---- offsets ----------------------------------------------------------------------------------

  #admin(name: string | null, connectorConfig: ConnectorConfig = {}): OffsetsAdmin {
    const props = { ...this.#config.originalsWithPrefix('admin.'), ...withPrefix('admin.override.', connectorConfig) };
    const { client } = clientOptions(props, {
      bootstrapServers: this.#config.getList('bootstrap.servers'),
      clientId: name === null ? 'connect-cluster-id' : `connector-adminclient-${name}`,
    });
    return new OffsetsAdmin(createKafka(client, this.#loggers, name === null ? {} : { connector: name }));
  }

  async sinkConnectorOffsets(name: string, rawConfig: ConnectorConfig): Promise<ConnectorOffsets> {
    try {
      const config = this.#transformer.resolve(rawConfig, `connector ${name}`);
      const offsets = await this.#admin(name, config).committedOffsets(sinkGroupId(name, config));
      return {
        offsets: offsets.map(({ topic, partition, offset }) => ({
          partition: { kafka_topic: topic, kafka_partition: partition },
          offset: { kafka_offset: offset },
        })),
      };
    } catch (error) {
      throw new ServerError(`Failed to retrieve consumer group offsets for sink connector ${name}`, { cause: error });
    }
  }

  async alterSinkConnectorOffsets(name: string, rawConfig: ConnectorConfig, changes: readonly SinkOffsetChange[]): Promise<void> {
    try {
      const config = this.#transformer.resolve(rawConfig, `connector ${name}`);
      await this.#consumersLeft(name);
      await this.#admin(name, config).alterOffsets(sinkGroupId(name, config), changes);
    } catch (error) {
      throw this.#offsetsError(error, name, 'alter');
    }
  }

  async resetSinkConnectorOffsets(name: string, rawConfig: ConnectorConfig): Promise<void> {
    try {
      const config = this.#transformer.resolve(rawConfig, `connector ${name}`);
      await this.#consumersLeft(name);
      await this.#admin(name, config).deleteGroup(sinkGroupId(name, config));
    } catch (error) {
      throw this.#offsetsError(error, name, 'reset');
    }
  }

  #offsetsError(error: unknown, name: string, verb: 'alter' | 'reset'): ServerError {
    this.#log.error({ err: error, connector: name }, `Failed to ${verb} the offsets of connector ${name}`);
    const prefix = `Failed to ${verb} consumer group offsets for connector ${name}`;
    if (error instanceof GroupNotEmptyError) return new ServerError(`${prefix} ${NOT_STOPPED.replace('{verb}', verb)}`, { cause: error });
    return new ServerError(prefix, { cause: error });
  }

  /** Cached once known; null (quickly) while no broker answers. */
  async kafkaClusterId(): Promise<string | null> {
    this.#clusterId ??= await this.#admin(null).clusterId(CLUSTER_ID_TIMEOUT_MS);
    return this.#clusterId;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#tasks.values()].map((task) => this.stopTask(task.id)));
    await Promise.all([...this.#connectors.keys()].map((name) => this.stopConnector(name)));
    // each close is bounded by the consumer close timeout
    await Promise.all([...this.#closing.keys()]);
  }
}
