/**
 * The persisted vocabulary and the store interfaces. Implementations: SQLite for desired state
 * (configs, target states, task configs), memory for observed status.
 * Everything a mutating request changes is written in one transaction: nothing half-written.
 */

/** Desired state, persisted (Kafka's TargetState). Shown to users as RUNNING / PAUSED / STOPPED. */
export const TargetState = { STARTED: 'STARTED', PAUSED: 'PAUSED', STOPPED: 'STOPPED' } as const;
export type TargetState = (typeof TargetState)[keyof typeof TargetState];

/** A connector config: string values, keys in the order the user gave them. */
export type ConnectorConfig = Readonly<Record<string, string>>;

export interface ConnectorRecord {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly targetState: TargetState;
  /** Task configs as last generated; empty for STOPPED connectors or ones never started. */
  readonly taskConfigs: readonly ConnectorConfig[];
}

/**
 * Desired state. The herder reads it at every REST read and status report and keeps no copy, so an
 * implementation answers reads from memory, a copy that its own writes update once they committed.
 */
export interface ConfigStore {
  /** Connector names, sorted. */
  names(): string[];
  get(name: string): ConnectorRecord | undefined;
  /** Every connector, sorted by name (what the herder reconciles at start-up). */
  all(): ConnectorRecord[];
  /**
   * Creates or replaces a connector config. On creation the target state is `initialState`
   * (default STARTED) and there are no task configs; on replacement both are kept.
   */
  putConnectorConfig(name: string, config: ConnectorConfig, initialState?: TargetState): { created: boolean };
  putTargetState(name: string, state: TargetState): void;
  putTaskConfigs(name: string, taskConfigs: readonly ConnectorConfig[]): void;
  /** Removes config, target state and task configs; false when there was no such connector. */
  remove(name: string): boolean;
  /**
   * Runs `fn` in one transaction: every write inside commits together or not at all. Writes happen only
   * inside one. A store shared through Kafka resolves once the writes were read back from its topic, so
   * every worker's view includes them; a local one commits at once.
   */
  transaction<T>(fn: () => T): T | Promise<T>;
  /**
   * A store shared by several workers tells `listener` whenever desired state changed, whoever wrote it
   * (a local store has no other writers and no such method).
   */
  subscribe?(listener: ConfigChangeListener): void;
  /**
   * A store shared by several workers carries restart requests to every worker (Kafka's
   * `restart-connector-<name>` records), each restarting its own share; inside a transaction.
   */
  putRestartRequest?(name: string, request: { readonly onlyFailed: boolean; readonly includeTasks: boolean }): void;
  /**
   * Why writes can no longer be trusted to last (the store's file removed, replaced or damaged under
   * the running worker), or null. Once a problem is found it stays until a restart. Cheap enough for
   * every health check.
   */
  problem(): string | null;
  close(): void;
}

/** What a worker hears from a config store shared with other workers. */
export interface ConfigChangeListener {
  /** The connector's config, task configs or target state changed, or it was removed. */
  onChange(connector: string): void;
  /** A restart of the connector's failed or all instances was asked for (each worker restarts its own). */
  onRestartRequest(connector: string, request: { readonly onlyFailed: boolean; readonly includeTasks: boolean }): void;
}

/** Observed status of a connector or task, as last reported by the worker. */
export interface StatusRecord {
  readonly state: string;
  readonly trace: string | null;
  readonly workerId: string;
  /** plugin version of the instance that reported the state (Kafka 4.1); absent for herder-written states */
  readonly version?: string;
  /**
   * The group generation of the writer's assignment (distributed mode; 0 standalone): a status from an
   * older generation never overwrites one from a newer, as in Kafka's KafkaStatusBackingStore.
   */
  readonly generation?: number;
}

export interface StatusStore {
  getConnector(name: string): StatusRecord | undefined;
  putConnector(name: string, status: StatusRecord): void;
  getTask(connector: string, task: number): StatusRecord | undefined;
  putTask(connector: string, task: number, status: StatusRecord): void;
  /**
   * Kafka's putSafe, in a store shared by several workers: writes unless another worker wrote a status of
   * a newer generation, so that a worker which lost a task cannot overwrite its new owner's RUNNING with
   * its own UNASSIGNED or FAILED. A store of one worker has no such races and no such methods.
   */
  putTaskSafe?(connector: string, task: number, status: StatusRecord): boolean;
  putConnectorSafe?(name: string, status: StatusRecord): boolean;
  /** Task statuses of one connector, by ascending task id. */
  tasks(connector: string): Array<{ task: number; status: StatusRecord }>;
  removeTask(connector: string, task: number): void;
  /** Removes the connector's status and all its task statuses. */
  removeConnector(name: string): void;
}
