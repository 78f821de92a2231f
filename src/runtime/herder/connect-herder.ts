import type { Logger } from 'pino';
import type { ParsedConfig } from '../../plugin/index.js';
import type { ConfigStore, ConnectorConfig, ConnectorRecord, StatusRecord, StatusStore } from '../../store/types.js';
import { configErrorsMessage } from '../config/config-infos.js';
import { ConfigTransformer } from '../config/config-transformer.js';
import {
  CONNECTOR_CLASS_CONFIG,
  HEADER_CONVERTER_CLASS_CONFIG,
  KEY_CONVERTER_CLASS_CONFIG,
  NAME_CONFIG,
  VALUE_CONVERTER_CLASS_CONFIG,
  TASK_CLASS_CONFIG,
  TOPICS_CONFIG,
  TOPICS_REGEX_CONFIG,
} from '../config/connector-config.js';
import { checkConnectorNameAddressable, connectorName, connectorNameMismatch } from '../config/connector-name.js';
import { validateConnectorConfig, type ConnectorProps, type WorkerConverters } from '../config/connector-validation.js';
import { AlreadyExistsError, BadRequestError, ForbiddenError, NotFoundError, NotLeaderError, RebalanceInProgressError, TaskElsewhereError } from '../errors.js';
import type { Loggers } from '../loggers.js';
import type { ConnectMetrics, StatusSnapshot } from '../metrics.js';
import type { Plugins } from '../plugins.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from '../status/status.js';
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
import type { Worker } from '../worker/worker.js';
import { Converger, javaTrace, sameConfig, tasksMax, tooManyTasks, TOO_MANY_TASKS } from './converger.js';
import type { Herder } from './herder.js';
import { StandaloneMembership, type Membership, type MembershipListener } from './membership.js';
import { EMPTY_ALTER_REQUEST, checkOffsetsModifiable, offsetsModifiedMessage, parseSinkOffsets } from './offsets-request.js';
import { RequestQueue } from './request-queue.js';
import { buildRestartPlan, entityState, taskState } from './restart-plan.js';
import { buildCommitId, CONNECT_API_VERSION, healthyStatus, stageSummary, startingStatus, unhealthyStatus, withTimeout } from './server-info.js';

/** What the herder reads from the worker config (WorkerConfig satisfies it). */
export type HerderWorkerConfig = Pick<ParsedConfig, 'getBoolean' | 'getString' | 'getLong' | 'values' | 'originals'>;

export interface ConnectHerderOptions {
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
  /** This worker's place in its cluster; default: a cluster of one (standalone mode). */
  membership?: Membership;
}

type Phase = 'created' | 'starting' | 'started' | 'failed' | 'stopped';

const LOGGER_NAMES = {
  standalone: 'org.apache.kafka.connect.runtime.standalone.StandaloneHerder',
  distributed: 'org.apache.kafka.connect.runtime.distributed.DistributedHerder',
} as const;

/**
 * States an instance reports as it goes away (Kafka's onShutdown and onFailure): in a shared status store
 * they are written only if no other worker has since written a newer generation (Kafka's putSafe).
 */
const LEAVING_STATES: ReadonlySet<State> = new Set([State.UNASSIGNED, State.FAILED]);

/** How long a write waits for a rebalance under way to end before it answers 409 (well inside the REST timeout). */
const REBALANCE_WAIT_MS = 30_000;

/** Beyond the graceful stop window, what an offsets request waits for the tasks to have left the group. */
const OFFSETS_SETTLE_GRACE_MS = 2_000;

/** The stored record of `name`, or the NotFoundError whose text the calling endpoint answers with in Kafka. */
function requireConnector(configs: ConfigStore, name: string, message = `Connector ${name} not found`): ConnectorRecord {
  const record = configs.get(name);
  if (!record) throw new NotFoundError(message);
  return record;
}

/** Kafka's ConnectorPluginsResource.normalizedPluginName: without a trailing `Connector`. */
function normalizedPluginName(name: string): string {
  const suffix = 'Connector';
  return name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : name;
}

/**
 * The herder (what Kafka's AbstractHerder holds, with the leader's part of its StandaloneHerder and
 * DistributedHerder): the single writer of desired state. In standalone mode this worker is a cluster of
 * one; in distributed mode only the leader writes desired state and runs the connector instances (which
 * generate task configs), every other worker forwards writes to it, and each worker runs the tasks the
 * group assigned it and writes their statuses (see `membership.ts`).
 *
 * A request that changes a connector runs in that connector's lane of the request queue, one at a time:
 * it validates, writes the desired state in one store transaction, moves the connector instance (cheap:
 * a sink connector only parses its config) and stores the task configs it generates — then answers. The
 * converger brings the task instances to that stored state in the background, so the answer never waits
 * on a consumer group or on a task that is slow to stop, and `GET …/status` shows the transition as it
 * happens. A request that fails validation or a precondition writes nothing. Reads go to the stores.
 */
