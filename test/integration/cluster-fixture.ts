/**
 * Several workers' WorkerCoordinators in one test process, each in the real group of the stack's
 * broker, around an in-memory config topic (what the Kafka-backed config store will read). Every
 * listener call lands in one event log, so a test can check the fencing promise across workers: no task
 * is assigned to a worker while another still runs it.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import pino, { type Logger } from 'pino';
import type { ConnectAssignment } from '../../src/runtime/distributed/connect-protocol.js';
import {
  type ConfigSnapshot,
  type ConfigSource,
  type GroupConfig,
  type GroupLeader,
  WorkerCoordinator,
  type WorkerRebalanceListener,
} from '../../src/runtime/distributed/worker-coordinator.js';
import type { GroupMembershipError } from '../../src/runtime/kafka/group-membership.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';

/** Small timeouts keep the tests fast; a lost worker's work moves after SESSION_MS. */
export const SESSION_MS = 6000;
export const HEARTBEAT_MS = 1000;

export function groupConfig(overrides: Partial<GroupConfig> = {}): GroupConfig {
  return {
    groupId: uniqueName('connect_cluster'),
    sessionTimeoutMs: SESSION_MS,
    heartbeatIntervalMs: HEARTBEAT_MS,
    rebalanceTimeoutMs: 10_000,
    workerSyncTimeoutMs: 2000,
    workerUnsyncBackoffMs: 3000,
    ...overrides,
  };
}

/** The config topic: a list of states, each at the next offset; every worker reads it at its own pace. */
export class ConfigTopic {
  readonly #states: ConfigSnapshot[] = [];

  constructor(connectors: Record<string, number>) {
    this.append(connectors);
  }

  /** Writes a new set of connectors (name → task count); returns its offset. */
  append(connectors: Record<string, number>): number {
    this.#states.push({ offset: this.#states.length, connectors: new Map(Object.entries(connectors)) });
    return this.#states.length - 1;
  }

  get end(): ConfigSnapshot {
    return this.#states.at(-1)!;
  }

  at(offset: number): ConfigSnapshot {
    return this.#states[offset];
  }
}

/** One worker's reader of the config topic; a test can hold it back or make it fail to catch up. */
export class ConfigReader implements ConfigSource {
  readonly #topic: ConfigTopic;
  #offset: number;
  /** readToEnd() calls that are answered without reading anything (a slow or unreachable config topic) */
  stalledReads = 0;
  readonly reads: number[] = [];

  constructor(topic: ConfigTopic, offset = topic.end.offset) {
    this.#topic = topic;
    this.#offset = offset;
  }

  snapshot(): ConfigSnapshot {
    return this.#topic.at(this.#offset);
  }

  async readToEnd(): Promise<ConfigSnapshot> {
    if (this.stalledReads > 0) this.stalledReads -= 1;
    else this.#offset = this.#topic.end.offset;
    this.reads.push(this.#offset);
    return this.snapshot();
  }
}

export type ClusterEvent =
  | { readonly worker: string; readonly kind: 'assigned'; readonly generation: number; readonly assignment: ConnectAssignment }
  | { readonly worker: string; readonly kind: 'revoke-started' | 'revoked'; readonly assignment: ConnectAssignment }
  | { readonly worker: string; readonly kind: 'leader'; readonly leader: GroupLeader | null }
  | { readonly worker: string; readonly kind: 'fatal'; readonly error: GroupMembershipError };

const taskName = (t: { connector: string; task: number }): string => `${t.connector}-${t.task}`;

export class EventLog {
  readonly events: ClusterEvent[] = [];

