import type { StatusRecord } from '../../store/types.js';
import { State } from '../status/status.js';
import type { ConnectorStateInfo, ConnectorType, EntityState, RestartRequest, TaskState } from '../types.js';

/** What `POST /connectors/{c}/restart?includeTasks&onlyFailed` restarts (Kafka's RestartPlan). */
export interface RestartPlan {
  readonly restartConnector: boolean;
  /** ascending */
  readonly taskIds: readonly number[];
  /** the response: current statuses, with every instance to be restarted shown as RESTARTING */
  readonly stateInfo: ConnectorStateInfo;
}

/** Status as a REST entity: `trace` only when there is one (Kafka omits it when empty). */
export function entityState(status: StatusRecord): EntityState {
  const state: EntityState = { state: status.state as State, worker_id: status.workerId };
  if (status.trace) state.trace = status.trace;
  // Kafka 4.1 leaves out a missing or "undefined" version (PluginInfo.NoVersionFilter)
  if (status.version !== undefined && status.version !== 'undefined') state.version = status.version;
  return state;
}

export function taskState(task: number, status: StatusRecord): TaskState {
  return { id: task, ...entityState(status) };
}

/**
 * Kafka's AbstractHerder.buildRestartPlan + RestartRequest.shouldRestart*: the connector restarts unless
 * only failed instances are asked for and it has not failed; a task restarts only when tasks are included,
 * under the same rule. Tasks are those with a status that still have a task config.
 */
export function buildRestartPlan(
  name: string,
  request: RestartRequest,
  connector: StatusRecord,
  tasks: ReadonlyArray<{ task: number; status: StatusRecord }>,
  taskCount: number,
  type: ConnectorType,
): RestartPlan {
  const shouldRestart = (status: StatusRecord): boolean => !request.onlyFailed || status.state === State.FAILED;
  const restartConnector = shouldRestart(connector);
  const restartTask = (status: StatusRecord): boolean => request.includeTasks && shouldRestart(status);
  const taskIds: number[] = [];
  const taskStates: TaskState[] = [];
  for (const { task, status } of tasks) {
    const restart = task < taskCount && restartTask(status);
    if (restart) taskIds.push(task);
    taskStates.push(taskState(task, restart ? { ...status, state: State.RESTARTING } : status));
  }
  const connectorState = entityState(restartConnector ? { ...connector, state: State.RESTARTING } : connector);
  return { restartConnector, taskIds, stateInfo: { name, connector: connectorState, tasks: taskStates, type } };
}
