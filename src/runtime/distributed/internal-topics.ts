/**
 * The three internal topics of a distributed worker — connector configs, source offsets, statuses —
 * as Kafka's DistributedConfig defines them, and their creation as Kafka's KafkaTopicBasedBackingStore
 * does it: create the topic if it is missing (compacted, the configured partitions and replication
 * factor, plus any other `<prefix>.<topic config>` setting), and refuse an existing topic that is not
 * compacted-only, since deletion by retention would lose connector configs or statuses.
 */
import type { Logger } from 'pino';
import { ConfigError } from '../../plugin/index.js';
import type { KafkaClientSettings } from '../kafka/platformatic-options.js';
import { TopicAdmin } from '../kafka/topic-admin.js';

export interface InternalTopic {
  readonly topic: string;
  /** the worker property that names the topic, for messages */
  readonly property: 'config.storage.topic' | 'offset.storage.topic' | 'status.storage.topic';
  /** what the topic keeps, for messages (Kafka's wording) */
  readonly purpose: string;
  /** -1: the broker's default */
  readonly partitions: number;
  /** -1: the broker's default */
  readonly replicationFactor: number;
  /** other topic configs given as `<prefix>.<config>` (e.g. `status.storage.min.insync.replicas`) */
  readonly settings: Readonly<Record<string, string>>;
}

export interface InternalTopics {
  readonly config: InternalTopic;
  readonly offset: InternalTopic;
  readonly status: InternalTopic;
  /** settings that were set but are ignored, to log once at start-up */
  readonly warnings: readonly string[];
}

const COMPACT = 'compact';

type Props = Readonly<Record<string, string>>;

function required(props: Props, key: string): string {
  const value = props[key]?.trim();
  if (!value) throw new ConfigError(`Missing required configuration "${key}" which has no default value.`);
  return value;
}

function integer(props: Props, key: string, fallback: number, type: 'INT' | 'SHORT'): number {
  const raw = props[key];
  if (raw === undefined) return fallback;
  const n = Number(raw.trim());
  const limit = type === 'SHORT' ? 32767 : 2147483647;
  if (raw.trim() === '' || !Number.isInteger(n) || Math.abs(n) > limit) {
    throw new ConfigError(`Invalid value ${raw} for configuration ${key}: Not a number of type ${type}`);
  }
  return n;
}

function partitions(props: Props, key: string, fallback: number): number {
  const n = integer(props, key, fallback, 'INT');
  if (n !== -1 && n < 1)
    throw new ConfigError(`Invalid value ${n} for configuration ${key}: Number of partitions must be positive, or -1 to use the broker's default`);
  return n;
}

function replicationFactor(props: Props, key: string): number {
  const n = integer(props, key, 3, 'SHORT');
  if (n !== -1 && n < 1) {
    throw new ConfigError(
      `Invalid value ${n} for configuration ${key}: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default`,
    );
  }
  return n;
}

/** `<prefix>.*` minus the keys Connect itself sets; a cleanup policy is dropped (always compact). */
function settings(props: Props, prefix: string, warnings: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (name === 'topic' || name === 'replication.factor' || name === 'partitions') continue;
    if (name === 'cleanup.policy') {
      warnings.push(`Ignoring '${prefix}cleanup.policy=${value}' setting, since compaction is always used`);
      continue;
    }
    result[name] = value;
  }
  return result;
}

/** The internal topics from worker properties, with Kafka's defaults (25 offset and 5 status partitions, replication factor 3). */
export function internalTopics(props: Props): InternalTopics {
  const warnings: string[] = [];
  if (props['config.storage.partitions'] !== undefined) {
    warnings.push(`Ignoring 'config.storage.partitions=${props['config.storage.partitions']}' setting, since config topic partitions is always 1`);
  }
  return {
    config: {
      topic: required(props, 'config.storage.topic'),
      property: 'config.storage.topic',
      purpose: 'connector configurations',
      partitions: 1,
      replicationFactor: replicationFactor(props, 'config.storage.replication.factor'),
      settings: settings(props, 'config.storage.', warnings),
    },
    offset: {
      topic: required(props, 'offset.storage.topic'),
      property: 'offset.storage.topic',
      purpose: 'source connector offsets',
      partitions: partitions(props, 'offset.storage.partitions', 25),
      replicationFactor: replicationFactor(props, 'offset.storage.replication.factor'),
      settings: settings(props, 'offset.storage.', warnings),
    },
    status: {
      topic: required(props, 'status.storage.topic'),
      property: 'status.storage.topic',
      purpose: 'connector and task statuses',
      partitions: partitions(props, 'status.storage.partitions', 5),
      replicationFactor: replicationFactor(props, 'status.storage.replication.factor'),
      settings: settings(props, 'status.storage.', warnings),
    },
    warnings,
  };
}

/** An internal topic that cannot be used as it is; the message tells the operator what to change. */
export class InternalTopicError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'InternalTopicError';
  }
}

/**
 * Creates the topic if it is missing; an existing one must be compacted only. When its policy cannot
 * be read (no permission to describe configs) the topic is used as it is, as Kafka does.
 */
export async function ensureInternalTopic(admin: TopicAdmin, topic: InternalTopic): Promise<void> {
  const created = await admin.createOrFind({
    name: topic.topic,
    partitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    // the settings first, so that compaction wins over anything they say
    configs: { ...topic.settings, 'cleanup.policy': COMPACT },
  });
  if (created) return;
  const policies = await admin.cleanupPolicy(topic.topic);
  if (policies.length === 0) return;
  if (policies.length === 1 && policies[0] === COMPACT) return;
  const found = policies.join(',');
  throw new InternalTopicError(
    `Topic '${topic.topic}' supplied via the '${topic.property}' property is required to have 'cleanup.policy=${COMPACT}' to guarantee consistency and durability of ${topic.purpose}, but found the topic currently has 'cleanup.policy=${found}'. Continuing would likely result in eventually losing ${topic.purpose} and problems restarting this Connect cluster in the future. Change the '${topic.property}' property in the Connect worker configurations to use a topic with 'cleanup.policy=${COMPACT}'.`,
  );
}

/**
 * ensureInternalTopic for each topic, with an admin client of its own that is closed before it returns.
 * The stores call it for their topic at start; the herder calls it for the offsets topic.
 */
export async function ensureInternalTopics(options: { client: KafkaClientSettings; logger: Logger }, ...topics: InternalTopic[]): Promise<void> {
  const admin = new TopicAdmin(options);
  try {
    for (const topic of topics) await ensureInternalTopic(admin, topic);
  } finally {
    await admin.close();
  }
}

/** Kafka's rule for the config topic: one partition, so that every record of it has one order. */
export function checkConfigTopicPartitions(topic: InternalTopic, partitionCount: number): void {
  if (partitionCount > 1) {
    throw new InternalTopicError(
      `Topic '${topic.topic}' supplied via the '${topic.property}' property is required to have a single partition in order to guarantee consistency of connector configurations, but found ${partitionCount} partitions.`,
    );
  }
}
