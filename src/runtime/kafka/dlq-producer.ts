/**
 * The dead-letter-queue producer of one sink task: creates the DLQ topic when it is missing (like
 * Kafka's DeadLetterQueueReporter.createAndSetup) and writes each errant record with acks=all.
 */
import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Header } from '../../plugin/index.js';
import type { DeadLetterQueueProducer } from '../worker/error-handling.js';
import { cappedReplicationFactor } from './replication-factor.js';

/** Kafka creates the DLQ topic with a single partition. */
const DLQ_PARTITIONS = 1;
const ACKS_ALL = -1;

function toBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes === null) return null;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const EMPTY = Buffer.alloc(0);

function toKafkajsHeaders(headers: readonly Header[]): IHeaders {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const { key, value } of headers) {
    // kafkajs cannot encode a null header value; an empty one is the closest it can write
    const bytes = toBuffer(value) ?? EMPTY;
    const existing = out[key];
    if (existing === undefined) out[key] = bytes;
    else if (Array.isArray(existing)) existing.push(bytes);
    else out[key] = [existing, bytes];
  }
  return out;
}

export interface DlqProducerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** `errors.deadletterqueue.topic.replication.factor`; capped to the number of brokers */
  readonly replicationFactor: number;
  readonly logger: Logger;
}

/**
 * Makes sure the topic exists. A replication factor above the broker count is lowered to it (with a
 * warning) so that a single-broker development cluster works with Kafka's default of 3.
 */
async function ensureTopic({ kafka, topic, replicationFactor, logger }: DlqProducerOptions): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return;
    const { brokers } = await admin.describeCluster();
    const factor = cappedReplicationFactor(`Dead letter queue topic ${topic}`, replicationFactor, brokers.length, logger);
    logger.warn(`Topic ${topic} doesn't exist. Will attempt to create topic.`);
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: DLQ_PARTITIONS, replicationFactor: factor }], waitForLeaders: true });
    } catch (error) {
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
    }
  } finally {
    await admin.disconnect();
  }
}

export class DlqProducer implements DeadLetterQueueProducer {
  readonly #producer: Producer;
  readonly #topic: string;

  private constructor(producer: Producer, topic: string) {
    this.#producer = producer;
    this.#topic = topic;
  }

  static async create(options: DlqProducerOptions): Promise<DlqProducer> {
    await ensureTopic(options);
    // the default partitioner, named explicitly: records keep their partition by key, and kafkajs does not warn
    const producer = options.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new DlqProducer(producer, options.topic);
  }

  async send(message: { key: Uint8Array | null; value: Uint8Array | null; headers: readonly Header[]; timestamp: number | null }): Promise<void> {
    await this.#producer.send({
      topic: this.#topic,
      acks: ACKS_ALL,
      messages: [
        {
          key: toBuffer(message.key),
          value: toBuffer(message.value),
          headers: toKafkajsHeaders(message.headers),
          ...(message.timestamp === null ? {} : { timestamp: String(message.timestamp) }),
        },
      ],
    });
  }

  close(): Promise<void> {
    return this.#producer.disconnect();
  }
}
