/**
 * The leader's assignment of connectors and tasks to the live members of one generation (Kafka's
 * EagerAssignor): a pure function of the members' metadata and the leader's config snapshot.
 *
 * Eager: every member has stopped all its work before it rejoined, so the leader hands out everything
 * afresh and need not know who ran what before. Members are ordered by advertised URL (then member id), so
 * a restarted worker, which keeps its URL but gets a new member id, takes back the same share; connectors
 * and then tasks are dealt round-robin with one running turn, as Kafka does, so that one-task connectors
 * do not put every connector on even members and every task on odd ones.
 */
import type { ConnectorTaskId } from '../status/status.js';
import { AssignmentError, type ConnectAssignment, type WorkerMetadata } from './connect-protocol.js';

/** What the leader has read of the config topic: up to which offset, and each connector's task count. */
export interface ConfigSnapshot {
  readonly offset: number;
  /** connector name → number of task configs stored for it (tasks 0 … n-1) */
  readonly connectors: ReadonlyMap<string, number>;
}

/** A member of the generation, as the leader learns it from JoinGroup. */
export interface GroupWorker {
  readonly memberId: string;
  readonly metadata: WorkerMetadata;
}

/** The highest config offset any member has read: the leader must have read as far to assign. */
export function maxConfigOffset(members: readonly GroupWorker[]): number {
  return Math.max(...members.map((m) => m.metadata.configOffset));
}

/**
 * Each member's assignment (by member id). When the snapshot is older than what some member has read, the
 * leader cannot know the current connectors: every member gets CONFIG_MISMATCH and no work, reads the
 * config topic to the end and rejoins (Kafka's answer). Members that have read less than the leader get a
 * normal assignment that names the leader's offset; they catch up before running it.
 */
export function assignEager(leaderId: string, members: readonly GroupWorker[], snapshot: ConfigSnapshot): Map<string, ConnectAssignment> {
  const leader = members.find((m) => m.memberId === leaderId);
  if (leader === undefined) throw new Error(`The leader ${leaderId} is not among the members it assigns`);
  const ordered = [...members].sort((a, b) => compare(a.metadata.url, b.metadata.url) || compare(a.memberId, b.memberId));
  const base = { leaderId, leaderUrl: leader.metadata.url };
  const maxOffset = maxConfigOffset(members);
  if (snapshot.offset < maxOffset) {
    const mismatch: ConnectAssignment = { ...base, error: AssignmentError.CONFIG_MISMATCH, configOffset: maxOffset, connectors: [], tasks: [] };
    return new Map(ordered.map((m) => [m.memberId, mismatch]));
  }

  const connectors = new Map<string, string[]>(ordered.map((m) => [m.memberId, []]));
  const tasks = new Map<string, ConnectorTaskId[]>(ordered.map((m) => [m.memberId, []]));
  let turn = 0;
  const next = (): string => ordered[turn++ % ordered.length].memberId;
  const names = [...snapshot.connectors.keys()].sort(compare);
  for (const connector of names) connectors.get(next())!.push(connector);
  for (const connector of names) {
    const count = snapshot.connectors.get(connector)!;
    for (let task = 0; task < count; task++) tasks.get(next())!.push({ connector, task });
  }
  return new Map(
    ordered.map((m) => [
      m.memberId,
      { ...base, error: AssignmentError.NONE, configOffset: snapshot.offset, connectors: connectors.get(m.memberId)!, tasks: tasks.get(m.memberId)! },
    ]),
  );
}

/** Code-unit order, as Java's String.compareTo: the same on every member whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
