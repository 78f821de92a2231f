/**
 * Connector configs, task configs and target states in the config topic, shared by every worker of
 * the cluster (Kafka's KafkaConfigBackingStore), in Kafka Connect's own record format
 * (config-records.ts), so a JVM cluster's topic can be read and taken over.
 *
 * Every write resolves only once the records were read back from the topic: when it returns, this
 * worker's snapshot shows it, and every other worker's does as soon as its log reaches that offset.
 *
 * Task configs follow Kafka's consistency rule: `task-<name>-<n>` records are held back until a
 * `commit-<name>` record arrives; the commit applies them only if they cover tasks 0…N-1, otherwise
 * the connector is marked inconsistent (its old configs stay, but no tasks are offered) until a later
 * complete commit. The held-back records are dropped at every commit either way.
 *
 * As in Kafka, one writer at a time is expected (the cluster's leader); the store does not enforce it.
 */
import type { Logger } from 'pino';
import { ServerError } from '../errors.js';
import { KafkaBasedLog, type LogRecord } from '../kafka/kafka-based-log.js';
import type { KafkaClientSettings } from '../kafka/platformatic-options.js';
import type { RestartRequest } from '../types.js';
import { TargetState, type ConnectorConfig } from '../../store/types.js';
import { ClusterConfigState } from './cluster-config-state.js';
import {
  ConfigRecordError,
  configKeys,
  decodeConfigRecord,
  encodeConfig,
  encodeLoggerLevel,
  encodeRestartRequest,
  encodeSessionKey,
  encodeTargetState,
  encodeTasksCommit,
  type ConfigRecord,
  type SessionKey,
} from './config-records.js';
import { checkConfigTopicPartitions, ensureInternalTopics, type InternalTopic } from './internal-topics.js';

/**
 * What the herder hears about changes read from the topic, its own writes included (Kafka's
 * ConfigBackingStore.UpdateListener). Called only after start(), one call at a time, in topic order;
 * the snapshot taken inside a call already contains the change.
 */
export interface ConfigUpdateListener {
  /** A connector config was created or replaced. */
  onConnectorConfigUpdate(connector: string): void;
  /** A connector was deleted: its config, task configs and target state are gone. */
  onConnectorConfigRemove(connector: string): void;
  /**
   * A commit was read: `tasks` are the task ids whose configs it applied (empty when the set was
   * incomplete — then the connector is inconsistent — or when it committed zero tasks).
   */
  onTaskConfigUpdate(connector: string, tasks: readonly number[]): void;
  /** The target state of an existing connector changed. */
  onConnectorTargetStateChange(connector: string): void;
  onRestartRequest(connector: string, request: RestartRequest): void;
  onSessionKeyUpdate(sessionKey: SessionKey): void;
  /** A cluster-wide logger level (`PUT /admin/loggers/…?scope=cluster`); old ones are not replayed at start-up. */
  onLoggingLevelUpdate(namespace: string, level: string): void;
}

export interface KafkaConfigStoreOptions {
  /** `internalTopics(workerProps).config` */
  readonly topic: InternalTopic;
  /** parsed worker client properties; Kafka names this client `<client.id base>configs` */
  readonly client: KafkaClientSettings;
  readonly logger: Logger;
  /** read_committed (Kafka sets it when exactly-once source support is on) */
  readonly readCommitted?: boolean;
  /** bound of each write and refresh; Kafka's is 30 s */
  readonly timeoutMs?: number;
  /** how long the reader's fetch waits for new records */
  readonly fetchMaxWaitMs?: number;
}

