/**
 * One member of a Kafka group, spoken at the group coordinator's own protocol (what Kafka's
 * AbstractCoordinator does under WorkerGroupMember): find the coordinator, join, sync, heartbeat,
 * rejoin when asked or told, leave. Metadata and assignments are opaque bytes; the handler gives and
 * reads them, and decides what joining, losing and leaving mean for the work it runs.
 *
 * Built on @platformatic/kafka's exported protocol layer (its Connection and the FindCoordinator,
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup requests): no Kafka client's consumer lets the group's
 * protocol type be chosen, and Connect's is `connect` (docs/benchmark.md, "Kafka clients"). kafkajs
 * reaches that only through its internal Broker class.
 *
 * One loop owns the membership: [prepare → find the coordinator → join → sync → complete] whenever a
 * rejoin is needed, else wait for a reason to. Heartbeats run on their own timer whenever the member
 * holds a generation — also while the handler prepares or completes a join — so that a slow revocation
 * does not cost the session. A session timer fires when no heartbeat was acknowledged for
 * `session.timeout.ms` (counted from the heartbeat's sending, so never after the coordinator's own
 * count): by then the coordinator has given the member's work to others, and the handler is told at once,
 * even when the broker cannot be reached at all.
 *
 * Owns: the connection to the coordinator, short-lived ones (to a bootstrap server to find the
 * coordinator; to the coordinator to leave while a join is pending there), the heartbeat and session
 * timers and the loop's pause. stop() leaves the group and ends all of them within its bound.
 */
import type { Socket } from 'node:net';
import {
  Connection,
  FindCoordinatorKeyTypes,
  findCoordinatorV4,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  ProtocolError,
  ResponseError,
  syncGroupV5,
  type ConnectionOptions,
} from '@platformatic/kafka';
import type { Logger } from 'pino';
import { settlesWithin, systemClock } from '../clock.js';
import { type ClientProps, protocolClientOptions } from './client-config.js';

/** A protocol this member supports, with its metadata for the leader. */
export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** A member of the generation as the leader sees it in JoinGroup. */
export interface JoinedMember {
  readonly memberId: string;
  readonly metadata: Buffer;
}

export interface Generation {
  readonly generation: number;
  readonly memberId: string;
  readonly leaderId: string;
  /** the protocol the coordinator chose among those every member supports */
  readonly protocol: string;
}

/** What the member asks of its owner. Calls from the loop never overlap; onSessionLost may come at any time. */
export interface GroupMemberHandler {
  /** The protocols to join with, most preferred first; asked before every JoinGroup. */
  protocols(): GroupProtocol[];
  /** Before every join attempt (and before leaving): awaited, so work revoked here is stopped before the coordinator can hand it to another member. */
  onJoinPrepare(): Promise<void>;
  /** This member leads the generation: each member's assignment, by member id. */
  assign(generation: Generation, members: readonly JoinedMember[]): Promise<Map<string, Buffer>>;
  /** The generation's assignment of this member. */
  onJoinComplete(generation: Generation, assignment: Buffer): Promise<void>;
  /** No heartbeat acknowledged for session.timeout.ms: the coordinator has given this member's work to others. The member rejoins. */
  onSessionLost(): Promise<void>;
  /** The coordinator refuses this member for good (see FATAL); the member has stopped. */
  onFatal(error: GroupMembershipError): void;
}

export interface GroupMemberConfig {
  readonly groupId: string;
  /** `connect` for Kafka Connect workers */
  readonly protocolType: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /**
   * Kafka client properties (the worker's own, as Kafka's WorkerGroupMember reads them): bootstrap.servers,
   * client.id, security.protocol, sasl.mechanism, sasl.jaas.config, ssl.* PEM settings, request.timeout.ms,
   * retry.backoff.ms, socket.connection.setup.timeout.ms. Other keys are ignored.
   */
  readonly clientProps: ClientProps;
  readonly defaultBootstrapServers: readonly string[];
  readonly defaultClientId: string;
  readonly logger: Logger;
}

