import type { ParsedConfig } from '../../plugin/index.js';
import type { ConfigStore, StatusRecord, StatusStore } from '../../store/types.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { connectorType } from './herder-configs.js';
import type { StatusWriter } from './converger.js';
import type { StatusSnapshot } from '../metrics.js';
import type { Plugins } from '../plugins.js';
import { entityState, taskState } from './restart-plan.js';
import { State, type ConnectorTaskId } from '../status/status.js';
import type { ActiveTopicsInfo, ConnectorStateInfo, TaskState } from '../types.js';
import type { Worker } from '../worker/worker.js';

export interface HerderStatusOptions {
  configStore: ConfigStore;
  statusStore: StatusStore;
  plugins: Plugins;
  workerConfig: Pick<ParsedConfig, 'getBoolean'>;
  worker: Pick<Worker, 'workerId'>;
}

/**
 * The observed side of the herder (Kafka's AbstractHerder status handling over its StatusBackingStore):
 * the only writer of connector and task statuses and of the topics each connector consumed (KIP-558),
 * whether the report comes from the worker or from a decision of the herder. Desired state is never read
 * from here, and reports about connectors or tasks that no longer exist are dropped.
 */
export class HerderStatus implements StatusWriter {
  readonly #configs: ConfigStore;
  readonly #statuses: StatusStore;
  readonly #plugins: Plugins;
  readonly #workerConfig: Pick<ParsedConfig, 'getBoolean'>;
  readonly #worker: Pick<Worker, 'workerId'>;
  /** kept in memory, like the statuses: a restart starts tracking afresh */
  readonly #activeTopics = new Map<string, Set<string>>();

  constructor(options: HerderStatusOptions) {
    this.#configs = options.configStore;
    this.#statuses = options.statusStore;
    this.#plugins = options.plugins;
    this.#workerConfig = options.workerConfig;
    this.#worker = options.worker;
  }

  // ---------------------------------------------------------------- reads

  connectorStatus(name: string): ConnectorStateInfo {
    const status = this.#statuses.getConnector(name);
    if (!status) throw new NotFoundError(`No status found for connector ${name}`);
    return {
      name,
      connector: entityState(status),
      tasks: this.#statuses.tasks(name).map(({ task, status: s }) => taskState(task, s)),
      type: connectorType(this.#plugins, this.#configs.get(name)),
    };
  }

  taskStatus(name: string, task: number): TaskState {
    const status = this.#statuses.getTask(name, task);
    if (!status) throw new NotFoundError(`No status found for task ${name}-${task}`);
    return taskState(task, status);
  }

  /** Every stored connector with the statuses `GET …/status` would show. */
  snapshot(): StatusSnapshot {
    return {
      connectors: this.#configs.names().map((name) => ({
        name,
        state: this.#statuses.getConnector(name)?.state ?? null,
        tasks: this.#statuses.tasks(name).map(({ task, status }) => ({ id: task, state: status.state })),
      })),
    };
  }

  activeTopics(name: string): ActiveTopicsInfo {
    this.#checkTopicTracking();
    return { [name]: { topics: [...(this.#activeTopics.get(name) ?? [])] } };
  }

  resetActiveTopics(name: string): void {
    this.#checkTopicTracking();
    if (!this.#workerConfig.getBoolean('topic.tracking.allow.reset')) throw new ForbiddenError('Topic tracking reset is disabled.');
    this.#activeTopics.delete(name);
  }

  // ---------------------------------------------------------------- the worker's reports

  onConnectorState(connector: string, state: State, trace?: string): void {
    // late reports from instances of deleted connectors must not resurrect a status
    if (!this.#configs.get(connector)) return;
    this.connector(connector, state, trace);
  }

  onTaskState(id: ConnectorTaskId, state: State, trace?: string): void {
    const record = this.#configs.get(id.connector);
    // tasks whose configs were removed (stop, reconfiguration, delete) are gone, whatever they report
    if (!record || id.task >= record.taskConfigs.length) return;
    this.task(id, state, trace);
  }

  onTopicActive(connector: string, topic: string): void {
    if (!this.#workerConfig.getBoolean('topic.tracking.enable') || !this.#configs.get(connector)) return;
    let topics = this.#activeTopics.get(connector);
    if (!topics) this.#activeTopics.set(connector, (topics = new Set()));
    topics.add(topic);
  }

  // ---------------------------------------------------------------- writes

  connector(name: string, state: State, trace?: string): void {
    this.#statuses.putConnector(name, this.#record(state, trace));
  }

  task(id: ConnectorTaskId, state: State, trace?: string): void {
    this.#statuses.putTask(id.connector, id.task, this.#record(state, trace));
  }

  /** A deleted connector leaves no status and no tracked topics behind. */
  forget(name: string): void {
    this.#statuses.removeConnector(name);
    this.#activeTopics.delete(name);
  }

  #record(state: State, trace: string | undefined): StatusRecord {
    // a trace explains a failure; any other state clears the one a previous failure left
    return { state, trace: state === State.FAILED ? (trace ?? null) : null, workerId: this.#worker.workerId };
  }

  #checkTopicTracking(): void {
    if (!this.#workerConfig.getBoolean('topic.tracking.enable')) throw new ForbiddenError('Topic tracking is disabled.');
  }
}
