import type { Logger } from 'pino';
import { javaTrim, type ParsedConfig } from '../plugin/index.js';
import type { ConfigStore, ConnectorConfig, ConnectorRecord, StatusStore } from '../store/types.js';
import { configErrorsMessage } from './config-infos.js';
import { ConfigTransformer } from './config-transformer.js';
import { CONNECTOR_CLASS_CONFIG, NAME_CONFIG, checkConnectorNameAddressable, connectorNameMismatch } from './connector-config.js';
import { validateConnectorConfig, type ConnectorProps } from './connector-validation.js';
import { AlreadyExistsError, BadRequestError, ForbiddenError, NotFoundError, ServerError } from './errors.js';
import type { Herder } from './herder.js';
import { HerderConverger } from './herder-converge.js';
import { EMPTY_ALTER_REQUEST, checkOffsetsModifiable, offsetsModifiedMessage, parseSinkOffsets } from './herder-offsets.js';
import {
  CONNECT_API_VERSION,
  buildCommitId,
  healthyStatus,
  stageSummary,
  startingStatus,
  unhealthyStatus,
  withTimeout,
} from './herder-info.js';
import type { Loggers } from './loggers.js';
import type { ConnectMetrics, StatusSnapshot } from './metrics.js';
import type { Plugins } from './plugins.js';
import { SerialQueues, Stages } from './herder-queue.js';
import { buildRestartPlan, entityState, taskState } from './restart-plan.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from './status.js';
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

type Phase = 'created' | 'starting' | 'started' | 'failed' | 'stopped';

/**
 * The standalone herder (Kafka's StandaloneHerder): the single writer of desired state and of statuses.
 * Every mutation of one connector runs in that connector's queue, one at a time: validate, write the
 * desired state in one store transaction, then drive the worker to it. A request that fails validation or
 * a precondition writes nothing. Reads go straight to the stores.
 */
export class StandaloneHerder implements Herder, StatusListener {
  readonly #worker: Worker;
  readonly #configs: ConfigStore;
  readonly #statuses: StatusStore;
  readonly #plugins: Plugins;
  readonly #workerConfig: HerderWorkerConfig;
  readonly #loggers: Loggers;
  readonly #log: Logger;
  readonly #commit: string;
  readonly #healthTimeoutMs: number;
  readonly #configTransformer: ConfigTransformer;

  readonly #queues = new SerialQueues();
  readonly #stages: Stages;
  readonly #converge: HerderConverger;
  /** topic tracking (KIP-558): topics each connector consumed from since creation or the last reset */
  readonly #activeTopics = new Map<string, Set<string>>();
  #phase: Phase = 'created';
  #started: Promise<void> | null = null;
  #startFailure: string | null = null;

