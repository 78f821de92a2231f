/**
 * Distributed mode's Membership (see herder/membership.ts) over the WorkerCoordinator: the group's
 * assignment decides which tasks this worker runs, its leader is where writes go, and a rebalance
 * revokes everything before the worker rejoins (eager), so a task never runs on two workers at once.
 *
 * The leader also watches desired state: when the config topic shows connectors or task counts the
 * current assignment was not computed from, it asks the group to rebalance (Kafka's DistributedHerder
 * does the same when its config snapshot changes the set of tasks).
 */
import type { Logger } from 'pino';
import type { Membership, MembershipListener } from '../herder/membership.js';
import type { ConnectorTaskId } from '../status/status.js';
import type { ConfigSnapshot, ConnectAssignment, WorkerCoordinator, WorkerCoordinatorMetrics, WorkerCoordinatorOptions } from './worker-coordinator.js';

const taskKey = (id: ConnectorTaskId): string => `${id.connector}-${id.task}`;

/** The shape of desired state an assignment covers: each connector with its task count. */
function shapeOf(snapshot: ConfigSnapshot): string {
  return [...snapshot.connectors]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, tasks]) => `${name}:${tasks}`)
    .join('\n');
}

export interface DistributedMembershipOptions {
  /** Builds the coordinator with the listener this membership hands it. */
  readonly coordinator: (listener: WorkerCoordinatorOptions['listener']) => WorkerCoordinator;
  /** The config topic as read so far. */
  readonly snapshot: () => ConfigSnapshot;
  /** This worker's advertised REST URL. */
  readonly workerUrl: string;
  readonly log: Logger;
}

export class DistributedMembership implements Membership {
  readonly mode = 'distributed' as const;
  readonly #options: DistributedMembershipOptions;
  #coordinator: WorkerCoordinator | null = null;
  /** the tasks of the assignment in force; empty while revoked */
  #owned = new Set<string>();
  /** the desired state's shape when the assignment in force was made */
  #assignedShape: string | null = null;
  /** requests waiting for the rebalance under way to end */
  readonly #waiting = new Set<() => void>();

  constructor(options: DistributedMembershipOptions) {
    this.#options = options;
  }

  start(listener: MembershipListener): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#coordinator = this.#options.coordinator({
        onRevoked: async (_assignment: ConnectAssignment) => {
          this.#owned = new Set();
          this.#assignedShape = null;
          await listener.onRevoked();
        },
        onAssigned: async (assignment: ConnectAssignment) => {
          this.#owned = new Set(assignment.tasks.map(taskKey));
          this.#assignedShape = shapeOf(this.#options.snapshot());
          await listener.onAssigned();
          resolve();
          for (const wake of [...this.#waiting]) wake();
          // a change read while the assignment was being made is not covered by it
          this.configChanged();
        },
        onFatal: (error) => reject(error),
      });
      this.#coordinator.start();
    });
  }

  async stop(): Promise<void> {
    await this.#coordinator?.stop();
  }

  isLeader(): boolean {
    return this.#coordinator?.isLeader() ?? false;
  }

  leaderUrl(): string | null {
    return this.#coordinator?.leaderUrl() ?? null;
  }

  owns(id: ConnectorTaskId): boolean {
    return this.#owned.has(taskKey(id));
  }

  rebalancing(): boolean {
    return this.#coordinator?.rebalancing() ?? true;
  }

  settled(timeoutMs: number): Promise<boolean> {
    if (!this.rebalancing()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (settled: boolean) => {
        clearTimeout(timer);
        this.#waiting.delete(wake);
        resolve(settled);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(!this.rebalancing()), timeoutMs);
      this.#waiting.add(wake);
    });
  }

  generation(): number {
    return Math.max(0, this.#coordinator?.generation() ?? 0);
  }

  /** What the metrics show of the group (null before the coordinator exists). */
  metrics(): WorkerCoordinatorMetrics | null {
    return this.#coordinator?.metrics() ?? null;
  }

  /** Workers advertise `<scheme>://<worker id>/`, all with the scheme of the cluster's listeners. */
  workerUrl(workerId: string): string | null {
    const own = this.#options.workerUrl;
    return `${own.slice(0, own.indexOf('://'))}://${workerId}/`;
  }

  configChanged(): void {
    if (this.#assignedShape === null || !this.isLeader()) return;
    if (shapeOf(this.#options.snapshot()) === this.#assignedShape) return;
    this.#assignedShape = null;
    this.#coordinator?.requestRejoin('the connectors or their task counts changed');
  }
}
