import type { ConnectorConfig, TargetState } from '../../store/types.js';
import type { ConnectorTaskId, StatusListener } from '../status/status.js';
import type { ConnectorOffsets } from '../types.js';

/** One sink partition offset change; `offset: null` deletes the committed offset (reset). */
export interface SinkOffsetChange {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number | null;
}

/**
 * Runs connector and task instances in this process (Kafka's Worker). It never persists anything;
 * it reports every state change through the StatusListener it was given and is driven only by the herder.
 * All methods are safe to call for instances that are not running (they are no-ops then).
 */
export interface Worker {
  /** `<advertised host>:<advertised port>` */
  readonly workerId: string;

  /** Starts a connector instance in `targetState`; resolves false when it failed (already reported). */
  startConnector(name: string, config: ConnectorConfig, targetState: TargetState, listener: StatusListener): Promise<boolean>;
  /** Asks a running connector for at most `maxTasks` task configs (framework keys not yet added). */
  connectorTaskConfigs(name: string, maxTasks: number): Promise<Record<string, string>[]>;
  stopConnector(name: string): Promise<void>;

  /**
   * Starts one sink task and resolves at once, as Kafka's Worker hands a task to its executor: the task
   * builds its clients and starts the plugin task in the background and reports RUNNING, PAUSED or FAILED
   * through the listener. Resolves false only when it could not even be created (already reported FAILED).
   */
  startTask(
    id: ConnectorTaskId,
    connectorConfig: ConnectorConfig,
    taskConfig: ConnectorConfig,
    targetState: TargetState,
    listener: StatusListener,
  ): Promise<boolean>;
  /**
   * Stops the task: waits for its in-flight work and commit at most `task.shutdown.graceful.timeout.ms`,
   * then abandons it. Its consumer leaves the group in the background; `stop()` waits for that.
   */
  stopTask(id: ConnectorTaskId): Promise<void>;
  /** Moves one running task to PAUSED or STARTED (RUNNING); no-op when it does not run here. */
  setTaskTargetState(id: ConnectorTaskId, state: TargetState): void;

  /** Moves a running connector and its tasks to PAUSED or STARTED (RUNNING). */
  setTargetState(name: string, state: TargetState): Promise<void>;

  /** Committed offsets of the connector's consumer group. */
  sinkConnectorOffsets(name: string, config: ConnectorConfig): Promise<ConnectorOffsets>;
  alterSinkConnectorOffsets(name: string, config: ConnectorConfig, changes: readonly SinkOffsetChange[]): Promise<void>;
  /** Deletes the whole consumer group; a missing group is success. */
  resetSinkConnectorOffsets(name: string, config: ConnectorConfig): Promise<void>;

  /** The Kafka cluster id, or null while the broker cannot be reached. */
  kafkaClusterId(): Promise<string | null>;
  /** Stops every instance (committing what is safe), closes clients and waits (bounded) for consumers to leave. */
  stop(): Promise<void>;
}