/** Aborts after `ms`; `done()` clears the timer. */
function deadline(ms: number, what: string): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${what} did not complete within ${ms} ms`)), ms);
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export class KafkaConfigStore {
  readonly #topic: InternalTopic;
  readonly #client: KafkaClientSettings;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #log: KafkaBasedLog;
  #listener: ConfigUpdateListener | undefined;
  #started = false;

  // the state read from the topic so far (the snapshot's fields); configs are frozen, maps are copied out
  #offset = -1;
  #sessionKey: SessionKey | null = null;
  readonly #connectorConfigs = new Map<string, ConnectorConfig>();
  readonly #targetStates = new Map<string, TargetState>();
  readonly #taskCounts = new Map<string, number>();
  readonly #taskConfigs = new Map<string, Map<number, ConnectorConfig>>();
  readonly #inconsistent = new Set<string>();
  /** task configs read but not yet committed, by connector */
  readonly #deferred = new Map<string, Map<number, ConnectorConfig>>();

  constructor(options: KafkaConfigStoreOptions) {
    this.#topic = options.topic;
    this.#client = options.client;
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#log = new KafkaBasedLog({
      topic: options.topic.topic,
      client: options.client,
      logger: options.logger,
      onRecord: (record) => this.#read(record),
      ...(options.readCommitted === undefined ? {} : { readCommitted: options.readCommitted }),
      ...(options.fetchMaxWaitMs === undefined ? {} : { fetchMaxWaitMs: options.fetchMaxWaitMs }),
    });
  }

  /** Set before start(): changes read before start() completes are not reported (they are in the first snapshot). */
  setUpdateListener(listener: ConfigUpdateListener): void {
    this.#listener = listener;
  }

  /**
   * Creates the topic if it is missing (refusing one that is not compacted), reads it to the end and
   * keeps tailing it. Refuses a config topic with more than one partition, as Kafka does.
   */
  async start(): Promise<void> {
    await ensureInternalTopics({ client: this.#client, logger: this.#logger }, this.#topic);
    await this.#log.start();
    try {
      checkConfigTopicPartitions(this.#topic, this.#log.partitionCount);
    } catch (error) {
      await this.#log.stop();
      throw error;
    }
    this.#started = true;
    this.#logger.info(`Started the config store on topic ${this.#topic.topic} at offset ${this.#offset}`);
  }

  async stop(): Promise<void> {
    this.#started = false;
    await this.#log.stop();
  }

  /** The state read so far, frozen; cheap enough for every request. */
  snapshot(): ClusterConfigState {
    return new ClusterConfigState({
      offset: this.#offset,
      sessionKey: this.#sessionKey,
      connectorConfigs: new Map(this.#connectorConfigs),
      targetStates: new Map(this.#targetStates),
      taskCounts: new Map(this.#taskCounts),
      taskConfigs: new Map([...this.#taskConfigs].map(([connector, tasks]) => [connector, new Map(tasks)])),
      inconsistent: new Set(this.#inconsistent),
    });
  }

  contains(connector: string): boolean {
    return this.#connectorConfigs.has(connector);
  }

  /**
   * Writes a connector config; with `targetState`, its target state first (as Kafka does when a
   * connector is created with an initial state), so that no worker starts it in the wrong state.
   */
  async putConnectorConfig(connector: string, config: ConnectorConfig, targetState?: TargetState): Promise<void> {
    await this.#write('Error writing connector configuration to Kafka', async (signal) => {
      const records: Array<[string, Buffer | null]> = [];
      if (targetState !== undefined) records.push([configKeys.targetState(connector), encodeTargetState(targetState)]);
      records.push([configKeys.connector(connector), encodeConfig(config)]);
      await this.#send(records, signal);
      await this.#log.readToEnd(signal);
    });
  }

  /** Deletes a connector: tombstones for its config and its target state. */
  async removeConnectorConfig(connector: string): Promise<void> {
    await this.#write('Error removing connector configuration from Kafka', async (signal) => {
      await this.#send(
        [
          [configKeys.connector(connector), null],
          [configKeys.targetState(connector), null],
        ],
        signal,
      );
      await this.#log.readToEnd(signal);
    });
  }

  /**
   * Writes the connector's task configs, then the commit that makes them visible (Kafka's order:
   * catch up, write every task config, read them back, write the commit, read it back). Zero configs
   * commit zero tasks, which is how a stopped connector loses its tasks.
   */
  async putTaskConfigs(connector: string, configs: readonly ConnectorConfig[]): Promise<void> {
    await this.#write('Error writing task configurations to Kafka', async (signal) => {
      await this.#log.readToEnd(signal);
      await this.#send(
        configs.map((config, task) => [configKeys.task(connector, task), encodeConfig(config)]),
        signal,
      );
      if (configs.length > 0) await this.#log.readToEnd(signal);
      await this.#send([[configKeys.commit(connector), encodeTasksCommit(configs.length)]], signal);
      await this.#log.readToEnd(signal);
    });
  }

  async putTargetState(connector: string, state: TargetState): Promise<void> {
    await this.#write('Error writing target state to Kafka', async (signal) => {
      await this.#send([[configKeys.targetState(connector), encodeTargetState(state)]], signal);
      await this.#log.readToEnd(signal);
    });
  }

  /** A restart request for the leader to carry out (KIP-745); every worker's listener hears it. */
  async putRestartRequest(connector: string, request: RestartRequest): Promise<void> {
    await this.#write(`Error writing restart request for connector ${connector} to Kafka`, async (signal) => {
      await this.#send([[configKeys.restart(connector), encodeRestartRequest(request)]], signal);
      await this.#log.readToEnd(signal);
    });
  }

  async putSessionKey(sessionKey: SessionKey): Promise<void> {
    await this.#write('Error writing session key to Kafka', async (signal) => {
      await this.#send([[configKeys.sessionKey(), encodeSessionKey(sessionKey)]], signal);
      await this.#log.readToEnd(signal);
    });
  }

  /** A logger level for the whole cluster (`PUT /admin/loggers/<namespace>?scope=cluster`). */
  async putLoggerLevel(namespace: string, level: string): Promise<void> {
    await this.#write('Error writing logger level to Kafka', async (signal) => {
      await this.#send([[configKeys.loggerLevel(namespace), encodeLoggerLevel(level)]], signal);
      await this.#log.readToEnd(signal);
    });
  }

  /** Reads the topic to its current end (Kafka's refresh); bounded by `timeoutMs` (default: the store's). */
  async refresh(timeoutMs = this.#timeoutMs): Promise<void> {
    const bound = deadline(timeoutMs, 'Reading to the end of the config topic');
    try {
      await this.#log.readToEnd(bound.signal);
    } catch (error) {
      throw new ServerError('Error trying to read to end of config log', { cause: error });
    } finally {
      bound.done();
    }
  }

  async #write(failure: string, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const bound = deadline(this.#timeoutMs, failure.replace(/^Error /, ''));
    try {
      await work(bound.signal);
    } catch (error) {
      this.#logger.error({ err: error }, failure);
      throw new ServerError(failure, { cause: error });
    } finally {
      bound.done();
    }
  }

  /** Sends in order; resolves once the broker acknowledged all of them. */
  async #send(records: ReadonlyArray<readonly [string, Buffer | null]>, signal: AbortSignal): Promise<void> {
    await untilAborted(Promise.all(records.map(([key, value]) => this.#log.send(key, value))), signal);
  }

  // ---- reading the topic (one record at a time, in order) ---------------------------------------

  #read({ key, value, offset }: LogRecord): void {
    this.#offset = offset + 1;
    if (key === null) {
      this.#logger.error(`Discarding config update record without a key at offset ${offset}`);
      return;
    }
    let record: ConfigRecord;
    try {
      record = decodeConfigRecord(key, value);
    } catch (error) {
      if (!(error instanceof ConfigRecordError)) throw error;
      this.#logger.error(error.message);
      return;
    }
    this.#apply(record);
  }

  #apply(record: ConfigRecord): void {
    switch (record.type) {
      case 'target-state':
      case 'target-state-removed':
        return this.#applyTargetState(record.connector, record.type === 'target-state' ? record.state : null);
      case 'connector-config':
        this.#connectorConfigs.set(record.connector, record.config);
        // a connector created without a target state (by workers before 0.10) runs
        if (!this.#targetStates.has(record.connector)) this.#targetStates.set(record.connector, TargetState.STARTED);
        return this.#notify((l) => l.onConnectorConfigUpdate(record.connector));
      case 'connector-removed':
        this.#forget(record.connector);
        this.#logger.info(`Successfully processed removal of connector '${record.connector}'`);
        return this.#notify((l) => l.onConnectorConfigRemove(record.connector));
      case 'task-config': {
        let deferred = this.#deferred.get(record.connector);
        if (deferred === undefined) this.#deferred.set(record.connector, (deferred = new Map()));
        deferred.set(record.task, record.config);
        return;
      }
      case 'tasks-commit':
        return this.#applyCommit(record.connector, record.tasks);
      case 'restart-request':
        return this.#notify((l) => l.onRestartRequest(record.connector, record.request));
      case 'task-count':
        // exactly-once source support only: nothing a sink-only worker acts on
        this.#logger.debug(`Task count record for connector '${record.connector}': ${record.taskCount}`);
        return;
      case 'session-key':
        this.#sessionKey = record.sessionKey;
        return this.#notify((l) => l.onSessionKeyUpdate(record.sessionKey));
      case 'logger-level':
        return this.#notify((l) => l.onLoggingLevelUpdate(record.namespace, record.level));
    }
  }

  #applyTargetState(connector: string, state: TargetState | null): void {
    if (state === null) {
      this.#targetStates.delete(connector);
      // written together with the config's tombstone; should the config still be there, it runs
      if (this.#connectorConfigs.has(connector)) this.#targetStates.set(connector, TargetState.STARTED);
      // the removal is reported by the config's tombstone
      return;
    }
    const previous = this.#targetStates.get(connector);
    this.#targetStates.set(connector, state);
    // a target state written before its connector's config (a creation in a given state) is not news yet
    if (previous !== state && this.#connectorConfigs.has(connector)) this.#notify((l) => l.onConnectorTargetStateChange(connector));
  }

  #applyCommit(connector: string, taskCount: number): void {
    if (!this.#connectorConfigs.has(connector)) {
      // the connector was deleted, and compaction removed its config and tombstone: ignore its tasks
      this.#forget(connector);
      this.#logger.debug(`Ignoring task configs for connector ${connector}: it appears to have been deleted`);
      return;
    }
    const deferred = this.#deferred.get(connector);
    const complete = Array.from({ length: taskCount }, (_, task) => task).every((task) => deferred?.has(task));
    const applied: number[] = [];
    if (complete) {
      if (deferred !== undefined && deferred.size > 0) {
        let tasks = this.#taskConfigs.get(connector);
        if (tasks === undefined) this.#taskConfigs.set(connector, (tasks = new Map()));
        for (const [task, config] of deferred) {
          tasks.set(task, config);
          applied.push(task);
        }
      }
      this.#inconsistent.delete(connector);
    } else {
      // only compaction or a writer that died mid-way leaves an incomplete set
      this.#logger.debug(`Incomplete set of task configs for connector '${connector}' (commit of ${taskCount}); not applying them`);
      this.#inconsistent.add(connector);
    }
    // a complete commit used them, an incomplete one must be followed by a fresh full set
    deferred?.clear();
    this.#taskCounts.set(connector, taskCount);
    this.#notify((l) =>
      l.onTaskConfigUpdate(
        connector,
        applied.sort((a, b) => a - b),
      ),
    );
  }

  #forget(connector: string): void {
    this.#connectorConfigs.delete(connector);
    this.#taskCounts.delete(connector);
    this.#taskConfigs.delete(connector);
    this.#deferred.delete(connector);
  }

  #notify(call: (listener: ConfigUpdateListener) => void): void {
    if (!this.#started || this.#listener === undefined) return;
    try {
      call(this.#listener);
    } catch (error) {
      this.#logger.error({ err: error }, 'A config update listener failed');
    }
  }
}
