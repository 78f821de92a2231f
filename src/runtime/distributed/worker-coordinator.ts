/**
 * This worker's place in the cluster (Kafka's WorkerCoordinator): membership of the `group.id` group,
 * the leader's assignment when this worker leads, and the rules that keep a connector or task from
 * running on two workers at once. The herder hears of it through a WorkerRebalanceListener and asks it
 * who leads (to forward requests) and whether a rebalance is under way (to answer 409).
 *
 * Eager rebalancing: before every join the worker stops everything it was assigned (onRevoked, awaited);
 * the coordinator completes a rebalance only once every member has rejoined (or has been dropped after
 * `rebalance.timeout.ms`), so the next owner of a task starts it only after the previous one stopped it.
 * Every onAssigned is followed by exactly one onRevoked before the next join, the leave at stop(), or
 * — when no heartbeat was acknowledged for `session.timeout.ms` — at once, since the coordinator has
 * then given the work to others.
 *
 * Config offsets: a member runs an assignment only with the config topic read exactly to the offset the
 * leader assigned from. Behind, it reads on (`worker.sync.timeout.ms`); past it, it rejoins so the leader
 * assigns from newer configs; unable to catch up, it leaves the group for `worker.unsync.backoff.ms`, so
 * the others are not held up (Kafka's DistributedHerder rules).
 */
import type { Logger } from 'pino';
import { settlesWithin, systemClock, withTimeout } from '../clock.js';
import type { RebalanceSnapshot } from '../metrics.js';
import type { ClientProps } from '../kafka/client-config.js';
import { type Generation, type GroupMemberHandler, type GroupMembershipError, type JoinedMember, WorkerGroupMember } from '../kafka/group-membership.js';
import { assignEager, type ConfigSnapshot, maxConfigOffset } from './assignor.js';
import {
  AssignmentError,
  CONNECT_PROTOCOL_NAME,
  CONNECT_PROTOCOL_TYPE,
  type ConnectAssignment,
  decodeAssignment,
  decodeMetadata,
  encodeAssignment,
  encodeMetadata,
} from './connect-protocol.js';

export type { ConfigSnapshot } from './assignor.js';
export type { ConnectAssignment } from './connect-protocol.js';

/** The group settings of a distributed worker, under Kafka's names (DistributedConfig). */
export interface GroupConfig {
  /** `group.id` */
  readonly groupId: string;
  /** `session.timeout.ms`: without a heartbeat for this long a member is gone and its work moves */
  readonly sessionTimeoutMs: number;
  /** `heartbeat.interval.ms` */
  readonly heartbeatIntervalMs: number;
  /** `rebalance.timeout.ms`: how long members have to stop their work and rejoin; must exceed task.shutdown.graceful.timeout.ms */
  readonly rebalanceTimeoutMs: number;
  /** `worker.sync.timeout.ms`: how long to read the config topic to catch up with an assignment */
  readonly workerSyncTimeoutMs: number;
  /** `worker.unsync.backoff.ms`: how long to stay out of the group after failing to catch up */
  readonly workerUnsyncBackoffMs: number;
}

/** Kafka's defaults (DistributedConfig); `group.id` has none. */
export const GROUP_CONFIG_DEFAULTS: Omit<GroupConfig, 'groupId'> = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 60_000,
  workerSyncTimeoutMs: 3_000,
  workerUnsyncBackoffMs: 300_000,
};

/** The config topic as this worker has read it. */
export interface ConfigSource {
  /** What has been read so far (the leader assigns from it; the offset goes into this worker's metadata). */
  snapshot(): ConfigSnapshot;
  /** Reads the config topic to its current end within `timeoutMs`; resolves with the snapshot then (maybe still behind). */
  readToEnd(timeoutMs: number): Promise<ConfigSnapshot>;
}

export interface GroupLeader {
  readonly memberId: string;
  /** the leader's advertised REST URL: where requests that need the leader are forwarded */
  readonly url: string;
}

