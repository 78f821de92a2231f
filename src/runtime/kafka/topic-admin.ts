/**
 * The topic administration the distributed stores need (Kafka's TopicAdmin): create a topic unless
 * it exists, and read a topic's cleanup policy. One @platformatic/kafka admin client, closed by close().
 */
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { platformaticOptions, type KafkaClientSettings } from './platformatic-options.js';
import { cappedReplicationFactor } from './replication-factor.js';

export interface NewTopic {
  readonly name: string;
  /** -1: the broker's `num.partitions` */
  readonly partitions: number;
  /** -1: the broker's `default.replication.factor`; above the broker count it is lowered to it */
  readonly replicationFactor: number;
  /** topic configs, e.g. `cleanup.policy=compact` */
  readonly configs: Readonly<Record<string, string>>;
}

/** A topic could not be created or found; the message says why, as Kafka's does. */
export class TopicAdminError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'TopicAdminError';
  }
}

interface ProtocolErrorLike {
  readonly apiId?: string;
  readonly serverErrorMessage?: string | null;
  readonly message: string;
}

function protocolError(error: unknown, ...ids: string[]): ProtocolErrorLike | undefined {
  const finder = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy;
  if (typeof finder !== 'function') return undefined;
  for (const id of ids) {
    const found = finder.call(error, 'apiId', id) as ProtocolErrorLike | null;
    if (found) return found;
  }
  return undefined;
}

export class TopicAdmin {
  readonly #admin: Admin;
  readonly #logger: Logger;
  readonly #bootstrap: string;

  constructor(options: { client: KafkaClientSettings; logger: Logger }) {
    this.#admin = new Admin(platformaticOptions(options.client));
    this.#logger = options.logger;
    this.#bootstrap = Array.isArray(options.client.brokers) ? options.client.brokers.join(',') : '';
  }

  /**
   * Creates the topic unless it exists (Kafka's createOrFindTopics). True when this call created it,
   * false when it existed — or when this principal may not create topics, which Kafka takes as "assume
   * it exists or will be auto-created".
   */
  async createOrFind(topic: NewTopic): Promise<boolean> {
    const metadata = await this.#admin.metadata({ topics: [] });
    const replicas = cappedReplicationFactor(`Topic ${topic.name}`, topic.replicationFactor, metadata.brokers.size, this.#logger);
    try {
      await this.#admin.createTopics({
        topics: [topic.name],
        partitions: topic.partitions,
        replicas,
        configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
      });
      this.#logger.info(`Created topic ${topic.name} (partitions ${topic.partitions}, replication factor ${replicas}) on brokers at ${this.#bootstrap}`);
      return true;
    } catch (error) {
      if (protocolError(error, 'TOPIC_ALREADY_EXISTS')) {
        this.#logger.debug(`Found existing topic '${topic.name}' on the brokers at ${this.#bootstrap}`);
        return false;
      }
      if (protocolError(error, 'CLUSTER_AUTHORIZATION_FAILED', 'TOPIC_AUTHORIZATION_FAILED', 'UNSUPPORTED_VERSION')) {
        this.#logger.debug(`Not allowed to create topic '${topic.name}' on the brokers at ${this.#bootstrap}; assuming it exists or will be auto-created`);
        return false;
      }
      const invalid = protocolError(error, 'INVALID_CONFIG', 'INVALID_REPLICATION_FACTOR', 'INVALID_PARTITIONS', 'POLICY_VIOLATION');
      if (invalid) {
        throw new TopicAdminError(`Unable to create topic(s) '${topic.name}': ${invalid.serverErrorMessage || invalid.message}`, { cause: error });
      }
      throw new TopicAdminError(`Error while attempting to create/find topic(s) '${topic.name}': ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * The topic's `cleanup.policy` values (e.g. ['compact'], ['compact', 'delete']); empty when they
   * cannot be read (no such topic, or no permission to describe its configs), as in Kafka.
   */
  async cleanupPolicy(topic: string): Promise<string[]> {
    try {
      const [description] = await this.#admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['cleanup.policy'] }],
      });
      const value = description?.configs.find((c) => c.name === 'cleanup.policy')?.value;
      if (!value) return [];
      return value
        .split(',')
        .map((policy) => policy.trim().toLowerCase())
        .filter(Boolean);
    } catch (error) {
      this.#logger.debug(`Could not describe the configs of topic '${topic}': ${(error as Error).message}`);
      return [];
    }
  }

  close(): Promise<void> {
    return this.#admin.close();
  }
}