  /**
   * The fencing promise: replaying the log, a task or connector is never assigned to one worker while
   * another has it assigned and has not finished revoking it.
   */
  assertNothingRanTwice(): void {
    const owner = new Map<string, string>();
    for (const event of this.events) {
      if (event.kind !== 'assigned' && event.kind !== 'revoked') continue;
      const names = [...event.assignment.connectors.map((c) => `connector ${c}`), ...event.assignment.tasks.map((t) => `task ${taskName(t)}`)];
      for (const name of names) {
        if (event.kind === 'revoked') {
          owner.delete(name);
          continue;
        }
        const holder = owner.get(name);
        assert.ok(holder === undefined || holder === event.worker, `${name} assigned to ${event.worker} while ${holder} still ran it`);
        owner.set(name, event.worker);
      }
    }
  }
}

export interface ClusterWorker {
  readonly name: string;
  readonly url: string;
  readonly coordinator: WorkerCoordinator;
  readonly config: ConfigReader;
  readonly logs: string[];
  /** the assignment this worker currently runs (per its listener), null while revoked */
  running(): ConnectAssignment | null;
}

export interface WorkerOptions {
  readonly config?: ConfigReader;
  /** how long stopping the revoked work takes (a task's graceful stop) */
  readonly revokeMs?: number;
}

/** A cluster of workers sharing a group, a config topic and an event log; everything is stopped after the test file. */
export class Cluster {
  readonly group: GroupConfig;
  readonly topic: ConfigTopic;
  readonly log = new EventLog();
  readonly workers: ClusterWorker[] = [];

  constructor(connectors: Record<string, number>, group: Partial<GroupConfig> = {}) {
    this.group = groupConfig(group);
    this.topic = new ConfigTopic(connectors);
    after(() => this.stopAll());
  }

  /** Starts a worker whose advertised URL sorts by `name`. */
  start(name: string, options: WorkerOptions = {}): ClusterWorker {
    const url = `http://${name}.test:8083`;
    const config = options.config ?? new ConfigReader(this.topic);
    const logs: string[] = [];
    let running: ConnectAssignment | null = null;
    const record = (event: ClusterEvent): void => void this.log.events.push(event);
    const listener: WorkerRebalanceListener = {
      onRevoked: async (assignment) => {
        record({ worker: name, kind: 'revoke-started', assignment });
        if (options.revokeMs) await new Promise((resolve) => setTimeout(resolve, options.revokeMs));
        running = null;
        record({ worker: name, kind: 'revoked', assignment });
      },
      onAssigned: (assignment, generation) => {
        running = assignment;
        record({ worker: name, kind: 'assigned', generation, assignment });
      },
      onLeaderChanged: (leader) => record({ worker: name, kind: 'leader', leader }),
      onFatal: (error) => record({ worker: name, kind: 'fatal', error }),
    };
    const coordinator = new WorkerCoordinator({
      workerUrl: url,
      group: this.group,
      clientProps: {},
      bootstrapServers: [stackAddresses().kafkaBootstrap],
      config,
      listener,
      logger: capturingLogger(name, logs),
    });
    const worker: ClusterWorker = { name, url, coordinator, config, logs, running: () => running };
    this.workers.push(worker);
    coordinator.start();
    return worker;
  }

  /** Waits until `workers` all run assignments of one generation that together cover the config topic's end, and returns them by worker name. */
  async settled(workers: readonly ClusterWorker[], what: string, timeoutMs = 30_000): Promise<Map<string, ConnectAssignment>> {
    const end = this.topic.end;
    const expected = [...end.connectors].flatMap(([c, n]) => [`connector ${c}`, ...Array.from({ length: n }, (_, t) => `task ${c}-${t}`)]).sort();
    return waitFor(
      what,
      () => {
        const assignments = workers.map((w) => w.running());
        if (assignments.some((a) => a === null)) return null;
        if (new Set(workers.map((w) => w.coordinator.generation())).size !== 1) return null;
        if (assignments.some((a) => a!.configOffset !== end.offset)) return null;
        const covered = assignments.flatMap((a) => [...a!.connectors.map((c) => `connector ${c}`), ...a!.tasks.map((t) => `task ${taskName(t)}`)]).sort();
        if (covered.join('|') !== expected.join('|')) return null;
        return new Map(workers.map((w) => [w.name, w.running()!]));
      },
      timeoutMs,
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.coordinator.stop(10_000)));
  }
}

/** "connectors | tasks" of an assignment, for readable comparisons. */
export function work(assignment: ConnectAssignment): string {
  return `${assignment.connectors.join(',')} | ${assignment.tasks.map(taskName).join(',')}`;
}

function capturingLogger(name: string, lines: string[]): Logger {
  return pino({ level: 'info', base: { worker: name } }, { write: (line: string) => void lines.push(line) });
}