/** A refusal the member cannot recover from; `error` is Kafka's error name. */
export class GroupMembershipError extends Error {
  override name = 'GroupMembershipError';
  readonly error: string;

  constructor(error: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.error = error;
  }
}

/** Kafka gives a JoinGroup the rebalance timeout plus this before it gives up on the answer. */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5000;
const NO_GENERATION = -1;
const NO_MEMBER_ID = '';
/** Kafka's reconnect.backoff.max.ms: retries after consecutive failures back off up to this. */
const MAX_RETRY_BACKOFF_MS = 1000;

/** Answers no retry will change: a wrong protocol, group id or timeout, no rights, a full group. */
const FATAL = new Set([
  'INCONSISTENT_GROUP_PROTOCOL',
  'INVALID_GROUP_ID',
  'INVALID_SESSION_TIMEOUT',
  'GROUP_AUTHORIZATION_FAILED',
  'GROUP_MAX_SIZE_REACHED',
  'FENCED_INSTANCE_ID',
  'UNRELEASED_INSTANCE_ID',
  'UNSUPPORTED_VERSION',
]);
const COORDINATOR_MOVED = new Set(['COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR']);
/** The coordinator no longer knows this member (its session expired, or a newer generation exists). */
const MEMBER_GONE = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION']);

/** Kafka's name of the error a broker answered (e.g. REBALANCE_IN_PROGRESS), or null for anything else. */
function kafkaError(error: unknown): string | null {
  if (!(error instanceof ResponseError)) return null;
  const found = error.errors.find((e): e is ProtocolError => e instanceof ProtocolError);
  return (found?.apiId as string | undefined) ?? null;
}

function isAuthenticationFailure(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if ((e as { code?: unknown }).code === 'PLT_KFK_AUTHENTICATION') return true;
  return false;
}

