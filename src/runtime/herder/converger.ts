import type { Logger } from 'pino';
import { ConfigType, parseType } from '../../plugin/index.js';
import type { ConfigStore, ConnectorConfig, ConnectorRecord, StatusStore } from '../../store/types.js';
import {
  CONNECTOR_CLASS_CONFIG,
  TASK_CLASS_CONFIG,
  TASKS_MAX_CONFIG,
  TASKS_MAX_ENFORCE_CONFIG,
  TOPICS_CONFIG,
  TOPICS_REGEX_CONFIG,
} from '../config/connector-config.js';
import type { Stages } from './request-queue.js';
import type { Plugins } from '../plugins.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from '../status/status.js';
import type { Worker } from '../worker/worker.js';

/** Status writes the converger needs; the herder owns the status store's contents. */
export interface StatusWriter {
  connector(name: string, state: State, trace?: string): void;
  task(id: ConnectorTaskId, state: State, trace?: string): void;
}

export interface HerderConvergerOptions {
  worker: Worker;
  configStore: ConfigStore;
  statusStore: StatusStore;
  plugins: Plugins;
  /** handed to the worker for its reports (the herder) */
  listener: StatusListener;
  status: StatusWriter;
  stages: Stages;
  log: Logger;
}

export function sameConfig(a: ConnectorConfig, b: ConnectorConfig): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** A trace in the shape of Java's printStackTrace, for failures the herder itself detects. */
function trace(javaClass: string, message: string): string {
  const frames = (new Error().stack ?? '').split('\n').slice(2);
  return [`${javaClass}: ${message}`, ...frames.map((f) => f.replace(/^\s*at /, '\tat '))].join('\n');
}

/** Kafka's TooManyTasksException text. */
export function tooManyTasks(name: string, count: number, max: number): string {
  return (
    `The connector ${name} has generated ${count} tasks, which is greater than ${max}, ` +
    'the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is disallowed. ' +
    `If necessary, it can be permitted by reconfiguring the connector with '${TASKS_MAX_ENFORCE_CONFIG}' set to false; ` +
    'however, this option will be removed in a future release of Kafka Connect.'
  );
}

const TOO_MANY_TASKS = 'org.apache.kafka.connect.runtime.TooManyTasksException';

function tasksMax(config: ConnectorConfig): { max: number; enforce: boolean } {
  return {
    max: parseType(TASKS_MAX_CONFIG, config[TASKS_MAX_CONFIG] ?? 1, ConfigType.INT) as number,
    enforce: parseType(TASKS_MAX_ENFORCE_CONFIG, config[TASKS_MAX_ENFORCE_CONFIG] ?? true, ConfigType.BOOLEAN) as boolean,
  };
}

/**
 * Drives the worker towards the stored desired state of one connector at a time (the part of Kafka's
 * StandaloneHerder that starts/stops instances and regenerates task configs). The herder calls it from
 * inside the connector's queue, after it wrote what it decided; it only writes task configs, which are
 * derived from the connector, never a user's decision.
 */
export class HerderConverger {
  readonly #worker: Worker;
  readonly #configs: ConfigStore;
  readonly #statuses: StatusStore;
  readonly #plugins: Plugins;
  readonly #listener: StatusListener;
  readonly #status: StatusWriter;
  readonly #stages: Stages;
  readonly #log: Logger;
  /** connectors whose instance the worker started successfully and has not been told to stop */
  readonly #running = new Set<string>();
  /** the connector config the current tasks were generated from (Kafka's applied connector config) */
  readonly #applied = new Map<string, ConnectorConfig>();

  constructor(options: HerderConvergerOptions) {
    this.#worker = options.worker;
    this.#configs = options.configStore;
    this.#statuses = options.statusStore;
    this.#plugins = options.plugins;
    this.#listener = options.listener;
    this.#status = options.status;
    this.#stages = options.stages;
    this.#log = options.log;
  }

  /** Start-up: the connector in its target state, then its stored tasks (or new ones if it now asks for others). */
  async reconcile(name: string): Promise<void> {
    const record = this.#configs.get(name);
    if (!record) return;
    this.#status.connector(name, State.UNASSIGNED);
    // the stored tasks were generated from the stored config, or replaced after it changed
    if (record.taskConfigs.length > 0) this.#applied.set(name, record.config);
    await this.startConnector(name);
    if (await this.updateTasks(name)) return;
    const current = this.#configs.get(name)!;
    for (let task = 0; task < current.taskConfigs.length; task++) await this.startTask({ connector: name, task });
  }

