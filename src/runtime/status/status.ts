export { TargetState } from '../../store/types.js';

/** Observed state of a connector or task (Kafka's AbstractStatus.State), wire-identical values. */
export const State = {
  UNASSIGNED: 'UNASSIGNED',
  RUNNING: 'RUNNING',
  PAUSED: 'PAUSED',
  STOPPED: 'STOPPED',
  FAILED: 'FAILED',
  RESTARTING: 'RESTARTING',
} as const;
export type State = (typeof State)[keyof typeof State];

export interface ConnectorTaskId {
  readonly connector: string;
  readonly task: number;
}

/**
 * How running instances report. The worker calls it; the herder implements it and is the only
 * writer of the status store. `trace` is present only for FAILED.
 */
export interface StatusListener {
  onConnectorState(connector: string, state: State, trace?: string): void;
  onTaskState(id: ConnectorTaskId, state: State, trace?: string): void;
  /** A sink task consumed from `topic` (topic tracking, KIP-558). */
  onTopicActive(connector: string, topic: string): void;
  /** The connector asked for its task configs to be regenerated. */
  onTaskReconfigurationRequested(connector: string): void;
}
