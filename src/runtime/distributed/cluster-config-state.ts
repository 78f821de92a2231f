/**
 * A snapshot of the config topic as one worker has read it (Kafka's ClusterConfigState): connector
 * configs, target states, the committed task configs and which connectors' task configs are
 * inconsistent. Immutable: the store hands out a new one for every call, so a herder can keep one for
 * a whole decision while the log moves on.
 */
import { TargetState, type ConnectorConfig, type ConnectorRecord } from '../../store/types.js';
import type { SessionKey } from './config-records.js';

export interface ClusterConfigStateData {
  /** offset of the next record to read from the config topic; -1 before any was read */
  readonly offset: number;
  readonly sessionKey: SessionKey | null;
  readonly connectorConfigs: ReadonlyMap<string, ConnectorConfig>;
  readonly targetStates: ReadonlyMap<string, TargetState>;
  /** the task count of each connector's last commit */
  readonly taskCounts: ReadonlyMap<string, number>;
  /** connector → task → config, as committed */
  readonly taskConfigs: ReadonlyMap<string, ReadonlyMap<number, ConnectorConfig>>;
  readonly inconsistent: ReadonlySet<string>;
}

export class ClusterConfigState {
  static readonly EMPTY = new ClusterConfigState({
    offset: -1,
    sessionKey: null,
    connectorConfigs: new Map(),
    targetStates: new Map(),
    taskCounts: new Map(),
    taskConfigs: new Map(),
    inconsistent: new Set(),
  });

  readonly #data: ClusterConfigStateData;

  constructor(data: ClusterConfigStateData) {
    this.#data = data;
  }

  /** Offset of the next record of the config topic: two snapshots with the same offset are the same state. */
  get offset(): number {
    return this.#data.offset;
  }

  get sessionKey(): SessionKey | null {
    return this.#data.sessionKey;
  }

  contains(connector: string): boolean {
    return this.#data.connectorConfigs.has(connector);
  }

  /** Connector names, sorted. */
  connectors(): string[] {
    return [...this.#data.connectorConfigs.keys()].sort();
  }

  connectorConfig(connector: string): ConnectorConfig | undefined {
    return this.#data.connectorConfigs.get(connector);
  }

  /** The connector's target state (STARTED for a connector whose config came without one, as in Kafka). */
  targetState(connector: string): TargetState | undefined {
    return this.#data.targetStates.get(connector);
  }

  /** The task count of the last commit (also for an inconsistent connector); 0 before any commit. */
  taskCount(connector: string): number {
    return this.#data.taskCounts.get(connector) ?? 0;
  }

  /**
   * The committed task configs, task 0 first; empty for an inconsistent connector (its herder must
   * have the connector generate them again) and before the first commit.
   */
  taskConfigs(connector: string): ConnectorConfig[] {
    if (this.#data.inconsistent.has(connector)) return [];
    const configs = this.#data.taskConfigs.get(connector);
    const count = this.taskCount(connector);
    const result: ConnectorConfig[] = [];
    for (let task = 0; task < count; task++) {
      const config = configs?.get(task);
      // a consistent commit of N tasks always applied configs 0…N-1
      if (config === undefined) return [];
      result.push(config);
    }
    return result;
  }

  /** One task's last committed config, whether or not the connector is consistent now. */
  taskConfig(connector: string, task: number): ConnectorConfig | undefined {
    return this.#data.taskConfigs.get(connector)?.get(task);
  }

  /** Connectors whose last commit found an incomplete set of task configs (compaction, or a writer that died mid-way). */
  inconsistentConnectors(): string[] {
    return [...this.#data.inconsistent].sort();
  }

  /** The connector in the stores' vocabulary, or undefined when it has no config. */
  connector(name: string): ConnectorRecord | undefined {
    const config = this.connectorConfig(name);
    if (config === undefined) return undefined;
    return { name, config, targetState: this.targetState(name) ?? TargetState.STARTED, taskConfigs: this.taskConfigs(name) };
  }

  /** Every connector, sorted by name. */
  all(): ConnectorRecord[] {
    return this.connectors().map((name) => this.connector(name) as ConnectorRecord);
  }
}
