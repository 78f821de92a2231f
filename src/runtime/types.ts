/**
 * Value types crossing the Herder boundary. They are wire-identical to Kafka Connect's REST entities
 * (field names and order), so the API layer serialises them as they are.
 */
import type { ConnectorTaskId, State } from './status/status.js';

export type { ConnectorTaskId } from './status/status.js';
export type ConnectorType = 'sink' | 'source' | 'unknown';

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: ConnectorTaskId[];
  type: ConnectorType;
}

export interface EntityState {
  state: State;
  worker_id: string;
  /** omitted when empty */
  trace?: string;
  /** plugin version of the running instance (Kafka 4.1); omitted when unknown */
  version?: string;
}

export interface TaskState extends EntityState {
  id: number;
}

export interface ConnectorStateInfo {
  name: string;
  connector: EntityState;
  tasks: TaskState[];
  type: ConnectorType;
}

export interface TaskInfo {
  id: ConnectorTaskId;
  config: Record<string, string>;
}

export interface CreateConnectorRequest {
  name: string;
  config: Record<string, string | null>;
  /** already upper-cased and checked by the API layer */
  initial_state?: 'RUNNING' | 'PAUSED' | 'STOPPED' | null;
}

/** Result of an operation that may create: `created` selects 201 + Location vs 200. */
export interface Created<T> {
  created: boolean;
  result: T;
}

export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string | null;
  group: string | null;
  width: string;
  display_name: string;
  dependents: string[];
  order: number;
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

export type PluginType = 'sink' | 'source' | 'converter' | 'header_converter' | 'transformation' | 'predicate';

export interface PluginInfo {
  class: string;
  type: PluginType;
  /** omitted when the plugin reports no version */
  version?: string;
}

export interface ActiveTopicsInfo {
  [connector: string]: { topics: string[] };
}

export interface SinkPartition {
  kafka_topic: string;
  kafka_partition: number;
}

export interface ConnectorOffset {
  partition: SinkPartition;
  offset: { kafka_offset: number } | null;
}

export interface ConnectorOffsets {
  offsets: ConnectorOffset[];
}

/** An alter-offsets request after the API layer checked its JSON shape (values not yet interpreted). */
export interface AlterOffsetsRequest {
  offsets: Array<{ partition: Record<string, unknown> | null; offset: Record<string, unknown> | null }>;
}

export interface Message {
  message: string;
}

export interface ServerInfo {
  version: string;
  commit: string;
  kafka_cluster_id: string | null;
}

export type HealthStatus = 'healthy' | 'starting' | 'unhealthy';

export interface WorkerStatus {
  status: HealthStatus;
  message: string;
}

export interface LoggerLevel {
  level: string;
  last_modified: number | null;
}

export interface RestartRequest {
  includeTasks: boolean;
  onlyFailed: boolean;
}
