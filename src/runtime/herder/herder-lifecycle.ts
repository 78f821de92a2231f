import type { Logger } from 'pino';
import type { ConfigStore, StatusStore } from '../../store/types.js';
import { NotFoundError, ServerError } from '../errors.js';
import { connectorType, requireConnector } from './herder-configs.js';
import type { HerderConverger, StatusWriter } from './converger.js';
import type { SerialQueues } from './request-queue.js';
import type { Plugins } from '../plugins.js';
import { buildRestartPlan } from './restart-plan.js';
import { State, TargetState } from '../status/status.js';
import type { ConnectorStateInfo, RestartRequest } from '../types.js';

export interface HerderLifecycleOptions {
  configStore: ConfigStore;
  statusStore: StatusStore;
  plugins: Plugins;
  queues: SerialQueues;
  converge: HerderConverger;
  status: StatusWriter;
  log: Logger;
}

/**
 * Moves existing connectors and tasks between states without changing their configs: target states
 * (pause, resume, stop) and restarts. Each runs in the connector's queue, so it never interleaves with
 * a config write of the same connector.
 */
export class HerderLifecycle {
  readonly #configs: ConfigStore;
  readonly #statuses: StatusStore;
  readonly #plugins: Plugins;
  readonly #queues: SerialQueues;
  readonly #converge: HerderConverger;
  readonly #status: StatusWriter;
  readonly #log: Logger;

  constructor(options: HerderLifecycleOptions) {
    this.#configs = options.configStore;
    this.#statuses = options.statusStore;
    this.#plugins = options.plugins;
    this.#queues = options.queues;
    this.#converge = options.converge;
    this.#status = options.status;
    this.#log = options.log;
  }

  // ---------------------------------------------------------------- target states

  /**
   * Persists the target state and resolves; the transition itself follows in the same queue, because the
   * answer (202 Accepted) promises that the request is recorded, not that every task has moved yet.
   */
  changeTargetState(name: string, target: TargetState): Promise<void> {
    const persisted = this.#queues.run(name, async () => {
      const record = requireConnector(this.#configs, name, `Unknown connector ${name}`);
      this.#configs.transaction(() => this.#configs.putTargetState(name, target));
      return record.targetState;
    });
    void this.#queues.run(name, async () => {
      const from = await persisted.catch(() => null);
      if (from !== null) await this.#converge.transition(name, from, target);
    }).catch((err: unknown) => this.#log.error({ err, connector: name }, `Failed to move connector to ${target}`));
    return persisted.then(() => undefined);
  }

  /** Unlike pause, stop also drops the task configs, which is what makes the offsets modifiable. */
  async stopConnector(name: string): Promise<void> {
    return this.#queues.run(name, async () => {
      const record = requireConnector(this.#configs, name, `Unknown connector ${name}`);
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
      // Kafka's plain restart: the connector only, with its own not-found text and no plan to answer with
      return this.#queues.run(name, async () => {
        const record = requireConnector(this.#configs, name);
        await this.#converge.stopConnector(name);
        const ok = await this.#converge.startConnector(name);
        if (ok && record.targetState === TargetState.STARTED) await this.#converge.updateTasks(name);
        return null;
      });
    }
    return this.#queues.run(name, async () => {
      const record = requireConnector(this.#configs, name, `Unknown connector: ${name}`);
      const status = this.#statuses.getConnector(name);
      if (!status) throw new NotFoundError(`Status for connector ${name} not found`);
      const plan = buildRestartPlan(
        name,
        request,
        status,
        this.#statuses.tasks(name),
        record.taskConfigs.length,
        connectorType(this.#plugins, record),
      );
      if (plan.restartConnector) {
        await this.#converge.stopConnector(name);
        this.#status.connector(name, State.RESTARTING);
      }
      await Promise.all(plan.taskIds.map((task) => this.#converge.stopTask({ connector: name, task })));
      for (const task of plan.taskIds) this.#status.task({ connector: name, task }, State.RESTARTING);
      if (plan.restartConnector) await this.#converge.startConnector(name);
      for (const task of plan.taskIds) await this.#converge.startTask({ connector: name, task });
      return plan.stateInfo;
    });
  }

  async restartTask(name: string, task: number): Promise<void> {
    return this.#queues.run(name, async () => {
      const record = requireConnector(this.#configs, name);
      if (!Number.isInteger(task) || task < 0 || task >= record.taskConfigs.length) {
        throw new NotFoundError(`Task ${name}-${task} not found`);
      }
      const id = { connector: name, task };
      await this.#converge.stopTask(id);
      if (!(await this.#converge.startTask(id))) throw new ServerError(`Failed to start task: ${name}-${task}`);
    });
  }

  /** The connector asked for new task configs (its input changed); nobody awaits it, so failures are logged. */
  requestTaskReconfiguration(name: string): void {
    void this.#queues.run(name, () => this.#converge.updateTasks(name)).catch((err: unknown) =>
      this.#log.error({ err, connector: name }, 'Failed to reconfigure the tasks of the connector'),
    );
  }
}
