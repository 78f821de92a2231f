import type { Logger } from 'pino';
import type { ParsedConfig } from '../plugin/index.js';
import type { ConfigStore, StatusStore } from '../store/types.js';
import { ConfigTransformer } from './config-transformer.js';
import { BadRequestError, NotFoundError } from './errors.js';
import type { Herder } from './herder.js';
import { HerderConfigs, requireConnector } from './herder-configs.js';
import { HerderConverger } from './herder-converge.js';
import { HerderHealth } from './herder-health.js';
import { buildCommitId } from './herder-info.js';
import { HerderLifecycle } from './herder-lifecycle.js';
import { EMPTY_ALTER_REQUEST, checkOffsetsModifiable, offsetsModifiedMessage, parseSinkOffsets } from './herder-offsets.js';
import { SerialQueues, Stages } from './herder-queue.js';
import { HerderStatus } from './herder-status.js';
import type { Loggers } from './loggers.js';
import type { ConnectMetrics } from './metrics.js';
import type { Plugins } from './plugins.js';
import { TargetState, type ConnectorTaskId, type State, type StatusListener } from './status.js';
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
} from './types.js';
import type { Worker } from './worker.js';

/** What the herder reads from the worker config (WorkerConfig satisfies it). */
export type HerderWorkerConfig = Pick<ParsedConfig, 'getBoolean' | 'getString' | 'values'>;

export interface StandaloneHerderOptions {
  worker: Worker;
  configStore: ConfigStore;
  statusStore: StatusStore;
  plugins: Plugins;
  workerConfig: HerderWorkerConfig;
  loggers: Loggers;
  /** `commit` of `GET /`; default: buildCommitId() */
  commit?: string;
  /**
   * How long `health()` waits for start-up to finish before answering `starting` (default 5 s); the broker
   * check gets at most 3 s. Both stay inside the REST layer's 10 s health budget, so the herder answers first.
   */
  healthTimeoutMs?: number;
  clock?: () => number;
  /**
   * Resolves `${provider:path:key}` placeholders for validation (the worker resolves its own copy at
   * start); default: no providers, so a placeholder is a validation error that says how to configure one.
   */
  configTransformer?: ConfigTransformer;
  /** Reads connector and task states from this herder at every scrape; none by default. */
  metrics?: Pick<ConnectMetrics, 'trackStatus'>;
}

const LOGGER_NAME = 'org.apache.kafka.connect.runtime.standalone.StandaloneHerder';

/**
 * The standalone herder (Kafka's StandaloneHerder): the single writer of desired state and of statuses.
 * Every mutation of one connector runs in that connector's queue, one at a time: validate, write the
 * desired state in one store transaction, then drive the worker to it. A request that fails validation or
 * a precondition writes nothing. Reads go straight to the stores.
 *
 * The herder decides and its parts do the work, one part per verb, all sharing its queues and stages:
 * HerderConfigs (connector configs: reads, validation, writes), HerderLifecycle (target states, restarts),
 * HerderStatus (statuses and tracked topics), HerderHealth (`GET /`, `GET /health`) and HerderConverger
 * (driving the worker). Offsets stay here: they check a precondition and hand the rest to the worker.
 */
export class StandaloneHerder implements Herder, StatusListener {
  readonly #worker: Worker;
  readonly #configStore: ConfigStore;
  readonly #plugins: Plugins;
  readonly #loggers: Loggers;
  readonly #log: Logger;

  readonly #queues: SerialQueues;
  readonly #stages: Stages;
  readonly #converge: HerderConverger;
  readonly #status: HerderStatus;
  readonly #configs: HerderConfigs;
  readonly #lifecycle: HerderLifecycle;
  readonly #health: HerderHealth;
  #started: Promise<void> | null = null;

  constructor(options: StandaloneHerderOptions) {
    const { worker, configStore, statusStore, plugins, workerConfig } = options;
    const log = options.loggers.logger(LOGGER_NAME);
    const queues = new SerialQueues();
    const stages = new Stages(options.clock);
    const status = new HerderStatus({ configStore, statusStore, plugins, workerConfig, worker });
    // the worker reports to the herder itself, which hands each report to the part that owns it
    const converge = new HerderConverger({ worker, configStore, statusStore, plugins, listener: this, status, stages, log });
    const configTransformer = options.configTransformer ?? ConfigTransformer.NONE;
    this.#worker = worker;
    this.#configStore = configStore;
    this.#plugins = plugins;
    this.#loggers = options.loggers;
    this.#log = log;
    this.#queues = queues;
    this.#stages = stages;
    this.#converge = converge;
    this.#status = status;
    this.#configs = new HerderConfigs({ configStore, plugins, workerConfig, configTransformer, queues, stages, converge, status, log });
    this.#lifecycle = new HerderLifecycle({ configStore, statusStore, plugins, queues, converge, status, log });
    const commit = options.commit ?? buildCommitId();
    this.#health = new HerderHealth({ worker, configStore, stages, commit, healthTimeoutMs: options.healthTimeoutMs ?? 5_000 });
    options.metrics?.trackStatus(() => status.snapshot());
  }

  // ---------------------------------------------------------------- the herder's own lifecycle

  /** Brings every stored connector back to its target state (PAUSED stays paused, STOPPED stopped). */
  start(): Promise<void> {
    this.#started ??= this.#health.starting('starting up: reconciling the stored connectors', async () => {
      const names = this.#configStore.names();
      this.#log.info({ connectors: names.length }, 'Herder starting');
      const results = await Promise.allSettled(names.map((name) => this.#queues.run(name, () => this.#converge.reconcile(name))));
      results.forEach((r, i) => {
        if (r.status === 'rejected') this.#log.error({ err: r.reason, connector: names[i] }, 'Failed to restore connector');
      });
      this.#log.info('Herder started');
    });
    return this.#started;
  }