  /**
   * The worker moves a running connector between STARTED and PAUSED in place; STOPPED has no running
   * instance, so entering or leaving it restarts the instance in the new state. Entering STARTED
   * (re)generates task configs, which a resumed STOPPED connector does not have.
   */
  async transition(name: string, from: TargetState, to: TargetState): Promise<void> {
    if (!this.#configs.get(name)) return;
    if (from === TargetState.STOPPED || to === TargetState.STOPPED) {
      await this.stopConnector(name);
      await this.startConnector(name);
    } else {
      await this.#stages.run(`moving connector ${name} to ${to}`, () => this.#worker.setTargetState(name, to));
    }
    if (to === TargetState.STARTED) await this.updateTasks(name);
  }

  /** Starts the connector instance from its stored config in its target state; false when it failed. */
  async startConnector(name: string): Promise<boolean> {
    const record = this.#configs.get(name);
    if (!record) return false;
    const ok = await this.#stages.run(`starting connector ${name}`, () =>
      this.#worker.startConnector(name, record.config, record.targetState, this.#listener),
    );
    if (ok) this.#running.add(name);
    else this.#running.delete(name);
    return ok;
  }

  async stopConnector(name: string): Promise<void> {
    this.#running.delete(name);
    await this.#stages.run(`stopping connector ${name}`, () => this.#worker.stopConnector(name));
  }

  /**
   * Kafka's updateConnectorTasks: asks a running, STARTED connector for task configs (adding `task.class`
   * and the topics), enforces `tasks.max`, and replaces the tasks when their configs changed or were
   * generated from another connector config. Returns true when it replaced (and started) the tasks.
   */
  async updateTasks(name: string): Promise<boolean> {
    const record = this.#configs.get(name);
    if (!record || record.targetState !== TargetState.STARTED || !this.#isRunning(name)) return false;
    const { max, enforce } = tasksMax(record.config);

    let generated: Record<string, string>[];
    try {
      generated = await this.#stages.run(`generating task configurations for connector ${name}`, () =>
        this.#worker.connectorTaskConfigs(name, max),
      );
    } catch (err) {
      await this.#fail(name, 'org.apache.kafka.connect.errors.ConnectException', err instanceof Error ? err.message : String(err));
      return false;
    }
    if (generated.length > max) {
      if (enforce) {
        await this.#fail(name, TOO_MANY_TASKS, tooManyTasks(name, generated.length, max));
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

    await this.stopTasks(name, record.taskConfigs.length);
    this.#configs.transaction(() => this.#configs.putTaskConfigs(name, taskConfigs));
    this.#applied.set(name, record.config);
    for (let task = 0; task < taskConfigs.length; task++) await this.startTask({ connector: name, task });
    return true;
  }

  /** Starts one task from its stored config in the connector's target state; false when it failed. */
  async startTask(id: ConnectorTaskId): Promise<boolean> {
    const record = this.#configs.get(id.connector);
    const taskConfig = record?.taskConfigs[id.task];
    if (!record || !taskConfig) return false;
    const { max, enforce } = tasksMax(record.config);
    if (enforce && record.taskConfigs.length > max) {
      // a stored set of tasks larger than tasks.max fails each task, as Kafka's Worker.startTask does
      this.#status.task(id, State.FAILED, trace(TOO_MANY_TASKS, tooManyTasks(id.connector, record.taskConfigs.length, max)));
      return false;
    }
    return this.#stages.run(`starting task ${id.connector}-${id.task}`, () =>
      this.#worker.startTask(id, record.config, taskConfig, record.targetState, this.#listener),
    );
  }

  async stopTask(id: ConnectorTaskId): Promise<void> {
    await this.#stages.run(`stopping task ${id.connector}-${id.task}`, () => this.#worker.stopTask(id));
  }

  /** Stops tasks 0..count-1 and removes their statuses: those tasks no longer exist. */
  async stopTasks(name: string, count: number): Promise<void> {
    const ids = Array.from({ length: count }, (_, task) => ({ connector: name, task }));
    await Promise.all(ids.map((id) => this.stopTask(id)));
    for (const id of ids) this.#statuses.removeTask(name, id.task);
  }

  /** Drops what is remembered about a deleted connector. */
  forget(name: string): void {
    this.#running.delete(name);
    this.#applied.delete(name);
  }

  /** Everything was stopped by the worker at shutdown. */
  clear(): void {
    this.#running.clear();
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
    return this.#running.has(name) && this.#statuses.getConnector(name)?.state !== State.FAILED;
  }

  async #fail(name: string, javaClass: string, message: string): Promise<void> {
    this.#log.error({ connector: name }, message);
    await this.stopConnector(name);
    this.#status.connector(name, State.FAILED, trace(javaClass, message));
  }
}
