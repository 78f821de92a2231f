import type {
  ActiveTopicsInfo,
  AlterOffsetsRequest,
  ConfigInfos,
  ConfigKeyInfo,
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  Created,
  CreateConnectorRequest,
  LoggerLevel,
  Message,
  PluginInfo,
  RestartRequest,
  ServerInfo,
  TaskInfo,
  TaskState,
  WorkerStatus,
} from '../types.js';

/**
 * Every operation the REST API may request, one method per endpoint (Kafka's Herder).
 * The herder is the single writer of desired state: it validates, persists in one transaction, answers,
 * and brings the task instances to that state in the background. Mutations on one connector are
 * serialised; a mutation whose `signal` is aborted (its client has gone) before its turn is not executed.
 * Methods throw the errors of `../errors.ts` with Kafka's messages; they never know about HTTP.
 */
export interface Herder {
  /** Connector names, sorted. */
  connectors(): Promise<string[]>;
  /** `Connector <c> not found` when absent. */
  connectorInfo(name: string): Promise<ConnectorInfo>;
  /** The raw stored config (placeholders unresolved, `name` included). */
  connectorConfig(name: string): Promise<Record<string, string>>;
  /**
   * POST /connectors: trims the name (Java `String.trim`), rejects a config `name` that differs from it
   * and names the REST API could not address (400), sets `name` in the config, validates, then 409
   * `Connector <c> already exists`. The API passes the request body as bound, untrimmed.
   */
  createConnector(request: CreateConnectorRequest, signal?: AbortSignal): Promise<ConnectorInfo>;
  /** PUT …/config: creates (created=true) or replaces, keeping the target state. A config `name` must equal `name` (400). */
  putConnectorConfig(name: string, config: Record<string, string | null>, signal?: AbortSignal): Promise<Created<ConnectorInfo>>;
  /** PATCH …/config: null values remove keys; never creates; a `name` in the patch must equal `name` (400). */
  patchConnectorConfig(name: string, patch: Record<string, string | null>, signal?: AbortSignal): Promise<ConnectorInfo>;
  /** Removes config, task configs and statuses; the tasks stop in the background; offsets are kept. */
  deleteConnector(name: string, signal?: AbortSignal): Promise<void>;
  /** `No status found for connector <c>` when absent. */
  connectorStatus(name: string): Promise<ConnectorStateInfo>;
  /** `No status found for task <c>-<t>` when absent. */
  taskStatus(name: string, task: number): Promise<TaskState>;
  /** Task configs by ascending id; [] when stopped or never started. */
  taskConfigs(name: string): Promise<TaskInfo[]>;
  /** Deprecated `tasks-config`: `{ "<c>-<t>": config }`. */
  tasksConfig(name: string): Promise<Record<string, Record<string, string>>>;
  /**
   * Plain restart (both flags false) resolves null; otherwise the plan with RESTARTING entries. Resolves once
   * decided: an instance that then fails to start shows FAILED with its trace.
   */
  restartConnector(name: string, request: RestartRequest, signal?: AbortSignal): Promise<ConnectorStateInfo | null>;
  /** Resolves once decided; the task restarts in the background and a failed start shows as FAILED. */
  restartTask(name: string, task: number, signal?: AbortSignal): Promise<void>;
  /** Idempotent; resolve once the target state is persisted (transitions are asynchronous). */
  pauseConnector(name: string, signal?: AbortSignal): Promise<void>;
  resumeConnector(name: string, signal?: AbortSignal): Promise<void>;
  /** Writes an empty task-config list and target STOPPED; the tasks stop in the background. */
  stopConnector(name: string, signal?: AbortSignal): Promise<void>;
  /** Never 404s; ForbiddenError when topic tracking is disabled. */
  connectorActiveTopics(name: string): Promise<ActiveTopicsInfo>;
  resetConnectorActiveTopics(name: string): Promise<void>;
  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  /** Only in STOPPED with zero tasks; checks the request per spec §4.22. */
  alterConnectorOffsets(name: string, request: AlterOffsetsRequest, signal?: AbortSignal): Promise<Message>;
  resetConnectorOffsets(name: string, signal?: AbortSignal): Promise<Message>;
  /** The validate endpoint: 200 ConfigInfos even with errors. `pluginName` is the URL's plugin. */
  validateConnectorConfig(config: Record<string, string | null>, pluginName?: string): Promise<ConfigInfos>;
  connectorPlugins(connectorsOnly: boolean): Promise<PluginInfo[]>;
  /** `version`: a version requirement (KIP-891); a plugin that does not satisfy it is a BadRequestError. */
  connectorPluginConfig(pluginName: string, version?: string): Promise<ConfigKeyInfo[]>;
  serverInfo(): Promise<ServerInfo>;
  /** Never throws: the status says what is wrong. */
  health(): Promise<WorkerStatus>;
  /** Loggers with an explicitly set level (plus root), sorted by name. */
  loggers(): Promise<Record<string, LoggerLevel>>;
  /** `Logger <name> not found.` when absent. */
  loggerLevel(name: string): Promise<LoggerLevel>;
  /** Returns the affected logger names (sorted). `invalid log level '<l>'.` as NotFoundError. */
  setLoggerLevel(name: string, level: string, scope: 'worker' | 'cluster'): Promise<string[]>;
  /** What the herder is doing right now, for `Request timed out.` messages; null when idle. */
  currentStage(): { description: string; startedAt: number } | null;
}