export class ConnectHerder implements Herder, StatusListener, MembershipListener {
  readonly #worker: Worker;
  readonly #membership: Membership;
  readonly #configs: ConfigStore;
  readonly #statuses: StatusStore;
  readonly #plugins: Plugins;
  readonly #workerConfig: HerderWorkerConfig;
  readonly #loggers: Loggers;
  readonly #transformer: ConfigTransformer;
  /** connector classes that failed to load (Kafka's CachedConnectors): later failures are worded differently */
  readonly #failedConnectorClasses = new Set<string>();
  readonly #log: Logger;
  readonly #requests: RequestQueue;
  readonly #converger: Converger;
  readonly #commit: string;
  readonly #healthTimeoutMs: number;
  readonly #shutdownTimeoutMs: number;
  /** connectors whose instance the worker started successfully and has not been told to stop */
  readonly #runningConnectors = new Set<string>();
  /** the connector config the current task configs were generated from (Kafka's applied connector config) */
  readonly #applied = new Map<string, ConnectorConfig>();
  /** topics each connector consumed (KIP-558), kept in memory like the statuses: a restart tracks afresh */
  readonly #activeTopics = new Map<string, Set<string>>();
  #phase: Phase = 'created';
  #started: Promise<void> | null = null;
  #startFailure: string | null = null;

