/**
 * This worker's place in its cluster, as the herder needs it: whether it leads (the leader alone writes
 * desired state and runs the connector instances, which generate task configs), which tasks it runs,
 * and whether a rebalance is under way. In standalone mode the worker is a cluster of one: always the
 * leader, every task its own. In distributed mode Kafka's group coordinator decides (see
 * `group-membership.ts`), and assignments change under the herder's feet: the membership tells it
 * through the listener, waiting for `onRevoked` before anyone else may start the revoked tasks.
 */
import type { ConnectorTaskId } from '../status/status.js';

export interface MembershipListener {
  /**
   * This worker must stop running what it was assigned (a rebalance began, or contact with the group was
   * lost). Resolves once every revoked instance has stopped: only then does the worker rejoin, so no task
   * ever runs on two workers at once.
   */
  onRevoked(): Promise<void>;
  /** A new assignment is in force (and possibly a new leader): start what is now this worker's. */
  onAssigned(): Promise<void>;
}

export interface Membership {
  /** `standalone` or `distributed`: names the herder in logs and `GET /` answers. */
  readonly mode: 'standalone' | 'distributed';
  /** Starts taking part; the listener hears about every assignment from then on. Resolves once joined. */
  start(listener: MembershipListener): Promise<void>;
  /** Leaves the group after revoking (so others take the work over at once); bounded. */
  stop(): Promise<void>;
  /** Whether this worker is the leader of the current assignment. */
  isLeader(): boolean;
  /** The leader's advertised REST URL, where writes are forwarded; null while no leader is known. */
  leaderUrl(): string | null;
  /** Whether this worker runs the task in the current assignment. */
  owns(id: ConnectorTaskId): boolean;
  /** Between a revocation and the next assignment: writes wait for it to end (then 409, Kafka's answer). */
  rebalancing(): boolean;
  /** Resolves true once no rebalance is under way, false if one still is after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean>;
  /** The generation of the current assignment: statuses carry it so an older one never overwrites a newer. */
  generation(): number;
  /** Desired state changed (connectors or task counts): the leader rebalances when the assignment no longer fits. */
  configChanged(): void;
  /** The REST URL of the worker a status names (`worker_id`), to forward a request to it; null standalone. */
  workerUrl(workerId: string): string | null;
}

/** A cluster of one: this worker leads and runs every task, from start to stop. */
export class StandaloneMembership implements Membership {
  readonly mode = 'standalone' as const;
  async start(listener: MembershipListener): Promise<void> {
    await listener.onAssigned();
  }

  /** Nothing to hand over: the herder's own shutdown stops every instance. */
  async stop(): Promise<void> {}

  isLeader(): boolean {
    return true;
  }

  leaderUrl(): string | null {
    return null;
  }

  owns(_id: ConnectorTaskId): boolean {
    return true;
  }

  rebalancing(): boolean {
    return false;
  }

  async settled(_timeoutMs: number): Promise<boolean> {
    return true;
  }

  generation(): number {
    return 0;
  }

  configChanged(): void {}

  workerUrl(_workerId: string): string | null {
    return null;
  }
}
