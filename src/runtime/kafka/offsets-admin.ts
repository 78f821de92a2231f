/**
 * A sink connector's offsets are its consumer group's committed offsets (Kafka's
 * Worker.sinkConnectorOffsets / alterSinkConnectorOffsets / resetSinkConnectorOffsets), read and
 * changed with kafkajs's admin client, plus the cluster id for `GET /`.
 */
import type { Admin, Kafka } from 'kafkajs';
import { KafkaSinkConsumer } from './sink-consumer.js';

export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface PartitionOffsetChange {
  readonly topic: string;
  readonly partition: number;
  /** null = forget the committed offset (the connector restarts the partition from the earliest record) */
  readonly offset: number | null;
}

/** The group still has members (tasks not stopped yet, or zombies): offsets must not be changed. */
export class GroupNotEmptyError extends Error {
  constructor(groupId: string, state: string) {
    super(`Consumer group ${groupId} is not empty (state ${state})`);
    this.name = 'GroupNotEmptyError';
  }
}

const EMPTY_STATES = new Set(['Empty', 'Dead']);

function errorType(error: unknown): string | undefined {
  const e = error as { type?: string; groups?: Array<{ error?: { type?: string } }> } | null;
  return e?.groups?.[0]?.error?.type ?? e?.type;
}

async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export class OffsetsAdmin {
  readonly #kafka: Kafka;

  constructor(kafka: Kafka) {
    this.#kafka = kafka;
  }

  /** Partitions with a committed offset, sorted by topic then partition. */
  committedOffsets(groupId: string): Promise<PartitionOffset[]> {
    return withAdmin(this.#kafka, (admin) => committed(admin, groupId));
  }

  /**
   * Commits the new offsets for an empty group. kafkajs has no OffsetDelete request, so a null offset
   * is written as the partition's log-start offset: with `auto.offset.reset=earliest` a consumer without
   * a committed offset starts there too, so the connector resumes at the same record. When every
   * committed partition is reset and nothing else is set, the whole group is deleted instead, which is
   * exactly Kafka's outcome. Partitions without a committed offset are left alone.
   */
  alterOffsets(groupId: string, changes: readonly PartitionOffsetChange[]): Promise<void> {
    return withAdmin(this.#kafka, async (admin) => {
      await requireEmptyGroup(admin, groupId);
      const current = await committed(admin, groupId);
      const has = new Set(current.map((o) => `${o.topic}\u0000${o.partition}`));
      const last = new Map<string, PartitionOffsetChange>();
      for (const change of changes) last.set(`${change.topic}\u0000${change.partition}`, change);
      const sets = [...last.values()].filter((c) => c.offset !== null);
      const resets = [...last.entries()].filter(([key, c]) => c.offset === null && has.has(key)).map(([, c]) => c);
      if (sets.length === 0 && resets.length === current.length) {
        if (resets.length > 0) await deleteGroup(admin, groupId);
        return;
      }
      const entries: PartitionOffset[] = sets.map((c) => ({ topic: c.topic, partition: c.partition, offset: c.offset as number }));
      for (const topic of new Set(resets.map((c) => c.topic))) {
        const lows = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
        for (const c of resets) if (c.topic === topic) entries.push({ topic, partition: c.partition, offset: lows.get(c.partition) ?? 0 });
      }
      if (entries.length > 0) await this.#commitAsMember(groupId, entries);
    });
  }

  /** Deletes the consumer group; a missing group is success, a non-empty one GroupNotEmptyError. */
  deleteGroup(groupId: string): Promise<void> {
    return withAdmin(this.#kafka, (admin) => deleteGroup(admin, groupId));
  }

  /** The cluster id, or null when no broker answers within `timeoutMs`. */
  async clusterId(timeoutMs: number): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const lookup = withAdmin(this.#kafka, async (admin) => (await admin.describeCluster()).clusterId).catch(() => null);
    try {
      return await Promise.race([lookup, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Brokers accept commits for an empty group only from a member of a generation (kafkajs's admin has
   * no generation-less OffsetCommit for several topics at once), so join with no subscription, commit, leave.
   */
  async #commitAsMember(groupId: string, entries: readonly PartitionOffset[]): Promise<void> {
    const consumer = new KafkaSinkConsumer({
      kafka: this.#kafka,
      consumer: { groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, retry: { retries: 2 } },
      topics: [],
      fromBeginning: true,
    });
    let crash: Error | undefined;
    try {
      await consumer.start({
        onBatch: async () => {},
        onAssigned: () => {},
        onRebalancing: () => {},
        onCrash: (error) => {
          crash = error;
        },
      });
      if (crash) throw crash;
      await consumer.commit(entries);
    } finally {
      await consumer.stop();
    }
  }
}

async function committed(admin: Admin, groupId: string): Promise<PartitionOffset[]> {
  const topics = await admin.fetchOffsets({ groupId });
  const out: PartitionOffset[] = [];
  for (const { topic, partitions } of topics) {
    for (const { partition, offset } of partitions) {
      const n = Number(offset);
      if (n >= 0) out.push({ topic, partition, offset: n });
    }
  }
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

async function requireEmptyGroup(admin: Admin, groupId: string): Promise<void> {
  const { groups } = await admin.describeGroups([groupId]);
  const state = groups[0]?.state ?? 'Dead';
  if (!EMPTY_STATES.has(state)) throw new GroupNotEmptyError(groupId, state);
}

async function deleteGroup(admin: Admin, groupId: string): Promise<void> {
  try {
    await admin.deleteGroups([groupId]);
  } catch (error) {
    const type = errorType(error);
    if (type === 'GROUP_ID_NOT_FOUND') return;
    if (type === 'NON_EMPTY_GROUP') throw new GroupNotEmptyError(groupId, 'not empty');
    throw error;
  }
}
