import type { Logger } from 'pino';
import { ConfigType, javaTrim, parseType, type ParsedConfig } from '../plugin/index.js';
import type { ConfigStore, ConnectorConfig, ConnectorRecord, StatusStore } from '../store/types.js';
import { configErrorsMessage } from './config-infos.js';
import {
  CONNECTOR_CLASS_CONFIG,
  NAME_CONFIG,
  TASK_CLASS_CONFIG,
  TASKS_MAX_CONFIG,
  TASKS_MAX_ENFORCE_CONFIG,
  TOPICS_CONFIG,
  TOPICS_REGEX_CONFIG,
} from './connector-config.js';
import { validateConnectorConfig, type ConnectorProps } from './connector-validation.js';
import { AlreadyExistsError, BadRequestError, ForbiddenError, NotFoundError, ServerError } from './errors.js';
import type { Herder } from './herder.js';
import { EMPTY_ALTER_REQUEST, checkOffsetsModifiable, offsetsModifiedMessage, parseSinkOffsets } from './herder-offsets.js';
import {
  CONNECT_API_VERSION,
  buildCommitId,
  healthyStatus,
  stageSummary,
  startingStatus,
  unhealthyStatus,
} from './herder-info.js';
import type { Loggers } from './loggers.js';
import type { Plugins } from './plugins.js';
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
  /** how long `health()` waits for start-up and for the broker check (Kafka: 10 s) */
  healthTimeoutMs?: number;
  clock?: () => number;
}

/**
 * Names are addressed in URL paths and become the consumer group `connect-<name>`: a name of at most
 * 1024 characters stays below Node's 16 KiB request-header limit even fully percent-encoded (4 UTF-8
 * bytes → 12 characters each) and far below Kafka's 32 KiB protocol strings. Kafka sets no limit.
 */
export const MAX_CONNECTOR_NAME_LENGTH = 1024;

const LOGGER_NAME = 'org.apache.kafka.connect.runtime.standalone.StandaloneHerder';

type Phase = 'created' | 'starting' | 'started' | 'failed' | 'stopped';

interface Stage {
  readonly description: string;
  readonly startedAt: number;
}

function nameMismatch(given: unknown, expected: string): BadRequestError {
  return new BadRequestError(
    `Connector name configuration (${String(given)}) doesn't match connector name in the URL (${expected})`,
  );
}

function sameConfig(a: ConnectorConfig, b: ConnectorConfig): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** A trace in the shape of Java's printStackTrace, for failures the herder itself detects. */
function trace(javaClass: string, message: string): string {
  const frames = (new Error().stack ?? '').split('\n').slice(2);
  return [`${javaClass}: ${message}`, ...frames.map((f) => f.replace(/^\s*at /, '\tat '))].join('\n');
}