/** How the herder hears of rebalances (Kafka's WorkerRebalanceListener). Calls never overlap. */
export interface WorkerRebalanceListener {
  /**
   * Stop these connectors and tasks. Awaited before this worker rejoins or leaves; must finish within
   * `rebalance.timeout.ms`, or the coordinator drops the worker from the generation and hands its work on.
   */
  onRevoked(assignment: ConnectAssignment): Promise<void>;
  /** Start this generation's work: the config has been read exactly to `assignment.configOffset`. */
  onAssigned(assignment: ConnectAssignment, generation: number): Promise<void> | void;
  /** The leader changed; null once this worker is out of the group (lost contact, stopped, refused). */
  onLeaderChanged?(leader: GroupLeader | null): void;
  /** The coordinator refused this worker for good (e.g. INCONSISTENT_GROUP_PROTOCOL: the group is another kind's); its work was revoked. */
  onFatal?(error: GroupMembershipError): void;
}

export interface WorkerCoordinatorOptions {
  /** This worker's advertised REST URL: its identity in the cluster. */
  readonly workerUrl: string;
  readonly group: GroupConfig;
  /** Kafka client properties for the connections to the coordinator (bootstrap.servers, security.protocol, sasl.*, ssl.*, …). */
  readonly clientProps: ClientProps;
  /** When clientProps has no bootstrap.servers. */
  readonly bootstrapServers: readonly string[];
  readonly config: ConfigSource;
  readonly listener: WorkerRebalanceListener;
  readonly logger: Logger;
}

/** What the metrics show of the group (Kafka's connect-worker-rebalance-metrics and connect-coordinator-metrics). */
export type WorkerCoordinatorMetrics = RebalanceSnapshot;

function sanitizedClientId(url: string): string {
  return `connect-${url.replace(/^[a-z]+:\/\//i, '').replace(/[^A-Za-z0-9._-]+/g, '-')}`.replace(/-+$/, '');
}

function describeWork(assignment: ConnectAssignment): string {
  const tasks = assignment.tasks.map((t) => `${t.connector}-${t.task}`);
  return `connectors [${assignment.connectors.join(', ')}], tasks [${tasks.join(', ')}]`;
}

export class WorkerCoordinator {
  readonly #options: WorkerCoordinatorOptions;
  readonly #log: Logger;
  readonly #member: WorkerGroupMember;
  /** the assignment being run; null while revoked (a rebalance is under way) */
  #assignment: ConnectAssignment | null = null;
  #generation = -1;
  #memberId = '';
  #leader: GroupLeader | null = null;
  /** listener calls, one after another */
  #listenerCalls: Promise<void> = Promise.resolve();
  #stopping = false;
  #rebalanceStartedAt: number | null = null;
  #completedRebalances = 0;
  #lastRebalanceCompletedAt: number | null = null;
  #rebalanceTotalMs = 0;
  #rebalanceMaxMs: number | null = null;

