/**
 * The lifecycle of one SinkConnector instance (Kafka's WorkerConnector): started only while its target
 * state is STARTED (pausing stops the instance, resuming starts it again), asked for task configs,
 * stopped. It reports its state through the StatusListener and never persists anything.
 */
import type { Logger } from 'pino';
import type { ConnectorContext, SinkConnector, SinkConnectorPlugin } from '../../plugin/index.js';
import type { ConnectorConfig } from '../../store/types.js';
import { formatTrace } from './error-handling.js';
import { State, TargetState, type StatusListener } from '../status/status.js';

export interface WorkerConnectorOptions {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly plugin: SinkConnectorPlugin;
  readonly listener: StatusListener;
  /** `org.apache.kafka.connect.runtime.WorkerConnector`, bound to the connector */
  readonly logger: Logger;
}

export class WorkerConnector {
  readonly #o: WorkerConnectorOptions;
  readonly #connector: SinkConnector;
  #target: TargetState = TargetState.STOPPED;
  #started = false;
  #failed = false;
  #stopped = false;
  /** transitions run one after another, in the order they were asked for */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: WorkerConnectorOptions) {
    this.#o = options;
    this.#connector = options.plugin.createConnector();
  }

  /**
   * STARTED starts the instance, PAUSED and STOPPED stop it; a FAILED connector stays FAILED.
   * False when starting the instance failed (reported FAILED with its trace).
   */
  transitionTo(targetState: TargetState): Promise<boolean> {
    return this.#serial(() => this.#enter(targetState));
  }

  /** At most `maxTasks` task configs; only a started connector can answer. */
  taskConfigs(maxTasks: number): Promise<Record<string, string>[]> {
    return this.#serial(async () => {
      if (!this.#started) throw new Error(`Connector ${this.#o.name} is not running, so it cannot generate task configurations`);
      return this.#connector.taskConfigs(maxTasks);
    });
  }

  /** Stops the instance; reports UNASSIGNED (the connector no longer runs here) unless it failed. */
  stop(): Promise<void> {
    return this.#serial(async () => {
      if (this.#stopped) return;
      this.#stopped = true;
      await this.#stopInstance();
      if (!this.#failed) this.#o.listener.onConnectorState(this.#o.name, State.UNASSIGNED);
    });
  }

  async #enter(target: TargetState): Promise<boolean> {
    if (this.#stopped || this.#failed) return !this.#failed;
    this.#target = target;
    if (target === TargetState.STARTED) {
      if (!this.#started) {
        try {
          await this.#connector.start(this.#o.config, this.#context());
          this.#started = true;
        } catch (error) {
          this.#fail(error);
          return false;
        }
      }
      this.#o.listener.onConnectorState(this.#o.name, State.RUNNING);
      return true;
    }
    await this.#stopInstance();
    this.#o.listener.onConnectorState(this.#o.name, target === TargetState.PAUSED ? State.PAUSED : State.STOPPED);
    return true;
  }

  async #stopInstance(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    try {
      await this.#connector.stop();
    } catch (error) {
      this.#o.logger.error({ err: error }, `Error while stopping connector ${this.#o.name}`);
    }
  }

  #fail(error: unknown): void {
    this.#failed = true;
    this.#o.logger.error({ err: error }, `Error while starting connector ${this.#o.name}`);
    this.#o.listener.onConnectorState(this.#o.name, State.FAILED, formatTrace(error));
  }

  #context(): ConnectorContext {
    return {
      requestTaskReconfiguration: () => {
        if (this.#started && this.#target === TargetState.STARTED) this.#o.listener.onTaskReconfigurationRequested(this.#o.name);
      },
      raiseError: (error) => {
        if (this.#stopped || this.#failed) return;
        this.#o.logger.error({ err: error }, `Connector ${this.#o.name} raised an error`);
        this.#failed = true;
        this.#o.listener.onConnectorState(this.#o.name, State.FAILED, formatTrace(error));
      },
    };
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}