  /** Lets queued operations finish, then stops every connector and task through the worker. */
  async stop(): Promise<void> {
    this.#log.info('Herder stopping');
    await this.idle();
    this.#health.stopped();
    await this.#worker.stop();
    this.#converge.clear();
    this.#log.info('Herder stopped');
  }

  /** Resolves when every operation queued so far has finished (for shutdown and tests). */
  idle(): Promise<void> {
    return this.#queues.idle();
  }

  currentStage(): { description: string; startedAt: number } | null {
    return this.#stages.current();
  }

  // ---------------------------------------------------------------- configs: HerderConfigs

  async connectors(): Promise<string[]> {
    return this.#configStore.names();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    return this.#configs.connectorInfo(name);
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return this.#configs.connectorConfig(name);
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    return this.#configs.taskConfigs(name);
  }

  async tasksConfig(name: string): Promise<Record<string, Record<string, string>>> {
    return this.#configs.tasksConfig(name);
  }

  async createConnector(request: CreateConnectorRequest): Promise<ConnectorInfo> {
    return this.#configs.createConnector(request);
  }

  async putConnectorConfig(name: string, config: Record<string, string | null>): Promise<Created<ConnectorInfo>> {
    return this.#configs.putConnectorConfig(name, config);
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return this.#configs.patchConnectorConfig(name, patch);
  }

  async deleteConnector(name: string): Promise<void> {
    return this.#configs.deleteConnector(name);
  }

  async validateConnectorConfig(config: Record<string, string | null>, pluginName?: string): Promise<ConfigInfos> {
    return this.#configs.validateConnectorConfig(config, pluginName);
  }

  // ---------------------------------------------------------------- target states and restarts: HerderLifecycle

  async pauseConnector(name: string): Promise<void> {
    return this.#lifecycle.changeTargetState(name, TargetState.PAUSED);
  }

  async resumeConnector(name: string): Promise<void> {
    return this.#lifecycle.changeTargetState(name, TargetState.STARTED);
  }

  async stopConnector(name: string): Promise<void> {
    return this.#lifecycle.stopConnector(name);
  }

  async restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null> {
    return this.#lifecycle.restartConnector(name, request);
  }

  async restartTask(name: string, task: number): Promise<void> {
    return this.#lifecycle.restartTask(name, task);
  }

  // ---------------------------------------------------------------- statuses and topics: HerderStatus

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    return this.#status.connectorStatus(name);
  }

  async taskStatus(name: string, task: number): Promise<TaskState> {
    return this.#status.taskStatus(name, task);
  }

  async connectorActiveTopics(name: string): Promise<ActiveTopicsInfo> {
    return this.#status.activeTopics(name);
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#status.resetActiveTopics(name);
  }

  onConnectorState(connector: string, state: State, trace?: string): void {
    this.#status.onConnectorState(connector, state, trace);
  }

  onTaskState(id: ConnectorTaskId, state: State, trace?: string): void {
    this.#status.onTaskState(id, state, trace);
  }

  onTopicActive(connector: string, topic: string): void {
    this.#status.onTopicActive(connector, topic);
  }

  onTaskReconfigurationRequested(connector: string): void {
    this.#lifecycle.requestTaskReconfiguration(connector);
  }

  // ---------------------------------------------------------------- offsets (KIP-875)

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const record = requireConnector(this.#configStore, name);
    return this.#stages.run(`reading the offsets of connector ${name}`, () => this.#worker.sinkConnectorOffsets(name, record.config));
  }

  async alterConnectorOffsets(name: string, request: AlterOffsetsRequest): Promise<Message> {
    if (!request?.offsets || request.offsets.length === 0) throw new BadRequestError(EMPTY_ALTER_REQUEST);
    return this.#queues.run(name, async () => {
      const record = checkOffsetsModifiable(name, this.#configStore.get(name));
      const changes = parseSinkOffsets(request);
      await this.#stages.run(`altering the offsets of connector ${name}`, () =>
        this.#worker.alterSinkConnectorOffsets(name, record.config, changes),
      );
      return offsetsModifiedMessage('altered');
    });
  }

  async resetConnectorOffsets(name: string): Promise<Message> {
    return this.#queues.run(name, async () => {
      const record = checkOffsetsModifiable(name, this.#configStore.get(name));
      await this.#stages.run(`resetting the offsets of connector ${name}`, () => this.#worker.resetSinkConnectorOffsets(name, record.config));
      return offsetsModifiedMessage('reset');
    });
  }

  // ---------------------------------------------------------------- plugins, worker info: HerderHealth, loggers

  async connectorPlugins(connectorsOnly: boolean): Promise<PluginInfo[]> {
    return this.#plugins.connectorPlugins(connectorsOnly);
  }

  async connectorPluginConfig(pluginName: string): Promise<ConfigKeyInfo[]> {
    return this.#plugins.pluginConfig(pluginName);
  }

  async serverInfo(): Promise<ServerInfo> {
    return this.#health.serverInfo();
  }

  async health(): Promise<WorkerStatus> {
    return this.#health.health();
  }

  async loggers(): Promise<Record<string, LoggerLevel>> {
    return this.#loggers.all();
  }

  async loggerLevel(name: string): Promise<LoggerLevel> {
    const level = this.#loggers.level(name);
    if (!level) throw new NotFoundError(`Logger ${name} not found.`);
    return level;
  }

  /** Standalone: the worker is the whole cluster, so both scopes apply here (the API answers 204 for cluster). */
  async setLoggerLevel(name: string, level: string, _scope: 'worker' | 'cluster'): Promise<string[]> {
    return this.#loggers.setLevel(name, level);
  }
}