function describe(error: unknown): string {
  const name = kafkaError(error);
  if (name !== null) return name;
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

interface Coordinator {
  readonly connection: Connection;
  readonly host: string;
  readonly port: number;
  readonly nodeId: number;
}

type MemberState = 'unjoined' | 'joining' | 'stable';

export class WorkerGroupMember {
  readonly #config: GroupMemberConfig;
  readonly #handler: GroupMemberHandler;
  readonly #log: Logger;
  readonly #bootstrap: ReadonlyArray<{ host: string; port: number }>;
  readonly #clientId: string;
  readonly #connection: ConnectionOptions;
  readonly #requestTimeoutMs: number;
  readonly #retryBackoffMs: number;

  #state: MemberState = 'unjoined';
  #memberId = NO_MEMBER_ID;
  #generation = NO_GENERATION;
  #rejoinNeeded = true;
  #rejoinReason = 'joining for the first time';
  #rejoinNotBefore = 0;
  #leaveRequest: { reason: string; pauseMs: number } | null = null;
  #coordinator: Coordinator | null = null;
  #lastCoordinator: { host: string; port: number } | null = null;
  #bootstrapTurn = 0;
  readonly #connections = new Set<Connection>();
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #sessionTimer: NodeJS.Timeout | null = null;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #failures = 0;
  #stopping = false;
  /** set once stop() has closed every connection: nothing opens another after that */
  #closed = false;
  #stopped: Promise<void> | null = null;

  constructor(config: GroupMemberConfig, handler: GroupMemberHandler) {
    this.#config = config;
    this.#handler = handler;
    this.#log = config.logger;
    const options = protocolClientOptions(config.clientProps, { bootstrapServers: config.defaultBootstrapServers, clientId: config.defaultClientId });
    this.#bootstrap = options.bootstrapServers;
    this.#clientId = options.clientId;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#retryBackoffMs = options.retryBackoffMs;
    this.#connection = options.connection;
  }

  /** Starts joining in the background; the handler hears of every outcome. */
  start(): void {
    if (this.#loop !== null) throw new Error('The group member was already started');
    this.#loop = this.#run();
  }

  /** Joins again at the next turn of the loop (after the handler's onJoinPrepare); a join in flight is followed by another. */
  requestRejoin(reason: string): void {
    if (this.#stopping) return;
    if (!this.#rejoinNeeded) this.#log.info(`Request joining group due to: ${reason}`);
    this.#rejoinNeeded = true;
    this.#rejoinReason = reason;
    this.#wakeLoop();
  }

  /** Leaves the group (its work goes to the others) and joins again after `pauseMs`: for a member that cannot take part for now. */
  leaveGroup(reason: string, pauseMs: number): void {
    if (this.#stopping) return;
    this.#leaveRequest = { reason, pauseMs };
    this.#wakeLoop();
  }

  memberId(): string {
    return this.#memberId;
  }

  generation(): number {
    return this.#generation;
  }

  /**
   * Leaves the group, so the coordinator rebalances the others at once instead of after the session
   * timeout, then closes every connection and timer. Bounded by `timeoutMs`; a leave that cannot be sent
   * in time is given up (the session timeout then removes the member). The handler is not called for the
   * stop: the owner revokes its work before calling this.
   */
  stop(timeoutMs = 5000): Promise<void> {
    this.#stopped ??= this.#stop(timeoutMs);
    return this.#stopped;
  }

  async #stop(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#stopping = true;
    const memberId = this.#memberId;
    const joinPending = this.#state === 'joining';
    this.#setState('unjoined');
    this.#wakeLoop();
    if (memberId !== NO_MEMBER_ID) {
      const left = this.#leave(memberId, 'the worker is stopping', joinPending).then(
        () => true,
        (error: unknown) => this.#log.warn(`LeaveGroup of member ${memberId} failed: ${describe(error)}`),
      );
      if (!(await settlesWithin(systemClock, left, deadline - Date.now())))
        this.#log.warn(`LeaveGroup of member ${memberId} not answered in time; the session timeout will remove it`);
    }
    this.#memberId = NO_MEMBER_ID;
    this.#generation = NO_GENERATION;
    this.#coordinator = null;
    this.#closed = true;
    for (const connection of this.#connections) this.#close(connection);
    if (this.#loop !== null && !(await settlesWithin(systemClock, this.#loop, deadline - Date.now()))) {
      this.#log.warn('The group membership loop is still busy in its handler after stop; it ends when the handler returns');
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        if (this.#leaveRequest !== null) {
          await this.#leaveAndPause(this.#leaveRequest);
        } else if (this.#rejoinNeeded) {
          await this.#handler.onJoinPrepare();
          const wait = this.#rejoinNotBefore - Date.now();
          if (wait > 0) await this.#pause(wait);
          else if (!this.#stopping && this.#leaveRequest === null) await this.#joinGroup(await this.#ensureCoordinator());
        } else {
          // stable: keep a coordinator for the heartbeats, and wait for a reason to rejoin
          await this.#ensureCoordinator();
          this.#failures = 0;
          if (!this.#rejoinNeeded && this.#coordinator !== null && this.#leaveRequest === null) await this.#pause();
        }
      } catch (error) {
        if (this.#stopping) break;
        const fatal = this.#onError(error);
        if (fatal !== null) {
          this.#fail(fatal);
          break;
        }
        await this.#pause(Math.min(MAX_RETRY_BACKOFF_MS, this.#retryBackoffMs * 2 ** this.#failures++));
      }
    }
  }

  async #joinGroup(coordinator: Coordinator): Promise<void> {
    const { groupId, protocolType, sessionTimeoutMs, rebalanceTimeoutMs } = this.#config;
    const protocols = this.#handler.protocols();
    const reason = this.#rejoinReason;
    this.#rejoinNeeded = false;
    this.#setState('joining');
    try {
      this.#log.info(`(Re-)joining group ${groupId} (reason: ${reason})`);
      let joined: joinGroupV9.JoinGroupResponse | null = null;
      while (joined === null) {
        try {
          joined = await joinGroupV9.api.async(
            coordinator.connection,
            groupId,
            sessionTimeoutMs,
            rebalanceTimeoutMs,
            this.#memberId,
            null,
            protocolType,
            [...protocols],
            reason,
          );
        } catch (error) {
          if (kafkaError(error) !== 'MEMBER_ID_REQUIRED') throw error;
          // the coordinator names a first-time member before it lets it in: join again at once under that name
          this.#memberId = ((error as ResponseError).response as { memberId?: string }).memberId ?? NO_MEMBER_ID;
        }
        if (this.#stopping) return;
      }
      const generation: Generation = {
        generation: joined.generationId,
        memberId: joined.memberId ?? this.#memberId,
        leaderId: joined.leader,
        protocol: joined.protocolName ?? protocols[0].name,
      };
      this.#memberId = generation.memberId;
      this.#generation = generation.generation;
      const leading = generation.leaderId === generation.memberId;
      const assignments = leading
        ? await this.#handler.assign(
            generation,
            joined.members.map((m) => ({ memberId: m.memberId, metadata: m.metadata ?? Buffer.alloc(0) })),
          )
        : new Map();
      if (this.#stopping) return;
      const synced = await syncGroupV5.api.async(
        coordinator.connection,
        groupId,
        generation.generation,
        generation.memberId,
        null,
        protocolType,
        generation.protocol,
        [...assignments].map(([memberId, assignment]) => ({ memberId, assignment })),
      );
      if (this.#stopping) return;
      this.#log.info(
        `Successfully joined group ${groupId} with generation ${generation.generation} as member ${generation.memberId}${leading ? ' (the leader)' : ''}`,
      );
      this.#setState('stable');
      this.#failures = 0;
      await this.#handler.onJoinComplete(generation, synced.assignment);
    } catch (error) {
      this.#rejoinNeeded = true;
      if (this.#state === 'joining') this.#setState('unjoined');
      throw error;
    }
  }

  async #leaveAndPause(request: { reason: string; pauseMs: number }): Promise<void> {
    this.#leaveRequest = null;
    await this.#handler.onJoinPrepare();
    const memberId = this.#memberId;
    if (memberId !== NO_MEMBER_ID) {
      await this.#leave(memberId, request.reason, false).catch((error: unknown) => this.#log.warn(`LeaveGroup failed: ${describe(error)}`));
    }
    this.#resetGeneration();
    this.#rejoinNeeded = true;
    this.#rejoinReason = `rejoining after leaving: ${request.reason}`;
    this.#rejoinNotBefore = Date.now() + request.pauseMs;
  }

  /** Sends LeaveGroup; the coordinator answers a connection's requests in order, so not behind a pending JoinGroup. */
  async #leave(memberId: string, reason: string, joinPending: boolean): Promise<void> {
    this.#log.info(`Member ${memberId} sending LeaveGroup request to coordinator due to ${reason}`);
    let connection = joinPending ? null : (this.#coordinator?.connection ?? null);
    const address = this.#coordinator ?? this.#lastCoordinator;
    if (connection === null && address !== null) connection = await this.#open(address.host, address.port, this.#requestTimeoutMs);
    if (connection === null) throw new Error('no coordinator known');
    try {
      await leaveGroupV5.api.async(connection, this.#config.groupId, [{ memberId, groupInstanceId: null, reason }]);
    } finally {
      if (connection !== this.#coordinator?.connection) this.#close(connection);
    }
  }

  /** What an error means for the membership: the fatal refusal to report, or null once the member can retry. */
  #onError(error: unknown): GroupMembershipError | null {
    const name = kafkaError(error);
    if (error instanceof GroupMembershipError) return error;
    if (isAuthenticationFailure(error))
      return new GroupMembershipError('AUTHENTICATION_FAILED', `Authentication to the Kafka cluster failed: ${describe(error)}`, { cause: error });
    if (name !== null && FATAL.has(name)) return new GroupMembershipError(name, `The group coordinator refused this worker: ${name}`, { cause: error });
    if (name === null && !(error instanceof Error && (error as { code?: string }).code?.startsWith('PLT_KFK_'))) {
      // not the broker's answer, nor the network: the handler failed; retry the join rather than stay out of the group
      this.#log.error({ err: error }, `Group membership of ${this.#config.groupId} failed; retrying`);
      this.#rejoinNeeded = true;
    } else if (name === null || COORDINATOR_MOVED.has(name)) {
      if (this.#coordinator !== null) this.#coordinatorLost(this.#coordinator, describe(error));
      else if (this.#failures === 0) this.#log.info(`Group coordinator for ${this.#config.groupId} not reachable yet (${describe(error)}); retrying`);
    } else if (MEMBER_GONE.has(name)) {
      this.#log.info(`The coordinator no longer knows member ${this.#memberId} (${name}); joining as a new member`);
      this.#resetGeneration();
    } else {
      // REBALANCE_IN_PROGRESS from SyncGroup, COORDINATOR_LOAD_IN_PROGRESS, …: the join is retried after the backoff
      this.#log.info(`Joining group ${this.#config.groupId} answered ${name}; retrying`);
    }
    return null;
  }

  #fail(error: GroupMembershipError): void {
    this.#log.error(error.message);
    this.#stopping = true;
    this.#closed = true;
    this.#setState('unjoined');
    for (const connection of this.#connections) this.#close(connection);
    this.#coordinator = null;
    this.#memberId = NO_MEMBER_ID;
    this.#generation = NO_GENERATION;
    this.#handler.onFatal(error);
  }

  async #ensureCoordinator(): Promise<Coordinator> {
    if (this.#coordinator !== null) return this.#coordinator;
    const server = this.#bootstrap[this.#bootstrapTurn++ % this.#bootstrap.length];
    const lookup = await this.#open(server.host, server.port, this.#requestTimeoutMs);
    let found: findCoordinatorV4.FindCoordinatorResponseCoordinator;
    try {
      found = (await findCoordinatorV4.api.async(lookup, FindCoordinatorKeyTypes.GROUP, [this.#config.groupId])).coordinators[0];
    } finally {
      this.#close(lookup);
    }
    // a JoinGroup waits up to the rebalance timeout for the other members
    const connection = await this.#open(
      found.host,
      found.port,
      Math.max(this.#requestTimeoutMs, this.#config.rebalanceTimeoutMs + JOIN_GROUP_TIMEOUT_LAPSE_MS),
    );
    const coordinator: Coordinator = { connection, host: found.host, port: found.port, nodeId: found.nodeId };
    connection.once('close', () => this.#coordinatorLost(coordinator, 'its connection closed'));
    this.#coordinator = coordinator;
    this.#lastCoordinator = { host: found.host, port: found.port };
    this.#log.info(`Discovered group coordinator ${found.host}:${found.port} (id: ${found.nodeId}) for group ${this.#config.groupId}`);
    return coordinator;
  }

  #coordinatorLost(coordinator: Coordinator, why: string): void {
    if (this.#coordinator !== coordinator) return;
    this.#coordinator = null;
    if (!this.#stopping)
      this.#log.info(
        `Group coordinator ${coordinator.host}:${coordinator.port} (id: ${coordinator.nodeId}) is unavailable or invalid (${why}); finding it again`,
      );
    this.#close(coordinator.connection);
    this.#wakeLoop();
  }

  async #open(host: string, port: number, requestTimeout: number): Promise<Connection> {
    if (this.#closed) throw new Error('The group member is stopped');
    const connection = new Connection(this.#clientId, { ...this.#connection, requestTimeout });
    // a socket error also fails the requests in flight, where it is handled; without a listener it would throw
    connection.on('error', (error: Error) => this.#log.debug(`Connection to ${host}:${port}: ${describe(error)}`));
    this.#connections.add(connection);
    connection.once('close', () => this.#connections.delete(connection));
    try {
      await connection.connect(host, port);
    } catch (error) {
      this.#close(connection);
      throw error;
    }
    if (this.#closed) {
      this.#close(connection);
      throw new Error('The group member stopped while connecting');
    }
    return connection;
  }

  #close(connection: Connection): void {
    this.#connections.delete(connection);
    (connection.socket as Socket | undefined)?.destroy();
  }

  #setState(state: MemberState): void {
    this.#state = state;
    if (state === 'stable') {
      this.#armSessionTimer(Date.now());
      this.#scheduleHeartbeat();
    } else {
      if (this.#heartbeatTimer !== null) clearTimeout(this.#heartbeatTimer);
      if (this.#sessionTimer !== null) clearTimeout(this.#sessionTimer);
      this.#heartbeatTimer = null;
      this.#sessionTimer = null;
    }
  }

  #resetGeneration(): void {
    this.#memberId = NO_MEMBER_ID;
    this.#generation = NO_GENERATION;
    this.#rejoinNeeded = true;
    this.#setState('unjoined');
  }

  #scheduleHeartbeat(): void {
    if (this.#heartbeatTimer !== null) clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
    if (this.#state !== 'stable' || this.#stopping) return;
    this.#heartbeatTimer = setTimeout(() => void this.#heartbeat(), this.#config.heartbeatIntervalMs);
  }

  async #heartbeat(): Promise<void> {
    this.#heartbeatTimer = null;
    const coordinator = this.#coordinator;
    const generation = this.#generation;
    const memberId = this.#memberId;
    const current = (): boolean => !this.#stopping && this.#state === 'stable' && this.#generation === generation && this.#memberId === memberId;
    const sentAt = Date.now();
    try {
      // without a coordinator the loop is finding one; the session timer keeps counting meanwhile
      if (coordinator === null) return;
      await heartbeatV4.api.async(coordinator.connection, this.#config.groupId, generation, memberId, null);
      if (current()) this.#armSessionTimer(sentAt);
    } catch (error) {
      if (current()) this.#onHeartbeatError(error, coordinator!, sentAt);
    } finally {
      this.#scheduleHeartbeat();
    }
  }

  #onHeartbeatError(error: unknown, coordinator: Coordinator, sentAt: number): void {
    const name = kafkaError(error);
    if (name === 'REBALANCE_IN_PROGRESS') {
      // the coordinator counted the heartbeat: the session is alive, and the group waits for this member
      this.#armSessionTimer(sentAt);
      this.requestRejoin('the group is rebalancing');
    } else if (name !== null && MEMBER_GONE.has(name)) {
      this.#log.info(`Heartbeat of member ${this.#memberId} answered ${name}: the coordinator no longer counts it in the group`);
      this.#resetGeneration();
      this.#wakeLoop();
    } else if (name !== null && FATAL.has(name)) {
      this.#fail(new GroupMembershipError(name, `The group coordinator refused this worker's heartbeat: ${name}`, { cause: error }));
    } else if (name === null || COORDINATOR_MOVED.has(name)) {
      this.#coordinatorLost(coordinator, `heartbeat failed: ${describe(error)}`);
    } else {
      this.#log.info(`Heartbeat answered ${name}; trying again at the next interval`);
    }
  }

  #armSessionTimer(from: number): void {
    if (this.#sessionTimer !== null) clearTimeout(this.#sessionTimer);
    this.#sessionTimer = setTimeout(() => this.#sessionLost(), Math.max(0, from + this.#config.sessionTimeoutMs - Date.now()));
  }

  #sessionLost(): void {
    this.#sessionTimer = null;
    if (this.#state !== 'stable' || this.#stopping) return;
    this.#log.warn(`No heartbeat of member ${this.#memberId} acknowledged for ${this.#config.sessionTimeoutMs} ms: the coordinator counts it as gone`);
    this.#setState('unjoined');
    this.#rejoinNeeded = true;
    this.#rejoinReason = 'the session timed out';
    if (this.#coordinator !== null) this.#coordinatorLost(this.#coordinator, 'no heartbeat answered within the session timeout');
    this.#handler.onSessionLost().catch((error: unknown) => this.#log.error({ err: error }, 'Revoking the assignment after a lost session failed'));
    this.#wakeLoop();
  }

  /** Resolves after `ms`, or when woken (by stop, a rejoin request, a lost coordinator); never keeps the process alive past stop. */
  #pause(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stopping) return resolve();
      const timer = ms === undefined ? null : setTimeout(() => done(), ms);
      const done = (): void => {
        if (timer !== null) clearTimeout(timer);
        if (this.#wake === done) this.#wake = null;
        resolve();
      };
      this.#wake = done;
    });
  }

  #wakeLoop(): void {
    this.#wake?.();
  }
}