  constructor(options: StandaloneHerderOptions) {
    this.#worker = options.worker;
    this.#configs = options.configStore;
    this.#statuses = options.statusStore;
    this.#plugins = options.plugins;
    this.#workerConfig = options.workerConfig;
    this.#loggers = options.loggers;
    this.#log = options.loggers.logger(LOGGER_NAME);
    this.#commit = options.commit ?? buildCommitId();
    this.#healthTimeoutMs = options.healthTimeoutMs ?? 5_000;
    this.#configTransformer = options.configTransformer ?? ConfigTransformer.NONE;
    options.metrics?.trackStatus(() => this.#statusSnapshot());
    this.#stages = new Stages(options.clock);
    this.#converge = new HerderConverger({
      worker: this.#worker,
      configStore: this.#configs,
      statusStore: this.#statuses,
      plugins: this.#plugins,
      listener: this,
      status: { connector: (n, s, t) => this.#putConnectorStatus(n, s, t), task: (id, s, t) => this.#putTaskStatus(id, s, t) },
      stages: this.#stages,
      log: this.#log,
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Brings every stored connector back to its target state (PAUSED stays paused, STOPPED stopped). */
  start(): Promise<void> {
    if (this.#started) return this.#started;
    this.#phase = 'starting';
    this.#started = this.#stages.run('starting up: reconciling the stored connectors', async () => {
      const names = this.#configs.names();
      this.#log.info({ connectors: names.length }, 'Herder starting');
      const results = await Promise.allSettled(names.map((name) => this.#queues.run(name, () => this.#converge.reconcile(name))));
      results.forEach((r, i) => {
        if (r.status === 'rejected') this.#log.error({ err: r.reason, connector: names[i] }, 'Failed to restore connector');
      });
      this.#phase = 'started';
      this.#log.info('Herder started');
    }).catch((err: unknown) => {
      this.#phase = 'failed';
      this.#startFailure = err instanceof Error ? err.message : String(err);
      throw err;
    });
    return this.#started;
  }

  /** Lets queued operations finish, then stops every connector and task through the worker. */
  async stop(): Promise<void> {
    this.#log.info('Herder stopping');
    await this.idle();
    this.#phase = 'stopped';
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

  // ---------------------------------------------------------------- reads

  async connectors(): Promise<string[]> {
    return this.#configs.names();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    return this.#info(this.#require(name, `Connector ${name} not found`));
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return { ...this.#require(name, `Connector ${name} not found`).config };
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const record = this.#require(name, `Connector ${name} not found`);
    return record.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  async tasksConfig(name: string): Promise<Record<string, Record<string, string>>> {
    const record = this.#configs.get(name);
    // standalone quirk kept: a connector without tasks is "not found" here
    if (!record || record.taskConfigs.length === 0) throw new NotFoundError(`Connector ${name} not found`);
    return Object.fromEntries(record.taskConfigs.map((config, task) => [`${name}-${task}`, { ...config }]));
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const status = this.#statuses.getConnector(name);
    if (!status) throw new NotFoundError(`No status found for connector ${name}`);
    return {
      name,
      connector: entityState(status),
      tasks: this.#statuses.tasks(name).map(({ task, status: s }) => taskState(task, s)),
      type: this.#type(this.#configs.get(name)),
    };
  }

  async taskStatus(name: string, task: number): Promise<TaskState> {
    const status = this.#statuses.getTask(name, task);
    if (!status) throw new NotFoundError(`No status found for task ${name}-${task}`);
    return taskState(task, status);
  }

  // ---------------------------------------------------------------- config writes

  async createConnector(request: CreateConnectorRequest): Promise<ConnectorInfo> {
    const name = javaTrim(request.name ?? '');
    const config: Record<string, string | null> = { ...request.config };
    if (Object.hasOwn(config, NAME_CONFIG) && config[NAME_CONFIG] !== name) throw connectorNameMismatch(config[NAME_CONFIG], name);
    config[NAME_CONFIG] = name;
    const initialState =
      request.initial_state === 'PAUSED' ? TargetState.PAUSED : request.initial_state === 'STOPPED' ? TargetState.STOPPED : TargetState.STARTED;
    const { result } = await this.#queues.run(name, () => this.#writeConfig(name, config, { allowReplace: false, initialState }));
    return result;
  }

  async putConnectorConfig(name: string, config: Record<string, string | null>): Promise<Created<ConnectorInfo>> {
    if (Object.hasOwn(config, NAME_CONFIG) && config[NAME_CONFIG] !== name) throw connectorNameMismatch(config[NAME_CONFIG], name);
    const withName = { ...config, [NAME_CONFIG]: name };
    return this.#queues.run(name, () => this.#writeConfig(name, withName, { allowReplace: true }));
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return this.#queues.run(name, async () => {
      const record = this.#require(name, `Connector ${name} not found`);
      // deviation: Kafka does not check the name of a patch; we refuse one that renames or drops it
      if (Object.hasOwn(patch, NAME_CONFIG) && patch[NAME_CONFIG] !== name) throw connectorNameMismatch(patch[NAME_CONFIG], name);
      const merged: Record<string, string | null> = { ...record.config };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      return (await this.#writeConfig(name, merged, { allowReplace: true })).result;
    });
  }

  async deleteConnector(name: string): Promise<void> {
    return this.#queues.run(name, async () => {
      const record = this.#require(name, `Connector ${name} not found`);
      this.#configs.transaction(() => this.#configs.remove(name));
      await this.#converge.stopTasks(name, record.taskConfigs.length);
      await this.#converge.stopConnector(name);
      this.#statuses.removeConnector(name);
      this.#activeTopics.delete(name);
      this.#converge.forget(name);
      this.#log.info({ connector: name }, 'Deleted connector');
    });
  }

  /** Validate, then write (one transaction), then converge. Runs in the connector's queue. */
  async #writeConfig(
    name: string,
    config: ConnectorProps,
    options: { allowReplace: boolean; initialState?: TargetState },
  ): Promise<Created<ConnectorInfo>> {
    const infos = await this.#validate(config);
    const errors = configErrorsMessage(infos);
    if (errors) throw new BadRequestError(errors);
    const previous = this.#configs.get(name);
    if (previous && !options.allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`);
    if (!previous) checkConnectorNameAddressable(name);
    // validation reported every null value, so only strings are left
    const stored = config as ConnectorConfig;
    this.#configs.transaction(() => this.#configs.putConnectorConfig(name, stored, options.initialState));

    if (previous) await this.#converge.stopConnector(name);
    else this.#putConnectorStatus(name, State.UNASSIGNED);
    await this.#converge.startConnector(name);
    await this.#converge.updateTasks(name);
    this.#log.info({ connector: name }, previous ? 'Reconfigured connector' : 'Created connector');
    return { created: !previous, result: this.#info(this.#require(name, `Connector ${name} not found`)) };
  }

  // ---------------------------------------------------------------- target states

  async pauseConnector(name: string): Promise<void> {
    return this.#changeTargetState(name, TargetState.PAUSED);
  }

  async resumeConnector(name: string): Promise<void> {
    return this.#changeTargetState(name, TargetState.STARTED);
  }

  /** Persists the target state and resolves; the transition itself follows in the same queue. */
  #changeTargetState(name: string, target: TargetState): Promise<void> {
    const persisted = this.#queues.run(name, async () => {
      const record = this.#require(name, `Unknown connector ${name}`);
      this.#configs.transaction(() => this.#configs.putTargetState(name, target));
      return record.targetState;
    });
    void this.#queues.run(name, async () => {
      const from = await persisted.catch(() => null);
      if (from !== null) await this.#converge.transition(name, from, target);
    }).catch((err: unknown) => this.#log.error({ err, connector: name }, `Failed to move connector to ${target}`));
    return persisted.then(() => undefined);
  }

  async stopConnector(name: string): Promise<void> {
    return this.#queues.run(name, async () => {
      const record = this.#require(name, `Unknown connector ${name}`);
      if (record.targetState === TargetState.STOPPED && record.taskConfigs.length === 0) return;
      this.#configs.transaction(() => {
        this.#configs.putTaskConfigs(name, []);
        this.#configs.putTargetState(name, TargetState.STOPPED);
      });
      await this.#converge.stopTasks(name, record.taskConfigs.length);
      await this.#converge.stopConnector(name);
      await this.#converge.startConnector(name);
      this.#log.info({ connector: name }, 'Stopped connector');
    });
  }

  // ---------------------------------------------------------------- restarts

  async restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null> {
    if (!request.includeTasks && !request.onlyFailed) {
      return this.#queues.run(name, async () => {
        const record = this.#require(name, `Connector ${name} not found`);
        await this.#converge.stopConnector(name);
        const ok = await this.#converge.startConnector(name);
        if (ok && record.targetState === TargetState.STARTED) await this.#converge.updateTasks(name);
        return null;
      });
    }
    return this.#queues.run(name, async () => {
      const record = this.#require(name, `Unknown connector: ${name}`);
      const status = this.#statuses.getConnector(name);
      if (!status) throw new NotFoundError(`Status for connector ${name} not found`);
      const plan = buildRestartPlan(name, request, status, this.#statuses.tasks(name), record.taskConfigs.length, this.#type(record));
      if (plan.restartConnector) {
        await this.#converge.stopConnector(name);
        this.#putConnectorStatus(name, State.RESTARTING);
      }
      await Promise.all(plan.taskIds.map((task) => this.#converge.stopTask({ connector: name, task })));
      for (const task of plan.taskIds) this.#putTaskStatus({ connector: name, task }, State.RESTARTING);
      if (plan.restartConnector) await this.#converge.startConnector(name);
      for (const task of plan.taskIds) await this.#converge.startTask({ connector: name, task });
      return plan.stateInfo;
    });
  }

  async restartTask(name: string, task: number): Promise<void> {
    return this.#queues.run(name, async () => {
      const record = this.#require(name, `Connector ${name} not found`);
      if (!Number.isInteger(task) || task < 0 || task >= record.taskConfigs.length) {
        throw new NotFoundError(`Task ${name}-${task} not found`);
      }
      const id = { connector: name, task };
      await this.#converge.stopTask(id);
      if (!(await this.#converge.startTask(id))) throw new ServerError(`Failed to start task: ${name}-${task}`);
    });
  }

  // ---------------------------------------------------------------- topics and offsets

  async connectorActiveTopics(name: string): Promise<ActiveTopicsInfo> {
    if (!this.#workerConfig.getBoolean('topic.tracking.enable')) throw new ForbiddenError('Topic tracking is disabled.');
    return { [name]: { topics: [...(this.#activeTopics.get(name) ?? [])] } };
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    if (!this.#workerConfig.getBoolean('topic.tracking.enable')) throw new ForbiddenError('Topic tracking is disabled.');
    if (!this.#workerConfig.getBoolean('topic.tracking.allow.reset')) throw new ForbiddenError('Topic tracking reset is disabled.');
    this.#activeTopics.delete(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const record = this.#require(name, `Connector ${name} not found`);
    return this.#stages.run(`reading the offsets of connector ${name}`, () => this.#worker.sinkConnectorOffsets(name, record.config));
  }

  async alterConnectorOffsets(name: string, request: AlterOffsetsRequest): Promise<Message> {
    if (!request?.offsets || request.offsets.length === 0) throw new BadRequestError(EMPTY_ALTER_REQUEST);
    return this.#queues.run(name, async () => {
      const record = checkOffsetsModifiable(name, this.#configs.get(name));
      const changes = parseSinkOffsets(request);
      await this.#stages.run(`altering the offsets of connector ${name}`, () =>
        this.#worker.alterSinkConnectorOffsets(name, record.config, changes),
      );
      return offsetsModifiedMessage('altered');
    });
  }

  async resetConnectorOffsets(name: string): Promise<Message> {
    return this.#queues.run(name, async () => {
      const record = checkOffsetsModifiable(name, this.#configs.get(name));
      await this.#stages.run(`resetting the offsets of connector ${name}`, () => this.#worker.resetSinkConnectorOffsets(name, record.config));
      return offsetsModifiedMessage('reset');
    });
  }

  // ---------------------------------------------------------------- plugins and validation

  async validateConnectorConfig(config: Record<string, string | null>, pluginName?: string): Promise<ConfigInfos> {
    const included = config[CONNECTOR_CLASS_CONFIG];
    if (pluginName !== undefined && typeof included === 'string' && !normalizedPluginName(included).endsWith(normalizedPluginName(pluginName))) {
      throw new BadRequestError(`Included connector type ${included} does not match request type ${pluginName}`);
    }
    return this.#validate(config);
  }

  async connectorPlugins(connectorsOnly: boolean): Promise<PluginInfo[]> {
    return this.#plugins.connectorPlugins(connectorsOnly);
  }

  async connectorPluginConfig(pluginName: string): Promise<ConfigKeyInfo[]> {
    return this.#plugins.pluginConfig(pluginName);
  }

  #validate(config: ConnectorProps): Promise<ConfigInfos> {
    const policy = this.#workerConfig.values.has('connector.client.config.override.policy')
      ? (this.#workerConfig.getString('connector.client.config.override.policy') ?? undefined)
      : undefined;
    return this.#stages.run('validating the connector configuration', () =>
      validateConnectorConfig(config, { plugins: this.#plugins, clientOverridePolicy: policy, configTransformer: this.#configTransformer }),
    );
  }

  // ---------------------------------------------------------------- worker info, health, loggers

  async serverInfo(): Promise<ServerInfo> {
    return { version: CONNECT_API_VERSION, commit: this.#commit, kafka_cluster_id: await this.#kafkaClusterId() };
  }

  async health(): Promise<WorkerStatus> {
    if (this.#phase === 'failed') return unhealthyStatus(`Start-up failed: ${this.#startFailure}`);
    if (this.#phase !== 'started' && this.#phase !== 'stopped') {
      const started = this.#started?.then(() => true, () => false) ?? Promise.resolve(false);
      if (!(await withTimeout(started, this.#healthTimeoutMs, false))) {
        if ((this.#phase as Phase) === 'failed') return unhealthyStatus(`Start-up failed: ${this.#startFailure}`);
        return startingStatus(stageSummary(this.currentStage()));
      }
    }
    return healthyStatus((await this.#kafkaClusterId()) !== null);
  }

  async #kafkaClusterId(): Promise<string | null> {
    return withTimeout(
      this.#worker.kafkaClusterId().catch(() => null),
      Math.min(this.#healthTimeoutMs, 3_000),
      null,
    );
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

  // ---------------------------------------------------------------- StatusListener (the only status writer)

  onConnectorState(connector: string, state: State, trace?: string): void {
    // late reports from instances of deleted connectors must not resurrect a status
    if (!this.#configs.get(connector)) return;
    this.#putConnectorStatus(connector, state, trace);
  }

  onTaskState(id: ConnectorTaskId, state: State, trace?: string): void {
    const record = this.#configs.get(id.connector);
    // tasks whose configs were removed (stop, reconfiguration, delete) are gone, whatever they report
    if (!record || id.task >= record.taskConfigs.length) return;
    this.#putTaskStatus(id, state, trace);
  }

  onTopicActive(connector: string, topic: string): void {
    if (!this.#workerConfig.getBoolean('topic.tracking.enable') || !this.#configs.get(connector)) return;
    let topics = this.#activeTopics.get(connector);
    if (!topics) this.#activeTopics.set(connector, (topics = new Set()));
    topics.add(topic);
  }

  onTaskReconfigurationRequested(connector: string): void {
    void this.#queues.run(connector, () => this.#converge.updateTasks(connector)).catch((err: unknown) =>
      this.#log.error({ err, connector }, 'Failed to reconfigure the tasks of the connector'),
    );
  }

  #putConnectorStatus(name: string, state: State, trace?: string): void {
    this.#statuses.putConnector(name, { state, trace: state === State.FAILED ? (trace ?? null) : null, workerId: this.#worker.workerId });
  }

  #putTaskStatus(id: ConnectorTaskId, state: State, trace?: string): void {
    this.#statuses.putTask(id.connector, id.task, {
      state,
      trace: state === State.FAILED ? (trace ?? null) : null,
      workerId: this.#worker.workerId,
    });
  }

  // ---------------------------------------------------------------- plumbing

  /** Every stored connector with the statuses `GET …/status` would show. */
  #statusSnapshot(): StatusSnapshot {
    return {
      connectors: this.#configs.names().map((name) => ({
        name,
        state: this.#statuses.getConnector(name)?.state ?? null,
        tasks: this.#statuses.tasks(name).map(({ task, status }) => ({ id: task, state: status.state })),
      })),
    };
  }

  #require(name: string, message: string): ConnectorRecord {
    const record = this.#configs.get(name);
    if (!record) throw new NotFoundError(message);
    return record;
  }

  #info(record: ConnectorRecord): ConnectorInfo {
    return {
      name: record.name,
      config: { ...record.config },
      tasks: record.taskConfigs.map((_, task) => ({ connector: record.name, task })),
      type: this.#type(record),
    };
  }

  #type(record: ConnectorRecord | undefined): ConnectorInfo['type'] {
    return this.#plugins.connectorType(record?.config[CONNECTOR_CLASS_CONFIG]);
  }
}

/** Kafka's ConnectorPluginsResource.normalizedPluginName: without a trailing `Connector`. */
function normalizedPluginName(name: string): string {
  const suffix = 'Connector';
  return name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : name;
}
