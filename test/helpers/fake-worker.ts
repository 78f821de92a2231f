/**
 * A Worker for herder tests: it runs connector instances from the real plugin registry (so task configs
 * come from the plugin), keeps tasks as plain records, reports every state change through the listener
 * synchronously, and records each call so tests can assert what the herder asked for.
 */
import type { SinkConnector } from '../../src/plugin/index.js';
import type { Plugins } from '../../src/runtime/plugins.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from '../../src/runtime/status/status.js';
import type { ConnectorOffsets } from '../../src/runtime/types.js';
import type { SinkOffsetChange, Worker } from '../../src/runtime/worker/worker.js';
import type { ConnectorConfig } from '../../src/store/types.js';

interface RunningConnector {
  readonly connector: SinkConnector;
  readonly listener: StatusListener;
  state: TargetState;
}

interface RunningTask {
  readonly config: ConnectorConfig;
  readonly listener: StatusListener;
  state: State;
}

function stateOf(target: TargetState): State {
  return target === TargetState.STARTED ? State.RUNNING : target === TargetState.PAUSED ? State.PAUSED : State.STOPPED;
}

const taskKey = (id: ConnectorTaskId): string => `${id.connector}-${id.task}`;

export class FakeWorker implements Worker {
  readonly workerId = '127.0.0.1:8083';
  /** every call, e.g. `startConnector a STARTED`, `startTask a-0 PAUSED`, `stopTask a-0` */
  readonly calls: string[] = [];
  readonly connectors = new Map<string, RunningConnector>();
  readonly tasks = new Map<string, RunningTask>();
  /** committed offsets per connector: `topic/partition` → offset */
  readonly offsets = new Map<string, Map<string, number>>();
  /** names of connectors whose start fails; keys `<c>-<t>` of tasks whose start fails */
  readonly failStart = new Set<string>();
  clusterId: string | null = 'fake-cluster-id';
  /** when set, the next offset operation rejects with it */
  offsetError: Error | null = null;
  stopped = false;

  constructor(private readonly plugins: Plugins) {}

  async startConnector(name: string, config: ConnectorConfig, targetState: TargetState, listener: StatusListener): Promise<boolean> {
    this.calls.push(`startConnector ${name} ${targetState}`);
    if (this.connectors.has(name)) throw new Error(`Connector ${name} is already running in this worker`);
    if (this.failStart.has(name)) {
      listener.onConnectorState(name, State.FAILED, `java.lang.RuntimeException: ${name} refused to start\n\tat test`);
      return false;
    }
    const connector = this.plugins.connector(config['connector.class']).createConnector();
    if (targetState !== TargetState.STOPPED) await connector.start(config, { requestTaskReconfiguration() {}, raiseError() {} });
    this.connectors.set(name, { connector, listener, state: targetState });
    listener.onConnectorState(name, stateOf(targetState));
    return true;
  }

  async connectorTaskConfigs(name: string, maxTasks: number): Promise<Record<string, string>[]> {
    this.calls.push(`connectorTaskConfigs ${name} ${maxTasks}`);
    const running = this.connectors.get(name);
    if (!running || running.state === TargetState.STOPPED) throw new Error(`Connector ${name} not found in this worker.`);
    return running.connector.taskConfigs(maxTasks);
  }

  async stopConnector(name: string): Promise<void> {
    this.calls.push(`stopConnector ${name}`);
    const running = this.connectors.get(name);
    if (!running) return;
    this.connectors.delete(name);
    await running.connector.stop();
    running.listener.onConnectorState(name, State.UNASSIGNED);
  }

  async startTask(
    id: ConnectorTaskId,
    _connectorConfig: ConnectorConfig,
    taskConfig: ConnectorConfig,
    targetState: TargetState,
    listener: StatusListener,
  ): Promise<boolean> {
    this.calls.push(`startTask ${taskKey(id)} ${targetState}`);
    if (this.tasks.has(taskKey(id))) throw new Error(`Task already exists in this worker: ${taskKey(id)}`);
    if (this.failStart.has(taskKey(id))) {
      listener.onTaskState(id, State.FAILED, `java.lang.RuntimeException: ${taskKey(id)} refused to start\n\tat test`);
      return false;
    }
    const state = targetState === TargetState.PAUSED ? State.PAUSED : State.RUNNING;
    this.tasks.set(taskKey(id), { config: taskConfig, listener, state });
    listener.onTaskState(id, state);
    return true;
  }