function tooManyTasks(name: string, count: number, max: number): string {
  return (
    `The connector ${name} has generated ${count} tasks, which is greater than ${max}, ` +
    'the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is disallowed. ' +
    `If necessary, it can be permitted by reconfiguring the connector with '${TASKS_MAX_ENFORCE_CONFIG}' set to false; ` +
    'however, this option will be removed in a future release of Kafka Connect.'
  );
}

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
  readonly #clock: () => number;

  /** per connector: the tail of its operation queue */
  readonly #queues = new Map<string, Promise<void>>();
  /** connectors whose instance the worker started successfully and has not been told to stop */
  readonly #running = new Set<string>();
  /** the connector config the current tasks were generated from (Kafka's applied connector config) */
  readonly #applied = new Map<string, ConnectorConfig>();
  /** topic tracking (KIP-558): topics each connector consumed from since creation or the last reset */
  readonly #activeTopics = new Map<string, Set<string>>();
  readonly #stages = new Set<Stage>();
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
    this.#healthTimeoutMs = options.healthTimeoutMs ?? 10_000;
    this.#clock = options.clock ?? Date.now;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Brings every stored connector back to its target state (PAUSED stays paused, STOPPED stopped). */
  start(): Promise<void> {
    if (this.#started) return this.#started;
    this.#phase = 'starting';
    this.#started = this.#stage('starting up: reconciling the stored connectors', async () => {
      const names = this.#configs.names();
      this.#log.info({ connectors: names.length }, 'Herder starting');
      const results = await Promise.allSettled(names.map((name) => this.#serialize(name, () => this.#reconcile(name))));
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
    this.#running.clear();
    this.#log.info('Herder stopped');
  }

  /** Resolves when every operation queued so far has finished (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all(this.#queues.values());
  }

  currentStage(): { description: string; startedAt: number } | null {
    // the oldest unfinished stage is the one a timed-out request is most likely waiting behind
    let oldest: Stage | null = null;
    for (const stage of this.#stages) if (!oldest || stage.startedAt < oldest.startedAt) oldest = stage;
    return oldest && { description: oldest.description, startedAt: oldest.startedAt };
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
    if (Object.hasOwn(config, NAME_CONFIG) && config[NAME_CONFIG] !== name) throw nameMismatch(config[NAME_CONFIG], name);
    config[NAME_CONFIG] = name;
    const initialState =
      request.initial_state === 'PAUSED' ? TargetState.PAUSED : request.initial_state === 'STOPPED' ? TargetState.STOPPED : TargetState.STARTED;
    const { result } = await this.#serialize(name, () => this.#writeConfig(name, config, { allowReplace: false, initialState }));
    return result;
  }

  async putConnectorConfig(name: string, config: Record<string, string | null>): Promise<Created<ConnectorInfo>> {
    if (Object.hasOwn(config, NAME_CONFIG) && config[NAME_CONFIG] !== name) throw nameMismatch(config[NAME_CONFIG], name);
    const withName = { ...config, [NAME_CONFIG]: name };
    return this.#serialize(name, () => this.#writeConfig(name, withName, { allowReplace: true }));
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return this.#serialize(name, async () => {
      const record = this.#require(name, `Connector ${name} not found`);
      // deviation: Kafka does not check the name of a patch; we refuse one that renames or drops it
      if (Object.hasOwn(patch, NAME_CONFIG) && patch[NAME_CONFIG] !== name) throw nameMismatch(patch[NAME_CONFIG], name);
      const merged: Record<string, string | null> = { ...record.config };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      return (await this.#writeConfig(name, merged, { allowReplace: true })).result;
    });
  }

  async deleteConnector(name: string): Promise<void> {
    return this.#serialize(name, async () => {
      const record = this.#require(name, `Connector ${name} not found`);
      this.#configs.transaction(() => this.#configs.remove(name));
      await this.#stopTasks(name, record.taskConfigs.length);
      await this.#stopConnectorInstance(name);
      this.#statuses.removeConnector(name);
      this.#activeTopics.delete(name);
      this.#applied.delete(name);
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
    if (!previous) checkAddressable(name);
    // validation reported every null value, so only strings are left
    const stored = config as ConnectorConfig;
    this.#configs.transaction(() => this.#configs.putConnectorConfig(name, stored, options.initialState));

    if (previous) await this.#stopConnectorInstance(name);
    else this.#putConnectorStatus(name, State.UNASSIGNED);
    await this.#startConnectorInstance(name);
    await this.#updateTasks(name);
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
    const persisted = this.#serialize(name, async () => {
      const record = this.#require(name, `Unknown connector ${name}`);
      this.#configs.transaction(() => this.#configs.putTargetState(name, target));
      return record.targetState;
    });
    void this.#serialize(name, async () => {
      const from = await persisted.catch(() => null);
      if (from !== null) await this.#transition(name, from, target);
    }).catch((err: unknown) => this.#log.error({ err, connector: name }, `Failed to move connector to ${target}`));
    return persisted.then(() => undefined);
  }

  async stopConnector(name: string): Promise<void> {
    return this.#serialize(name, async () => {
      const record = this.#require(name, `Unknown connector ${name}`);
      if (record.targetState === TargetState.STOPPED && record.taskConfigs.length === 0) return;
      this.#configs.transaction(() => {
        this.#configs.putTaskConfigs(name, []);
        this.#configs.putTargetState(name, TargetState.STOPPED);
      });
      await this.#stopTasks(name, record.taskConfigs.length);
      await this.#stopConnectorInstance(name);
      await this.#startConnectorInstance(name);
      this.#log.info({ connector: name }, 'Stopped connector');
    });
  }

  /**
   * The worker moves a running connector between STARTED and PAUSED in place; STOPPED has no running
   * instance, so entering or leaving it restarts the instance in the new state. Entering STARTED
   * (re)generates task configs, which a resumed STOPPED connector does not have.
   */
  async #transition(name: string, from: TargetState, to: TargetState): Promise<void> {
    if (!this.#configs.get(name)) return;
    if (from === TargetState.STOPPED || to === TargetState.STOPPED) {
      await this.#stopConnectorInstance(name);
      await this.#startConnectorInstance(name);
    } else {
      await this.#stage(`moving connector ${name} to ${to}`, () => this.#worker.setTargetState(name, to));
    }
    if (to === TargetState.STARTED) await this.#updateTasks(name);
  }

  // ---------------------------------------------------------------- restarts

  async restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null> {
    if (!request.includeTasks && !request.onlyFailed) {
      return this.#serialize(name, async () => {
        const record = this.#require(name, `Connector ${name} not found`);
        await this.#stopConnectorInstance(name);
        const ok = await this.#startConnectorInstance(name);
        if (ok && record.targetState === TargetState.STARTED) await this.#updateTasks(name);
        return null;
      });
    }
    return this.#serialize(name, async () => {
      const record = this.#require(name, `Unknown connector: ${name}`);
      const status = this.#statuses.getConnector(name);
      if (!status) throw new NotFoundError(`Status for connector ${name} not found`);
      const plan = buildRestartPlan(name, request, status, this.#statuses.tasks(name), record.taskConfigs.length, this.#type(record));
      if (plan.restartConnector) {
        await this.#stopConnectorInstance(name);
        this.#putConnectorStatus(name, State.RESTARTING);
      }
      await Promise.all(plan.taskIds.map((task) => this.#stopTask({ connector: name, task })));
      for (const task of plan.taskIds) this.#putTaskStatus({ connector: name, task }, State.RESTARTING);
      if (plan.restartConnector) await this.#startConnectorInstance(name);
      for (const task of plan.taskIds) await this.#startTask({ connector: name, task });
      return plan.stateInfo;
    });
  }

  async restartTask(name: string, task: number): Promise<void> {
    return this.#serialize(name, async () => {
      const record = this.#require(name, `Connector ${name} not found`);
      if (!Number.isInteger(task) || task < 0 || task >= record.taskConfigs.length) {
        throw new NotFoundError(`Task ${name}-${task} not found`);
      }
      const id = { connector: name, task };
      await this.#stopTask(id);
      if (!(await this.#startTask(id))) throw new ServerError(`Failed to start task: ${name}-${task}`);
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
    return this.#stage(`reading the offsets of connector ${name}`, () => this.#worker.sinkConnectorOffsets(name, record.config));
  }

  async alterConnectorOffsets(name: string, request: AlterOffsetsRequest): Promise<Message> {
    if (!request?.offsets || request.offsets.length === 0) throw new BadRequestError(EMPTY_ALTER_REQUEST);
    return this.#serialize(name, async () => {
      const record = checkOffsetsModifiable(name, this.#configs.get(name));
      const changes = parseSinkOffsets(request);
      await this.#stage(`altering the offsets of connector ${name}`, () =>
        this.#worker.alterSinkConnectorOffsets(name, record.config, changes),
      );
      return offsetsModifiedMessage('altered');
    });
  }

  async resetConnectorOffsets(name: string): Promise<Message> {
    return this.#serialize(name, async () => {
      const record = checkOffsetsModifiable(name, this.#configs.get(name));
      await this.#stage(`resetting the offsets of connector ${name}`, () => this.#worker.resetSinkConnectorOffsets(name, record.config));
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
    return this.#stage('validating the connector configuration', () =>
      validateConnectorConfig(config, { plugins: this.#plugins, clientOverridePolicy: policy }),
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
      Math.min(this.#healthTimeoutMs / 2, 5_000),
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
    void this.#serialize(connector, () => this.#updateTasks(connector)).catch((err: unknown) =>
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

  // ---------------------------------------------------------------- converging (called inside the queue)

  /** Start-up: the connector in its target state, then its tasks (regenerated if the connector now asks for others). */
  async #reconcile(name: string): Promise<void> {
    const record = this.#configs.get(name);
    if (!record) return;
    this.#putConnectorStatus(name, State.UNASSIGNED);
    // the stored tasks were generated from the stored config, or were replaced after it changed
    if (record.taskConfigs.length > 0) this.#applied.set(name, record.config);
    await this.#startConnectorInstance(name);
    const regenerated = await this.#updateTasks(name);
    if (regenerated) return;
    const current = this.#configs.get(name)!;
    for (let task = 0; task < current.taskConfigs.length; task++) await this.#startTask({ connector: name, task });
  }

  async #startConnectorInstance(name: string): Promise<boolean> {
    const record = this.#configs.get(name);
    if (!record) return false;
    const ok = await this.#stage(`starting connector ${name}`, () =>
      this.#worker.startConnector(name, record.config, record.targetState, this),
    );
    if (ok) this.#running.add(name);
    else this.#running.delete(name);
    return ok;
  }

  async #stopConnectorInstance(name: string): Promise<void> {
    this.#running.delete(name);
    await this.#stage(`stopping connector ${name}`, () => this.#worker.stopConnector(name));
  }

  /**
   * Kafka's updateConnectorTasks: asks a running, STARTED connector for task configs (adding `task.class`
   * and the topics), enforces `tasks.max`, and replaces the tasks when their configs changed or were
   * generated from another connector config. Returns true when it replaced (and started) the tasks.
   */
  async #updateTasks(name: string): Promise<boolean> {
    const record = this.#configs.get(name);
    if (!record || record.targetState !== TargetState.STARTED || !this.#isRunning(name)) return false;
    const tasksMax = parseType(TASKS_MAX_CONFIG, record.config[TASKS_MAX_CONFIG] ?? 1, ConfigType.INT) as number;
    const enforce = parseType(TASKS_MAX_ENFORCE_CONFIG, record.config[TASKS_MAX_ENFORCE_CONFIG] ?? true, ConfigType.BOOLEAN) as boolean;

    let generated: Record<string, string>[];
    try {
      generated = await this.#stage(`generating task configurations for connector ${name}`, () =>
        this.#worker.connectorTaskConfigs(name, tasksMax),
      );
    } catch (err) {
      await this.#failConnector(name, 'org.apache.kafka.connect.errors.ConnectException', (err as Error).message ?? String(err));
      return false;
    }
    if (generated.length > tasksMax) {
      if (enforce) {
        await this.#failConnector(name, 'org.apache.kafka.connect.runtime.TooManyTasksException', tooManyTasks(name, generated.length, tasksMax));
        return false;
      }
      this.#log.warn(
        { connector: name, tasks: generated.length, tasksMax },
        'The connector generated more tasks than tasks.max; this will be disallowed in a future release. Report it to the connector maintainers.',
      );
    }

    const taskClass = this.#plugins.findConnector(record.config[CONNECTOR_CLASS_CONFIG] ?? '')?.taskClassName;
    const taskConfigs = generated.map((props) => {
      const config: Record<string, string> = { ...props };
      if (taskClass) config[TASK_CLASS_CONFIG] = taskClass;
      if (Object.hasOwn(record.config, TOPICS_CONFIG)) config[TOPICS_CONFIG] = record.config[TOPICS_CONFIG];
      if (Object.hasOwn(record.config, TOPICS_REGEX_CONFIG)) config[TOPICS_REGEX_CONFIG] = record.config[TOPICS_REGEX_CONFIG];
      return config;
    });
    const applied = this.#applied.get(name);
    const unchanged =
      applied !== undefined &&
      sameConfig(applied, record.config) &&
      taskConfigs.length === record.taskConfigs.length &&
      taskConfigs.every((config, i) => sameConfig(config, record.taskConfigs[i]));
    if (unchanged) return false;

    await this.#stopTasks(name, record.taskConfigs.length);
    this.#configs.transaction(() => this.#configs.putTaskConfigs(name, taskConfigs));
    this.#applied.set(name, record.config);
    for (let task = 0; task < taskConfigs.length; task++) await this.#startTask({ connector: name, task });
    return true;
  }

  #isRunning(name: string): boolean {
    return this.#running.has(name) && this.#statuses.getConnector(name)?.state !== State.FAILED;
  }

  async #failConnector(name: string, javaClass: string, message: string): Promise<void> {
    this.#log.error({ connector: name }, message);
    await this.#stopConnectorInstance(name);
    this.#putConnectorStatus(name, State.FAILED, trace(javaClass, message));
  }

  /** Starts one task from its stored config in the connector's target state; false when it failed. */
  async #startTask(id: ConnectorTaskId): Promise<boolean> {
    const record = this.#configs.get(id.connector);
    const taskConfig = record?.taskConfigs[id.task];
    if (!record || !taskConfig) return false;
    const tasksMax = parseType(TASKS_MAX_CONFIG, record.config[TASKS_MAX_CONFIG] ?? 1, ConfigType.INT) as number;
    const enforce = parseType(TASKS_MAX_ENFORCE_CONFIG, record.config[TASKS_MAX_ENFORCE_CONFIG] ?? true, ConfigType.BOOLEAN) as boolean;
    if (enforce && record.taskConfigs.length > tasksMax) {
      // a set of tasks larger than tasks.max (e.g. tasks.max lowered while stored) fails each task
      const message = tooManyTasks(id.connector, record.taskConfigs.length, tasksMax);
      this.#putTaskStatus(id, State.FAILED, trace('org.apache.kafka.connect.runtime.TooManyTasksException', message));
      return false;
    }
    return this.#stage(`starting task ${id.connector}-${id.task}`, () =>
      this.#worker.startTask(id, record.config, taskConfig, record.targetState, this),
    );
  }

  async #stopTask(id: ConnectorTaskId): Promise<void> {
    await this.#stage(`stopping task ${id.connector}-${id.task}`, () => this.#worker.stopTask(id));
  }

  /** Stops tasks 0..count-1 and removes their statuses (they no longer exist). */
  async #stopTasks(name: string, count: number): Promise<void> {
    const ids = Array.from({ length: count }, (_, task) => ({ connector: name, task }));
    await Promise.all(ids.map((id) => this.#stopTask(id)));
    for (const id of ids) this.#statuses.removeTask(name, id.task);
  }

  // ---------------------------------------------------------------- plumbing

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

  /** Runs `fn` after every operation queued before it on the same connector, whatever their outcome. */
  #serialize<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(name) ?? Promise.resolve();
    const result = previous.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(name, tail);
    void tail.then(() => {
      if (this.#queues.get(name) === tail) this.#queues.delete(name);
    });
    return result;
  }

  /** Runs `fn` as a named stage, so a timed-out request can say what the worker was doing. */
  async #stage<T>(description: string, fn: () => Promise<T>): Promise<T> {
    const stage: Stage = { description, startedAt: this.#clock() };
    this.#stages.add(stage);
    try {
      return await fn();
    } finally {
      this.#stages.delete(stage);
    }
  }
}

/** Kafka's ConnectorPluginsResource.normalizedPluginName: without a trailing `Connector`. */
function normalizedPluginName(name: string): string {
  const suffix = 'Connector';
  return name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : name;
}

/**
 * Deviations from Kafka, at creation only: a name with `/` can be created in Kafka but never addressed
 * through the REST API, and an overly long one cannot be addressed either (see MAX_CONNECTOR_NAME_LENGTH).
 */
function checkAddressable(name: string): void {
  if (name.includes('/')) {
    throw new BadRequestError(
      `Connector name ${name} is invalid: it may not contain '/', because the connector could not be addressed in REST API URLs`,
    );
  }
  const length = [...name].length;
  if (length > MAX_CONNECTOR_NAME_LENGTH) {
    throw new BadRequestError(
      `Connector name is too long (${length} characters): at most ${MAX_CONNECTOR_NAME_LENGTH} are allowed, so that it fits in REST API URLs and consumer group ids`,
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
