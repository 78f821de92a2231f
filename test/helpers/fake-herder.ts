/**
 * A Herder for API tests: records every call and answers only what a test stubbed. An unstubbed
 * method rejects loudly, so a test can never pass by accident on a default answer.
 */
import type { Herder } from '../../src/runtime/herder/herder.js';

export type HerderMethod = Exclude<keyof Herder, 'currentStage'>;

export interface HerderCall {
  method: keyof Herder;
  args: unknown[];
}

/** Operations that change desired state; the HTTP layer must not reach them with a rejected request. */
export const MUTATING: ReadonlySet<HerderMethod> = new Set<HerderMethod>([
  'createConnector',
  'putConnectorConfig',
  'patchConnectorConfig',
  'deleteConnector',
  'restartConnector',
  'restartTask',
  'pauseConnector',
  'resumeConnector',
  'stopConnector',
  'resetConnectorActiveTopics',
  'alterConnectorOffsets',
  'resetConnectorOffsets',
  'setLoggerLevel',
]);

type Stage = ReturnType<Herder['currentStage']>;

export class FakeHerder implements Herder {
  readonly calls: HerderCall[] = [];
  stage: Stage = null;
  readonly #stubs = new Map<HerderMethod, (...args: never[]) => unknown>();

  /** Answers `method` with `impl` from now on. */
  stub<K extends HerderMethod>(method: K, impl: Herder[K]): this {
    this.#stubs.set(method, impl as (...args: never[]) => unknown);
    return this;
  }

  /** The calls that would have changed state. */
  mutations(): HerderCall[] {
    return this.calls.filter((call) => MUTATING.has(call.method as HerderMethod));
  }

  /** The argument lists `method` was called with. */
  argsOf(method: HerderMethod): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  #call<T>(method: HerderMethod, args: unknown[]): Promise<T> {
    // the client-gone signal a route hands over is transport, not part of what the test asserts on
    this.calls.push({ method, args: args.filter((arg) => !(arg instanceof AbortSignal)) });
    const impl = this.#stubs.get(method);
    if (impl === undefined) return Promise.reject(new Error(`FakeHerder.${method} was called but not stubbed`));
    return Promise.resolve().then(() => (impl as (...a: unknown[]) => Promise<T>)(...args));
  }

  connectors: Herder['connectors'] = (...a) => this.#call('connectors', a);
  connectorInfo: Herder['connectorInfo'] = (...a) => this.#call('connectorInfo', a);
  connectorConfig: Herder['connectorConfig'] = (...a) => this.#call('connectorConfig', a);
  createConnector: Herder['createConnector'] = (...a) => this.#call('createConnector', a);
  putConnectorConfig: Herder['putConnectorConfig'] = (...a) => this.#call('putConnectorConfig', a);
  patchConnectorConfig: Herder['patchConnectorConfig'] = (...a) => this.#call('patchConnectorConfig', a);
  deleteConnector: Herder['deleteConnector'] = (...a) => this.#call('deleteConnector', a);
  connectorStatus: Herder['connectorStatus'] = (...a) => this.#call('connectorStatus', a);
  taskStatus: Herder['taskStatus'] = (...a) => this.#call('taskStatus', a);
  taskConfigs: Herder['taskConfigs'] = (...a) => this.#call('taskConfigs', a);
  tasksConfig: Herder['tasksConfig'] = (...a) => this.#call('tasksConfig', a);
  restartConnector: Herder['restartConnector'] = (...a) => this.#call('restartConnector', a);
  restartTask: Herder['restartTask'] = (...a) => this.#call('restartTask', a);
  pauseConnector: Herder['pauseConnector'] = (...a) => this.#call('pauseConnector', a);
  resumeConnector: Herder['resumeConnector'] = (...a) => this.#call('resumeConnector', a);
  stopConnector: Herder['stopConnector'] = (...a) => this.#call('stopConnector', a);
  connectorActiveTopics: Herder['connectorActiveTopics'] = (...a) => this.#call('connectorActiveTopics', a);
  resetConnectorActiveTopics: Herder['resetConnectorActiveTopics'] = (...a) => this.#call('resetConnectorActiveTopics', a);
  connectorOffsets: Herder['connectorOffsets'] = (...a) => this.#call('connectorOffsets', a);
  alterConnectorOffsets: Herder['alterConnectorOffsets'] = (...a) => this.#call('alterConnectorOffsets', a);
  resetConnectorOffsets: Herder['resetConnectorOffsets'] = (...a) => this.#call('resetConnectorOffsets', a);
  validateConnectorConfig: Herder['validateConnectorConfig'] = (...a) => this.#call('validateConnectorConfig', a);
  connectorPlugins: Herder['connectorPlugins'] = (...a) => this.#call('connectorPlugins', a);
  connectorPluginConfig: Herder['connectorPluginConfig'] = (...a) => this.#call('connectorPluginConfig', a);
  serverInfo: Herder['serverInfo'] = (...a) => this.#call('serverInfo', a);
  health: Herder['health'] = (...a) => this.#call('health', a);
  loggers: Herder['loggers'] = (...a) => this.#call('loggers', a);
  loggerLevel: Herder['loggerLevel'] = (...a) => this.#call('loggerLevel', a);
  setLoggerLevel: Herder['setLoggerLevel'] = (...a) => this.#call('setLoggerLevel', a);
  currentStage: Herder['currentStage'] = () => this.stage;
}