  constructor(options: ConnectHerderOptions) {
    this.#worker = options.worker;
    this.#membership = options.membership ?? new StandaloneMembership();
    this.#configs = options.configStore;
    this.#statuses = options.statusStore;
    this.#plugins = options.plugins;
    this.#workerConfig = options.workerConfig;
    this.#loggers = options.loggers;
    this.#transformer = options.configTransformer ?? ConfigTransformer.NONE;
    this.#log = options.loggers.logger(LOGGER_NAMES[this.#membership.mode]);
    this.#requests = new RequestQueue(options.clock);
    this.#commit = options.commit ?? buildCommitId();
    this.#healthTimeoutMs = options.healthTimeoutMs ?? 5_000;
    this.#shutdownTimeoutMs = options.workerConfig.getLong('task.shutdown.graceful.timeout.ms');
    this.#converger = new Converger({
      worker: this.#worker,
      configStore: this.#configs,
      statusStore: this.#statuses,
      listener: this,
      writeTaskStatus: (id, state, trace) => this.#writeTask(id, state, trace),
      shutdownTimeoutMs: this.#shutdownTimeoutMs,
      owns: (id) => this.#membership.owns(id),
      log: this.#log,
    });
    options.metrics?.trackStatus(() => this.#statusSnapshot());
    // desired state written by another worker (the leader, through a shared store): run what it asks
    this.#configs.subscribe?.({
      onChange: (name) => this.#onStoredChange(name),
      onRestartRequest: (name, request) => this.#onRestartRequest(name, request),
    });
  }

  // ---------------------------------------------------------------- the herder's own lifecycle

  /**
   * Joins the cluster (standalone: a cluster of one) and brings what this worker was assigned back to its
   * target state (PAUSED stays paused, STOPPED stopped).
   */
  start(): Promise<void> {
    if (this.#started) return this.#started;
    this.#phase = 'starting';
    this.#started = this.#requests
      .stage(this.#membership.mode === 'standalone' ? 'starting up: reconciling the stored connectors' : 'starting up: joining the group of workers', () => {
        this.#log.info({ connectors: this.#configs.names().length }, 'Herder starting');
        return this.#membership.start(this);
      })
      .then(() => {
        this.#phase = 'started';
        this.#log.info('Herder started');
      })
      .catch((err: unknown) => {
        this.#phase = 'failed';
        this.#startFailure = err instanceof Error ? err.message : String(err);
        throw err;
      });
    return this.#started;
  }

  /**
   * Lets queued requests finish, hands this worker's work over to the group (distributed), stops every
   * task (each within its graceful window) and connector.
   */
  async stop(): Promise<void> {
    this.#log.info('Herder stopping');
    await this.#requests.idle();
    this.#phase = 'stopped';
    await this.#membership.stop();
    await this.#converger.close();
    await this.#worker.stop();
    this.#runningConnectors.clear();
    this.#log.info('Herder stopped');
  }

  /**
   * A new assignment: the leader runs every connector instance (generating task configs where they
   * changed); every worker starts the tasks that are now its own. Standalone start-up is this too.
   */
  async onAssigned(): Promise<void> {
    const names = this.#configs.names();
    if (this.#membership.isLeader()) {
      const results = await Promise.allSettled(names.map((name) => this.#requests.run(name, () => this.#reconcile(name))));
      results.forEach((r, i) => {
        if (r.status === 'rejected') this.#log.error({ err: r.reason, connector: names[i] }, 'Failed to restore connector');
      });
    } else {
      await Promise.all(names.map((name) => this.#converger.request(name)));
    }
    await this.#converger.idle();
  }

  /** The assignment was revoked: stop the connector instances and every task this worker no longer owns. */
  async onRevoked(): Promise<void> {
    await Promise.all([...this.#runningConnectors].map((name) => this.#requests.run(name, () => this.#stopConnector(name))));
    await this.#converger.revokeUnowned();
  }

  /**
   * A restart request read from the shared store: this worker restarts the tasks it runs that the
   * request covers, judged by their statuses as it reads it (the leader restarted the connector).
   */
  #onRestartRequest(name: string, request: { readonly onlyFailed: boolean; readonly includeTasks: boolean }): void {
    const record = this.#configs.get(name);
    if (!record) return;
    const type = this.#plugins.connectorType(record.config[CONNECTOR_CLASS_CONFIG]);
    const connector = this.#statuses.getConnector(name) ?? { state: State.UNASSIGNED, trace: null, workerId: this.#worker.workerId };
    const plan = buildRestartPlan(name, request, connector, this.#statuses.tasks(name), record.taskConfigs.length, type);
    for (const task of plan.taskIds) {
      const id = { connector: name, task };
      if (!this.#membership.owns(id)) continue;
      this.#writeTask(id, State.RESTARTING);
      this.#converger.restartTask(id);
    }
    void this.#converger.request(name);
  }

  /** A change another worker wrote to the shared store: bring this worker's tasks to it. */
  #onStoredChange(name: string): void {
    this.#membership.configChanged();
    void this.#converger.request(name);
  }

  /**
   * Only the leader writes desired state (Kafka forwards writes to it); a write that reaches another
   * worker is refused with what the API needs to forward it. One that arrives mid-rebalance waits for
   * the rebalance to end, as Kafka's herder queues requests until its assignment is settled, and only
   * then is refused with Kafka's 409 (clients retry those).
   */
  async #requireLeader(): Promise<void> {
    const settled = await this.#requests.stage('waiting for the workers to finish rebalancing', () => this.#membership.settled(REBALANCE_WAIT_MS));
    if (!settled) throw new RebalanceInProgressError();
    if (!this.#membership.isLeader()) throw new NotLeaderError(this.#membership.leaderUrl());
  }

  /** A user's change to one connector: in its lane, on the leader only. */
  #change<T>(name: string, operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#requests.run(
      name,
      async () => {
        await this.#requireLeader();
        return operation();
      },
      signal,
    );
  }

  /** Resolves when no request is queued and the tasks have reached the stored state (for shutdown and tests). */
  async idle(): Promise<void> {
    do {
      await this.#requests.idle();
      await this.#converger.idle();
    } while (this.#requests.busy || this.#converger.busy);
  }

  currentStage(): { description: string; startedAt: number } | null {
    return this.#requests.current();
  }

  // ---------------------------------------------------------------- connector configs: reads

  async connectors(): Promise<string[]> {
    return this.#configs.names();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    return this.#info(requireConnector(this.#configs, name));
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return { ...requireConnector(this.#configs, name).config };
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const record = requireConnector(this.#configs, name);
    return record.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  async tasksConfig(name: string): Promise<Record<string, Record<string, string>>> {
    const record = this.#configs.get(name);
    // standalone quirk kept: a connector without tasks is "not found" here
    if (!record || record.taskConfigs.length === 0) throw new NotFoundError(`Connector ${name} not found`);
    return Object.fromEntries(record.taskConfigs.map((config, task) => [`${name}-${task}`, { ...config }]));
  }

  // ---------------------------------------------------------------- connector configs: writes

  async createConnector(request: CreateConnectorRequest, signal?: AbortSignal): Promise<ConnectorInfo> {
    const name = connectorName(request.name ?? '');
    const config: Record<string, string | null> = { ...request.config };
    if (Object.hasOwn(config, NAME_CONFIG) && config[NAME_CONFIG] !== name) throw connectorNameMismatch(config[NAME_CONFIG], name);
    config[NAME_CONFIG] = name;
    const initialState =
      request.initial_state === 'PAUSED' ? TargetState.PAUSED : request.initial_state === 'STOPPED' ? TargetState.STOPPED : TargetState.STARTED;
    const { result } = await this.#change(name, () => this.#write(name, config, { allowReplace: false, initialState }), signal);
    return result;
  }

  async putConnectorConfig(given: string, config: Record<string, string | null>, signal?: AbortSignal): Promise<Created<ConnectorInfo>> {
    const name = connectorName(given);
    if (Object.hasOwn(config, NAME_CONFIG) && config[NAME_CONFIG] !== name) throw connectorNameMismatch(config[NAME_CONFIG], name);
    const withName = { ...config, [NAME_CONFIG]: name };
    return this.#change(name, () => this.#write(name, withName, { allowReplace: true }), signal);
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>, signal?: AbortSignal): Promise<ConnectorInfo> {
    return this.#change(
      name,
      async () => {
        const record = requireConnector(this.#configs, name);
        // deviation: Kafka does not check the name of a patch; we refuse one that renames or drops it
        if (Object.hasOwn(patch, NAME_CONFIG) && patch[NAME_CONFIG] !== name) throw connectorNameMismatch(patch[NAME_CONFIG], name);
        const merged: Record<string, string | null> = { ...record.config };
        for (const [key, value] of Object.entries(patch)) {
          if (value === null) delete merged[key];
          else merged[key] = value;
        }
        return (await this.#write(name, merged, { allowReplace: true })).result;
      },
      signal,
    );
  }

  /** Removes config, task configs and statuses at once; the tasks stop in the background. Offsets are kept. */
  async deleteConnector(name: string, signal?: AbortSignal): Promise<void> {
    return this.#change(
      name,
      async () => {
        requireConnector(this.#configs, name);
        await this.#configs.transaction(() => this.#configs.remove(name));
        await this.#stopConnector(name);
        this.#statuses.removeConnector(name);
        this.#activeTopics.delete(name);
        this.#applied.delete(name);
        void this.#converger.request(name);
        this.#log.info({ connector: name }, 'Deleted connector');
      },
      signal,
    );
  }

  /** Validate, then write (one transaction), then move the connector instance and store its task configs. */
  async #write(name: string, config: ConnectorProps, options: { allowReplace: boolean; initialState?: TargetState }): Promise<Created<ConnectorInfo>> {
    const infos = await this.#validate(config);
    const errors = configErrorsMessage(infos);
    if (errors) throw new BadRequestError(errors);
    const previous = this.#configs.get(name);
    if (previous && !options.allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`);
    if (!previous) checkConnectorNameAddressable(name);
    // validation reported every null value, so only strings are left
    const stored = config as ConnectorConfig;
    await this.#configs.transaction(() => this.#configs.putConnectorConfig(name, stored, options.initialState));

    if (previous) await this.#stopConnector(name);
    else this.#writeConnector(name, State.UNASSIGNED);
    await this.#startConnector(name);
    await this.#updateTasks(name);
    void this.#converger.request(name);
    this.#log.info({ connector: name }, previous ? 'Reconfigured connector' : 'Created connector');
    return { created: !previous, result: this.#info(requireConnector(this.#configs, name)) };
  }

  // ---------------------------------------------------------------- validation

  async validateConnectorConfig(config: Record<string, string | null>, pluginName?: string): Promise<ConfigInfos> {
    const included = config[CONNECTOR_CLASS_CONFIG];
    if (pluginName !== undefined && typeof included === 'string' && !normalizedPluginName(included).endsWith(normalizedPluginName(pluginName))) {
      throw new BadRequestError(`Included connector type ${included} does not match request type ${pluginName}`);
    }
    return this.#validate(config);
  }

  /** Kafka shows the worker's key/value converters only when its properties set them; the header converter always. */
  #workerConverters(): WorkerConverters {
    const originals = this.#workerConfig.originals;
    const header = this.#workerConfig.getString(HEADER_CONVERTER_CLASS_CONFIG) ?? null;
    return {
      key: originals[KEY_CONVERTER_CLASS_CONFIG] ?? null,
      value: originals[VALUE_CONVERTER_CLASS_CONFIG] ?? null,
      header: header === null ? null : (this.#plugins.resolveClass(header) ?? header),
    };
  }

  #validate(config: ConnectorProps): Promise<ConfigInfos> {
    const policy = this.#workerConfig.values.has('connector.client.config.override.policy')
      ? (this.#workerConfig.getString('connector.client.config.override.policy') ?? undefined)
      : undefined;
    return this.#requests.stage('validating the connector configuration', () =>
      validateConnectorConfig(config, {
        plugins: this.#plugins,
        clientOverridePolicy: policy,
        configTransformer: this.#transformer,
        workerConverters: this.#workerConverters(),
        failedConnectorClasses: this.#failedConnectorClasses,
      }),
    );
  }

  // ---------------------------------------------------------------- target states

  async pauseConnector(name: string, signal?: AbortSignal): Promise<void> {
    return this.#changeTargetState(name, TargetState.PAUSED, signal);
  }

  async resumeConnector(name: string, signal?: AbortSignal): Promise<void> {
    return this.#changeTargetState(name, TargetState.STARTED, signal);
  }

  /**
   * Persists the target state and resolves; the connector instance moves right after in the same lane,
   * and the tasks follow in the background, because the answer (202 Accepted) promises that the request
   * is recorded, not that every task has moved yet.
   */
  #changeTargetState(name: string, target: TargetState, signal?: AbortSignal): Promise<void> {
    const persisted = this.#change(
      name,
      async () => {
        const record = requireConnector(this.#configs, name, `Unknown connector ${name}`);
        await this.#configs.transaction(() => this.#configs.putTargetState(name, target));
        return record.targetState;
      },
      signal,
    );
    void this.#requests
      .run(name, async () => {
        const from = await persisted.catch(() => null);
        if (from !== null) await this.#transition(name, from, target);
      })
      .catch((err: unknown) => this.#log.error({ err, connector: name }, `Failed to move connector to ${target}`));
    return persisted.then(() => undefined);
  }

  /** Unlike pause, stop also drops the task configs, which is what makes the offsets modifiable. */
  async stopConnector(name: string, signal?: AbortSignal): Promise<void> {
    return this.#change(
      name,
      async () => {
        const record = requireConnector(this.#configs, name, `Unknown connector ${name}`);
        if (record.targetState === TargetState.STOPPED && record.taskConfigs.length === 0) return;
        await this.#configs.transaction(() => {
          this.#configs.putTaskConfigs(name, []);
          this.#configs.putTargetState(name, TargetState.STOPPED);
        });
        this.#converger.replacedTasks(name);
        await this.#stopConnector(name);
        await this.#startConnector(name);
        void this.#converger.request(name);
        this.#log.info({ connector: name }, 'Stopped connector');
      },
      signal,
    );
  }

  /**
   * The worker moves a running connector between STARTED and PAUSED in place; STOPPED has no running
   * instance, so entering or leaving it restarts the instance in the new state. Entering STARTED
   * (re)generates task configs, which a resumed STOPPED connector does not have.
   */
  async #transition(name: string, from: TargetState, to: TargetState): Promise<void> {
    if (!this.#configs.get(name)) return;
    if (from === TargetState.STOPPED || to === TargetState.STOPPED) {
      await this.#stopConnector(name);
      await this.#startConnector(name);
    } else {
      await this.#requests.stage(`moving connector ${name} to ${to}`, () => this.#worker.setTargetState(name, to));
    }
    if (to === TargetState.STARTED) await this.#updateTasks(name);
    void this.#converger.request(name);
  }

  // ---------------------------------------------------------------- restarts

  /**
   * Like Kafka's distributed herder, a restart answers once it is decided: an instance that then fails to
   * start shows FAILED with its trace in the status, it does not turn the answer into an error.
   */
  async restartConnector(name: string, request: RestartRequest, signal?: AbortSignal): Promise<ConnectorStateInfo | null> {
    if (!request.includeTasks && !request.onlyFailed) {
      // Kafka's plain restart: the connector only, no plan to answer with
      return this.#change(
        name,
        async () => {
          const record = requireConnector(this.#configs, name, `Unknown connector: ${name}`);
          await this.#stopConnector(name);
          const ok = await this.#startConnector(name);
          if (ok && record.targetState === TargetState.STARTED) await this.#updateTasks(name);
          void this.#converger.request(name);
          return null;
        },
        signal,
      );
    }
    return this.#change(
      name,
      async () => {
        const record = requireConnector(this.#configs, name, `Unknown connector: ${name}`);
        const status = this.#statuses.getConnector(name);
        if (!status) throw new NotFoundError(`Status for connector ${name} not found`);
        const type = this.#plugins.connectorType(record.config[CONNECTOR_CLASS_CONFIG]);
        const plan = buildRestartPlan(name, request, status, this.#statuses.tasks(name), record.taskConfigs.length, type);
        if (plan.restartConnector) {
          await this.#stopConnector(name);
          this.#writeConnector(name, State.RESTARTING);
          await this.#startConnector(name);
        }
        if (this.#configs.putRestartRequest) {
          // the tasks run on several workers: each restarts its own share when it reads the request
          await this.#configs.transaction(() => this.#configs.putRestartRequest?.(name, request));
          return plan.stateInfo;
        }
        for (const task of plan.taskIds) {
          this.#writeTask({ connector: name, task }, State.RESTARTING);
          this.#converger.restartTask({ connector: name, task });
        }
        void this.#converger.request(name);
        return plan.stateInfo;
      },
      signal,
    );
  }

  /**
   * The worker that runs the task restarts it (Kafka's DistributedHerder.restartTask): a request that
   * reaches another worker goes to the leader, which sends it on to the task's worker.
   */
  async restartTask(name: string, task: number, signal?: AbortSignal): Promise<void> {
    return this.#requests.run(
      name,
      async () => {
        const record = requireConnector(this.#configs, name, `Unknown connector: ${name}`);
        if (!Number.isInteger(task) || task < 0 || task >= record.taskConfigs.length) throw new NotFoundError(`Unknown task: ${name}-${task}`);
        if (!this.#membership.owns({ connector: name, task })) {
          await this.#requireLeader();
          const owner = this.#statuses.getTask(name, task)?.workerId;
          throw new TaskElsewhereError(owner === undefined ? null : this.#membership.workerUrl(owner));
        }
        // until the converger has restarted it, the status says so instead of showing the old state
        this.#writeTask({ connector: name, task }, State.RESTARTING);
        this.#converger.restartTask({ connector: name, task });
        void this.#converger.request(name);
      },
      signal,
    );
  }

  // ---------------------------------------------------------------- statuses and topics (the observed side)

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const status = this.#statuses.getConnector(name);
    if (!status) throw new NotFoundError(`No status found for connector ${name}`);
    return {
      name,
      connector: entityState(status),
      tasks: this.#statuses.tasks(name).map(({ task, status: s }) => taskState(task, s)),
      type: this.#plugins.connectorType(this.#configs.get(name)?.config[CONNECTOR_CLASS_CONFIG]),
    };
  }

  async taskStatus(name: string, task: number): Promise<TaskState> {
    const status = this.#statuses.getTask(name, task);
    if (!status) throw new NotFoundError(`No status found for task ${name}-${task}`);
    return taskState(task, status);
  }

  async connectorActiveTopics(name: string): Promise<ActiveTopicsInfo> {
    this.#checkTopicTracking();
    return { [name]: { topics: [...(this.#activeTopics.get(name) ?? [])] } };
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#checkTopicTracking();
    if (!this.#workerConfig.getBoolean('topic.tracking.allow.reset')) throw new ForbiddenError('Topic tracking reset is disabled.');
    this.#activeTopics.delete(name);
  }

  onConnectorState(connector: string, state: State, trace?: string): void {
    // late reports from instances of deleted connectors must not resurrect a status
    const record = this.#configs.get(connector);
    if (!record) return;
    this.#writeConnector(connector, state, trace, this.#runningVersion(record.config));
  }

  onTaskState(id: ConnectorTaskId, state: State, trace?: string): void {
    const record = this.#configs.get(id.connector);
    // tasks whose configs were removed (stop, reconfiguration, delete) are gone, whatever they report
    if (!record || id.task >= record.taskConfigs.length) return;
    this.#writeTask(id, state, trace, this.#runningVersion(record.config));
  }

  /**
   * Kafka 4.1 reports the plugin version of the running instance with each state the worker reports
   * (states the herder writes itself — UNASSIGNED, RESTARTING — carry none). Our tasks are the connector's.
   */
  #runningVersion(config: Readonly<Record<string, string>>): string | undefined {
    const className = config[CONNECTOR_CLASS_CONFIG];
    return className === undefined ? undefined : this.#plugins.findConnector(className)?.version;
  }

  onTopicActive(connector: string, topic: string): void {
    if (!this.#workerConfig.getBoolean('topic.tracking.enable') || !this.#configs.get(connector)) return;
    let topics = this.#activeTopics.get(connector);
    if (!topics) this.#activeTopics.set(connector, (topics = new Set()));
    topics.add(topic);
  }

  /** The connector asked for new task configs (its input changed); nobody awaits it, so failures are logged. */
  onTaskReconfigurationRequested(connector: string): void {
    void this.#requests
      .run(connector, async () => {
        await this.#updateTasks(connector);
        void this.#converger.request(connector);
      })
      .catch((err: unknown) => this.#log.error({ err, connector }, 'Failed to reconfigure the tasks of the connector'));
  }

  #writeConnector(name: string, state: State, trace?: string, version?: string): void {
    const status = this.#statusRecord(state, trace, version);
    if (LEAVING_STATES.has(state) && this.#statuses.putConnectorSafe) this.#statuses.putConnectorSafe(name, status);
    else this.#statuses.putConnector(name, status);
  }

  #writeTask(id: ConnectorTaskId, state: State, trace?: string, version?: string): void {
    const status = this.#statusRecord(state, trace, version);
    if (LEAVING_STATES.has(state) && this.#statuses.putTaskSafe) this.#statuses.putTaskSafe(id.connector, id.task, status);
    else this.#statuses.putTask(id.connector, id.task, status);
  }

  #statusRecord(state: State, trace: string | undefined, version: string | undefined): StatusRecord {
    // a trace explains a failure; any other state clears the one a previous failure left
    const record = {
      state,
      trace: state === State.FAILED ? (trace ?? null) : null,
      workerId: this.#worker.workerId,
      generation: this.#membership.generation(),
    };
    return version === undefined ? record : { ...record, version };
  }

  /** Every stored connector with the statuses `GET …/status` would show (for the metrics). */
  #statusSnapshot(): StatusSnapshot {
    return {
      connectors: this.#configs.names().map((name) => ({
        name,
        state: this.#statuses.getConnector(name)?.state ?? null,
        tasks: this.#statuses.tasks(name).map(({ task, status }) => ({ id: task, state: status.state })),
      })),
    };
  }

  #checkTopicTracking(): void {
    if (!this.#workerConfig.getBoolean('topic.tracking.enable')) throw new ForbiddenError('Topic tracking is disabled.');
  }

  // ---------------------------------------------------------------- offsets (KIP-875)

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const record = requireConnector(this.#configs, name);
    return this.#requests.stage(`reading the offsets of connector ${name}`, () => this.#worker.sinkConnectorOffsets(name, record.config));
  }

  async alterConnectorOffsets(name: string, request: AlterOffsetsRequest, signal?: AbortSignal): Promise<Message> {
    if (!request?.offsets || request.offsets.length === 0) throw new BadRequestError(EMPTY_ALTER_REQUEST);
    return this.#change(
      name,
      async () => {
        const record = checkOffsetsModifiable(name, this.#configs.get(name));
        const changes = parseSinkOffsets(request);
        await this.#tasksGone(name);
        await this.#requests.stage(`altering the offsets of connector ${name}`, () => this.#worker.alterSinkConnectorOffsets(name, record.config, changes));
        return offsetsModifiedMessage('altered');
      },
      signal,
    );
  }

  async resetConnectorOffsets(name: string, signal?: AbortSignal): Promise<Message> {
    return this.#change(
      name,
      async () => {
        const record = checkOffsetsModifiable(name, this.#configs.get(name));
        await this.#tasksGone(name);
        await this.#requests.stage(`resetting the offsets of connector ${name}`, () => this.#worker.resetSinkConnectorOffsets(name, record.config));
        return offsetsModifiedMessage('reset');
      },
      signal,
    );
  }

  /**
   * A stop answers before its tasks have left the consumer group; an offsets change right after it waits
   * (bounded) for them, so that the group is empty when the change is made, as the user intended.
   */
  async #tasksGone(name: string): Promise<void> {
    await this.#requests.stage(`waiting for the tasks of connector ${name} to stop`, () =>
      this.#converger.settled(name, this.#shutdownTimeoutMs + OFFSETS_SETTLE_GRACE_MS),
    );
  }

  // ---------------------------------------------------------------- plugins, worker info, loggers

  async connectorPlugins(connectorsOnly: boolean): Promise<PluginInfo[]> {
    return this.#plugins.connectorPlugins(connectorsOnly);
  }

  async connectorPluginConfig(pluginName: string, version?: string): Promise<ConfigKeyInfo[]> {
    return this.#plugins.pluginConfig(pluginName, version);
  }

  async serverInfo(): Promise<ServerInfo> {
    return { version: CONNECT_API_VERSION, commit: this.#commit, kafka_cluster_id: await this.#kafkaClusterId() };
  }

  /** Every wait here is bounded: the answer must come back inside the REST layer's health budget. */
  async health(): Promise<WorkerStatus> {
    // a store that lost its file takes writes into the void: say so before anything else
    const storeProblem = this.#configs.problem();
    if (storeProblem !== null) return unhealthyStatus(storeProblem);
    if (this.#phase === 'failed') return unhealthyStatus(`Start-up failed: ${this.#startFailure}`);
    if (this.#phase !== 'started' && this.#phase !== 'stopped') {
      const started =
        this.#started?.then(
          () => true,
          () => false,
        ) ?? Promise.resolve(false);
      if (!(await withTimeout(started, this.#healthTimeoutMs, false))) {
        if ((this.#phase as Phase) === 'failed') return unhealthyStatus(`Start-up failed: ${this.#startFailure}`);
        return startingStatus(stageSummary(this.#requests.current()));
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

  // ---------------------------------------------------------------- the connector instance (runs in its lane)

  /** Start-up: the connector in its target state, then its stored tasks (or new ones if it now asks for others). */
  async #reconcile(name: string): Promise<void> {
    const record = this.#configs.get(name);
    if (!record) return;
    this.#writeConnector(name, State.UNASSIGNED);
    // the stored tasks were generated from the stored config, or replaced after it changed
    if (record.taskConfigs.length > 0) this.#applied.set(name, record.config);
    await this.#startConnector(name);
    await this.#updateTasks(name);
    void this.#converger.request(name);
  }

  /** Starts the connector instance from its stored config in its target state; false when it failed. */
  async #startConnector(name: string): Promise<boolean> {
    const record = this.#configs.get(name);
    if (!record) return false;
    const ok = await this.#requests.stage(`starting connector ${name}`, () => this.#worker.startConnector(name, record.config, record.targetState, this));
    if (ok) this.#runningConnectors.add(name);
    else this.#runningConnectors.delete(name);
    return ok;
  }

  async #stopConnector(name: string): Promise<void> {
    this.#runningConnectors.delete(name);
    await this.#requests.stage(`stopping connector ${name}`, () => this.#worker.stopConnector(name));
  }

  /**
   * Kafka's updateConnectorTasks: asks a running, STARTED connector for task configs (adding `task.class`
   * and the topics), enforces `tasks.max`, and stores them when they changed or were generated from another
   * connector config. The converger then replaces the running tasks. True when it stored new ones.
   */
  async #updateTasks(name: string): Promise<boolean> {
    const record = this.#configs.get(name);
    if (!record || record.targetState !== TargetState.STARTED || !this.#isRunning(name)) return false;
    const { max, enforce } = tasksMax(record.config);

    let generated: Record<string, string>[];
    try {
      generated = await this.#requests.stage(`generating task configurations for connector ${name}`, () => this.#worker.connectorTaskConfigs(name, max));
    } catch (err) {
      await this.#failConnector(name, 'org.apache.kafka.connect.errors.ConnectException', err instanceof Error ? err.message : String(err));
      return false;
    }
    if (generated.length > max) {
      if (enforce) {
        await this.#failConnector(name, TOO_MANY_TASKS, tooManyTasks(name, generated.length, max));
        return false;
      }
      this.#log.warn(
        { connector: name, tasks: generated.length, tasksMax: max },
        'The connector generated more task configs than tasks.max; this will be disallowed in a future release. Please report it to the maintainers of the connector.',
      );
    }

    const taskConfigs = this.#withFrameworkKeys(record, generated);
    const applied = this.#applied.get(name);
    const unchanged =
      applied !== undefined &&
      sameConfig(applied, record.config) &&
      taskConfigs.length === record.taskConfigs.length &&
      taskConfigs.every((config, i) => sameConfig(config, record.taskConfigs[i]));
    if (unchanged) return false;

    await this.#configs.transaction(() => this.#configs.putTaskConfigs(name, taskConfigs));
    this.#applied.set(name, record.config);
    this.#converger.replacedTasks(name);
    return true;
  }

  /** Task configs as Kafka's Worker.connectorTaskConfigs stores them: plugin map + task.class + topics. */
  #withFrameworkKeys(record: ConnectorRecord, generated: readonly Record<string, string>[]): ConnectorConfig[] {
    const taskClass = this.#plugins.findConnector(record.config[CONNECTOR_CLASS_CONFIG] ?? '')?.taskClassName;
    return generated.map((props) => {
      const config: Record<string, string> = { ...props };
      if (taskClass) config[TASK_CLASS_CONFIG] = taskClass;
      if (Object.hasOwn(record.config, TOPICS_CONFIG)) config[TOPICS_CONFIG] = record.config[TOPICS_CONFIG];
      if (Object.hasOwn(record.config, TOPICS_REGEX_CONFIG)) config[TOPICS_REGEX_CONFIG] = record.config[TOPICS_REGEX_CONFIG];
      return config;
    });
  }

  /** Kafka's isRunning: started by us and not failed since. */
  #isRunning(name: string): boolean {
    return this.#runningConnectors.has(name) && this.#statuses.getConnector(name)?.state !== State.FAILED;
  }

  async #failConnector(name: string, javaClass: string, message: string): Promise<void> {
    this.#log.error({ connector: name }, message);
    await this.#stopConnector(name);
    this.#writeConnector(name, State.FAILED, javaTrace(javaClass, message));
  }

  #info(record: ConnectorRecord): ConnectorInfo {
    return {
      name: record.name,
      config: { ...record.config },
      tasks: record.taskConfigs.map((_, task) => ({ connector: record.name, task })),
      type: this.#plugins.connectorType(record.config[CONNECTOR_CLASS_CONFIG]),
    };
  }
}