  async stopTask(id: ConnectorTaskId): Promise<void> {
    this.calls.push(`stopTask ${taskKey(id)}`);
    const task = this.tasks.get(taskKey(id));
    if (!task) return;
    this.tasks.delete(taskKey(id));
    task.listener.onTaskState(id, State.UNASSIGNED);
  }

  setTaskTargetState(id: ConnectorTaskId, state: TargetState): void {
    this.calls.push(`setTaskTargetState ${taskKey(id)} ${state}`);
    const task = this.tasks.get(taskKey(id));
    if (!task || task.state === State.FAILED) return;
    task.state = state === TargetState.PAUSED ? State.PAUSED : State.RUNNING;
    task.listener.onTaskState(id, task.state);
  }

  async setTargetState(name: string, state: TargetState): Promise<void> {
    this.calls.push(`setTargetState ${name} ${state}`);
    const running = this.connectors.get(name);
    if (!running) return;
    running.state = state;
    running.listener.onConnectorState(name, stateOf(state));
    for (const [key, task] of this.tasks) {
      if (!key.startsWith(`${name}-`) || task.state === State.FAILED) continue;
      task.state = state === TargetState.PAUSED ? State.PAUSED : State.RUNNING;
      task.listener.onTaskState({ connector: name, task: Number(key.slice(name.length + 1)) }, task.state);
    }
  }

  /** Test hook: a running task fails, as a real one reports it. */
  failTask(id: ConnectorTaskId, trace = 'org.apache.kafka.connect.errors.ConnectException: boom\n\tat test'): void {
    const task = this.tasks.get(taskKey(id));
    if (!task) throw new Error(`No task ${taskKey(id)}`);
    task.state = State.FAILED;
    task.listener.onTaskState(id, State.FAILED, trace);
  }

  /** Test hook: a running connector fails. */
  failConnector(name: string, trace = 'org.apache.kafka.connect.errors.ConnectException: connector boom\n\tat test'): void {
    const running = this.connectors.get(name);
    if (!running) throw new Error(`No connector ${name}`);
    running.listener.onConnectorState(name, State.FAILED, trace);
  }

  async sinkConnectorOffsets(name: string): Promise<ConnectorOffsets> {
    this.calls.push(`sinkConnectorOffsets ${name}`);
    this.#maybeFail();
    const offsets = [...(this.offsets.get(name) ?? new Map<string, number>())].map(([key, offset]) => {
      const [topic, partition] = key.split('/');
      return { partition: { kafka_topic: topic, kafka_partition: Number(partition) }, offset: { kafka_offset: offset } };
    });
    return { offsets };
  }

  async alterSinkConnectorOffsets(name: string, _config: ConnectorConfig, changes: readonly SinkOffsetChange[]): Promise<void> {
    this.calls.push(`alterSinkConnectorOffsets ${name}`);
    this.#maybeFail();
    const offsets = this.offsets.get(name) ?? new Map<string, number>();
    for (const change of changes) {
      const key = `${change.topic}/${change.partition}`;
      if (change.offset === null) offsets.delete(key);
      else offsets.set(key, change.offset);
    }
    this.offsets.set(name, offsets);
  }

  async resetSinkConnectorOffsets(name: string): Promise<void> {
    this.calls.push(`resetSinkConnectorOffsets ${name}`);
    this.#maybeFail();
    this.offsets.delete(name);
  }

  async kafkaClusterId(): Promise<string | null> {
    return this.clusterId;
  }

  async stop(): Promise<void> {
    this.calls.push('stop');
    this.stopped = true;
    for (const name of [...this.connectors.keys()]) await this.stopConnector(name);
    for (const key of [...this.tasks.keys()]) {
      const dash = key.lastIndexOf('-');
      await this.stopTask({ connector: key.slice(0, dash), task: Number(key.slice(dash + 1)) });
    }
  }

  #maybeFail(): void {
    const error = this.offsetError;
    this.offsetError = null;
    if (error) throw error;
  }
}