  constructor(options: WorkerCoordinatorOptions) {
    this.#options = options;
    this.#log = options.logger;
    const { group } = options;
    this.#member = new WorkerGroupMember(
      {
        groupId: group.groupId,
        protocolType: CONNECT_PROTOCOL_TYPE,
        sessionTimeoutMs: group.sessionTimeoutMs,
        rebalanceTimeoutMs: group.rebalanceTimeoutMs,
        heartbeatIntervalMs: group.heartbeatIntervalMs,
        clientProps: options.clientProps,
        defaultBootstrapServers: options.bootstrapServers,
        defaultClientId: sanitizedClientId(options.workerUrl),
        logger: options.logger,
      },
      this.#memberHandler(),
    );
  }

  /** Joins the group in the background; the listener hears of the first assignment. */
  start(): void {
    this.#rebalanceStartedAt = Date.now();
    this.#member.start();
  }

  /** Rebalance: the herder calls this when the config topic shows connectors or task counts the current assignment does not cover. */
  requestRejoin(reason: string): void {
    this.#member.requestRejoin(reason);
  }

  /** The leader's advertised URL, kept through a rebalance (as Kafka's herder does); null when unknown. */
  leaderUrl(): string | null {
    return this.#leader?.url ?? null;
  }

  isLeader(): boolean {
    return this.#leader !== null && this.#leader.memberId === this.#memberId;
  }

  /** The generation of the last assignment, -1 before the first. */
  generation(): number {
    return this.#generation;
  }

  memberId(): string {
    return this.#memberId;
  }

  /** True from a revocation (and from start) until the next assignment runs: the REST layer answers 409 meanwhile. */
  rebalancing(): boolean {
    return this.#assignment === null;
  }

  /** The assignment being run, null while rebalancing. */
  assignment(): ConnectAssignment | null {
    return this.#assignment;
  }

  metrics(): WorkerCoordinatorMetrics {
    return {
      completedRebalances: this.#completedRebalances,
      rebalancing: this.rebalancing(),
      epoch: this.#generation,
      leaderUrl: this.leaderUrl(),
      isLeader: this.isLeader(),
      assignedConnectors: this.#assignment?.connectors.length ?? 0,
      assignedTasks: this.#assignment?.tasks.length ?? 0,
      lastRebalanceCompletedAt: this.#lastRebalanceCompletedAt,
      rebalanceAvgTimeMs: this.#completedRebalances === 0 ? null : this.#rebalanceTotalMs / this.#completedRebalances,
      rebalanceMaxTimeMs: this.#rebalanceMaxMs,
    };
  }

  /**
   * Revokes this worker's assignment (awaiting onRevoked), then leaves the group so the others rebalance
   * at once. Bounded by `timeoutMs` in all, of which the leave keeps a third (at most 5 s): a revocation
   * still running after the rest is left to finish on its own, and the member leaves anyway.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const revokeMs = timeoutMs - Math.min(5000, timeoutMs / 3);
    this.#stopping = true;
    if (!(await settlesWithin(systemClock, this.#revoke('the worker is stopping'), revokeMs))) {
      this.#log.warn(`Revoking this worker's assignment took longer than ${revokeMs} ms; leaving the group anyway`);
    }
    this.#setLeader(null);
    await this.#member.stop(Math.max(0, deadline - Date.now()));
  }

  #memberHandler(): GroupMemberHandler {
    return {
      protocols: () => [
        { name: CONNECT_PROTOCOL_NAME, metadata: encodeMetadata({ url: this.#options.workerUrl, configOffset: this.#options.config.snapshot().offset }) },
      ],
      onJoinPrepare: () => {
        this.#rebalanceStartedAt ??= Date.now();
        return this.#revoke('rejoining the group');
      },
      assign: (generation, members) => this.#assign(generation, members),
      onJoinComplete: (generation, bytes) => this.#onJoinComplete(generation, decodeAssignment(bytes)),
      onSessionLost: async () => {
        await this.#revoke('lost contact with the group coordinator for the session timeout');
        this.#setLeader(null);
      },
      onFatal: (error) => {
        this.#stopping = true;
        void this.#revoke(`the group coordinator refused this worker (${error.error})`).then(() => {
          this.#setLeader(null);
          this.#options.listener.onFatal?.(error);
        });
      },
    };
  }

  async #assign(generation: Generation, members: readonly JoinedMember[]): Promise<Map<string, Buffer>> {
    const workers = members.map((m) => ({ memberId: m.memberId, metadata: decodeMetadata(m.metadata) }));
    let snapshot = this.#options.config.snapshot();
    const needed = maxConfigOffset(workers);
    if (snapshot.offset < needed) {
      this.#log.info(
        `Leading generation ${generation.generation} with configs read to offset ${snapshot.offset}, but a member has read to ${needed}: catching up`,
      );
      snapshot = (await this.#readToEnd()) ?? snapshot;
    }
    const assignments = assignEager(generation.leaderId, workers, snapshot);
    for (const worker of workers) this.#log.debug(`Assignment for ${worker.metadata.url}: ${describeWork(assignments.get(worker.memberId)!)}`);
    return new Map([...assignments].map(([memberId, assignment]) => [memberId, encodeAssignment(assignment)]));
  }

  async #onJoinComplete(generation: Generation, assignment: ConnectAssignment): Promise<void> {
    this.#memberId = generation.memberId;
    this.#setLeader({ memberId: assignment.leaderId, url: assignment.leaderUrl });
    const read = this.#options.config.snapshot().offset;
    if (assignment.error === AssignmentError.CONFIG_MISMATCH) {
      // the leader had not read as far as some member: whoever is behind reads on, then everyone rejoins
      this.#log.warn(
        `Joined generation ${generation.generation}, but the leader's config was older than a member's (offset ${assignment.configOffset}); catching up and rejoining`,
      );
      if (this.isLeader() || read < assignment.configOffset) {
        if (!(await this.#catchUp(assignment.configOffset))) return;
      }
      this.#member.requestRejoin('the assignment failed: the leader had not read the latest config');
      return;
    }
    if (read < assignment.configOffset) {
      this.#log.info(`Reading the config topic up to the assignment's offset ${assignment.configOffset} (read: ${read})`);
      if (!(await this.#catchUp(assignment.configOffset))) return;
    }
    const now = this.#options.config.snapshot().offset;
    if (now !== assignment.configOffset) {
      this.#log.info(`Config read to offset ${now}, past the assignment's ${assignment.configOffset}: rejoining so the leader assigns from the newer configs`);
      this.#member.requestRejoin('this worker has read configs newer than its assignment');
      return;
    }
    await this.#serially(async () => {
      if (this.#stopping) return;
      this.#assignment = assignment;
      this.#generation = generation.generation;
      this.#rebalanceCompleted();
      this.#log.info(`Joined group at generation ${generation.generation} and got assignment: ${describeWork(assignment)} (leader ${assignment.leaderUrl})`);
      await this.#options.listener.onAssigned(assignment, generation.generation);
    });
  }

  /** Reads the config topic to `offset` at least; when it cannot in time, leaves the group for a while (as Kafka does). */
  async #catchUp(offset: number): Promise<boolean> {
    const snapshot = await this.#readToEnd();
    if (snapshot !== null && snapshot.offset >= offset) return true;
    const backoff = this.#options.group.workerUnsyncBackoffMs;
    this.#log.warn(
      `Could not read the config topic to offset ${offset} within ${this.#options.group.workerSyncTimeoutMs} ms; leaving the group for ${backoff} ms`,
    );
    this.#member.leaveGroup('taking too long to read the config topic', backoff);
    return false;
  }

  async #readToEnd(): Promise<ConfigSnapshot | null> {
    const ms = this.#options.group.workerSyncTimeoutMs;
    try {
      return await withTimeout(systemClock, this.#options.config.readToEnd(ms), ms, `Reading the config topic took longer than ${ms} ms`);
    } catch (error) {
      this.#log.warn({ err: error }, 'Reading the config topic to its end failed');
      return null;
    }
  }

  /** Revokes the running assignment, if any, awaiting the listener; later calls wait for it and find nothing left. */
  #revoke(reason: string): Promise<void> {
    return this.#serially(async () => {
      const assignment = this.#assignment;
      if (assignment === null) return;
      this.#assignment = null;
      this.#rebalanceStartedAt ??= Date.now();
      this.#log.info(`Revoking ${describeWork(assignment)}: ${reason}`);
      await this.#options.listener.onRevoked(assignment);
    });
  }

  #serially(call: () => Promise<void>): Promise<void> {
    const next = this.#listenerCalls.then(call).catch((error: unknown) => this.#log.error({ err: error }, 'The rebalance listener failed'));
    this.#listenerCalls = next;
    return next;
  }

  #setLeader(leader: GroupLeader | null): void {
    if (leader?.memberId === this.#leader?.memberId && leader?.url === this.#leader?.url) return;
    this.#leader = leader;
    this.#options.listener.onLeaderChanged?.(leader);
  }

  #rebalanceCompleted(): void {
    const now = Date.now();
    const took = now - (this.#rebalanceStartedAt ?? now);
    this.#rebalanceStartedAt = null;
    this.#completedRebalances += 1;
    this.#lastRebalanceCompletedAt = now;
    this.#rebalanceTotalMs += took;
    this.#rebalanceMaxMs = Math.max(this.#rebalanceMaxMs ?? 0, took);
  }
}
