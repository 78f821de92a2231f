/**
 * The Kafka clients compared in `docs/benchmark.md` ("Kafka client comparison"), each behind the same
 * tiny interface: join a group on one topic from the earliest offset, hand every fetched batch's record
 * values (bytes, never parsed) to a callback, and report the partitions it owns.
 *
 * Every client gets the sink's fetch settings (client-config.ts defaults): fetch.min.bytes 1,
 * fetch.max.bytes 50 MiB, max.partition.fetch.bytes 1 MiB, fetch.max.wait.ms 500, no auto-commit.
 *
 * `@confluentinc/kafka-javascript` is not a dependency of the project (its install builds librdkafka from
 * source, see the docs): it is loaded only when it is installed, by name, so this file type-checks without it.
 */
import { Consumer as PlatformaticConsumer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';

export const CLIENTS = ['kafkajs', 'platformatic', 'confluent', 'confluent-native'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface BenchConsumer {
  /** Connects, joins `group` and starts delivering; resolves once consuming has started. */
  start(onValues: (values: readonly (Buffer | null)[]) => void): Promise<void>;
  /** Partitions of the topic this member owns now (as the client reports them). */
  owned(): number[];
  stop(): Promise<void>;
}

export interface ConsumerSpec {
  readonly bootstrap: string;
  readonly topic: string;
  readonly group: string;
  readonly clientId: string;
  /** kafkajs-style batches are capped like max.poll.records where the client has such a cap */
  readonly maxPollRecords: number;
}

const FETCH = { minBytes: 1, maxBytes: 52_428_800, maxBytesPerPartition: 1_048_576, maxWaitMs: 500 } as const;
const GROUP = { sessionTimeout: 45_000, rebalanceTimeout: 300_000, heartbeatInterval: 3_000 } as const;

export const CONFLUENT_PACKAGE = '@confluentinc/kafka-javascript';

export async function confluentInstalled(): Promise<boolean> {
  try {
    await loadConfluent();
    return true;
  } catch {
    return false;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: optional package loaded by name, without its types
type Untyped = any;

async function loadConfluent(): Promise<Untyped> {
  const name = CONFLUENT_PACKAGE;
  const loaded: Untyped = await import(name);
  return loaded.default ?? loaded;
}

export async function createConsumer(client: ClientName, spec: ConsumerSpec): Promise<BenchConsumer> {
  switch (client) {
    case 'kafkajs':
      return kafkajsConsumer(spec);
    case 'platformatic':
      return platformaticConsumer(spec);
    case 'confluent':
      return confluentCompatConsumer(spec, await loadConfluent());
    case 'confluent-native':
      return confluentNativeConsumer(spec, await loadConfluent());
  }
}

/** kafkajs 2.2.4 the way the sink runs it: eachBatch, no auto-resolve, no auto-commit. */
function kafkajsConsumer(spec: ConsumerSpec): BenchConsumer {
  const kafka = new Kafka({ clientId: spec.clientId, brokers: [spec.bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: spec.group,
    minBytes: FETCH.minBytes,
    maxBytes: FETCH.maxBytes,
    maxBytesPerPartition: FETCH.maxBytesPerPartition,
    maxWaitTimeInMs: FETCH.maxWaitMs,
    ...GROUP,
  });
  let owned: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    owned = [...(event.payload.memberAssignment[spec.topic] ?? [])].sort((a, b) => a - b);
  });
  return {
    async start(onValues) {
      await consumer.connect();
      await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async ({ batch, resolveOffset }) => {
          onValues(batch.messages.map((m) => m.value));
          if (batch.messages.length > 0) resolveOffset(batch.lastOffset());
        },
      });
    },
    owned: () => owned,
    stop: () => consumer.disconnect(),
  };
}

/** @platformatic/kafka: a MessagesStream of single messages (values as Buffers, the default). */
function platformaticConsumer(spec: ConsumerSpec): BenchConsumer {
  const consumer = new PlatformaticConsumer({
    clientId: spec.clientId,
    bootstrapBrokers: [spec.bootstrap],
    groupId: spec.group,
    minBytes: FETCH.minBytes,
    maxBytes: FETCH.maxBytes,
    maxBytesPerPartition: FETCH.maxBytesPerPartition,
    maxWaitTime: FETCH.maxWaitMs,
    autocommit: false,
    ...GROUP,
  });
  let stream: Awaited<ReturnType<typeof consumer.consume>> | null = null;
  return {
    async start(onValues) {
      stream = await consumer.consume({ topics: [spec.topic], mode: 'earliest', autocommit: false });
      // a stream delivers one message per 'data' event: hand them on in ticks' worth, not one by one
      let pending: (Buffer | null)[] = [];
      let scheduled = false;
      stream.on('data', (message) => {
        pending.push(message.value ?? null);
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            const values = pending;
            pending = [];
            onValues(values);
          });
        }
      });
      stream.on('error', (error) => process.stderr.write(`platformatic stream: ${error.message}\n`));
    },
    owned: () =>
      (consumer.assignments ?? [])
        .filter((a) => a.topic === spec.topic)
        .flatMap((a) => a.partitions)
        .sort((a, b) => a - b),
    async stop() {
      // the consumer refuses to leave its group while a stream is open
      await stream?.close();
      await consumer.close();
    },
  };
}

/** @confluentinc/kafka-javascript's promisified, kafkajs-shaped API (what a port of the sink would use). */
function confluentCompatConsumer(spec: ConsumerSpec, pkg: Untyped): BenchConsumer {
  const kafka = new pkg.KafkaJS.Kafka({
    kafkaJS: { clientId: spec.clientId, brokers: [spec.bootstrap], logLevel: pkg.KafkaJS.logLevel.NOTHING },
  });
  const consumer = kafka.consumer({
    kafkaJS: {
      groupId: spec.group,
      fromBeginning: true,
      autoCommit: false,
      minBytes: FETCH.minBytes,
      maxBytes: FETCH.maxBytes,
      maxBytesPerPartition: FETCH.maxBytesPerPartition,
      maxWaitTimeInMs: FETCH.maxWaitMs,
      ...GROUP,
    },
    'js.consumer.max.batch.size': spec.maxPollRecords,
  });
  return {
    async start(onValues) {
      await consumer.connect();
      await consumer.subscribe({ topics: [spec.topic] });
      await consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async ({ batch, resolveOffset }: Untyped) => {
          onValues(batch.messages.map((m: Untyped) => m.value));
          if (batch.messages.length > 0) resolveOffset(batch.lastOffset());
        },
      });
    },
    owned: () =>
      (consumer.assignment() as { topic: string; partition: number }[])
        .filter((a) => a.topic === spec.topic)
        .map((a) => a.partition)
        .sort((a, b) => a - b),
    stop: () => consumer.disconnect(),
  };
}

/** @confluentinc/kafka-javascript's callback API (node-rdkafka's): consume(n) in a loop. */
function confluentNativeConsumer(spec: ConsumerSpec, pkg: Untyped): BenchConsumer {
  const consumer = new pkg.KafkaConsumer(
    {
      'client.id': spec.clientId,
      'bootstrap.servers': spec.bootstrap,
      'group.id': spec.group,
      'enable.auto.commit': false,
      'fetch.min.bytes': FETCH.minBytes,
      'fetch.max.bytes': FETCH.maxBytes,
      'max.partition.fetch.bytes': FETCH.maxBytesPerPartition,
      'fetch.wait.max.ms': FETCH.maxWaitMs,
      'session.timeout.ms': GROUP.sessionTimeout,
      'max.poll.interval.ms': GROUP.rebalanceTimeout,
      'heartbeat.interval.ms': GROUP.heartbeatInterval,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  let running = false;
  return {
    async start(onValues) {
      await new Promise<void>((resolve, reject) => consumer.connect({}, (error: Error | null) => (error ? reject(error) : resolve())));
      consumer.subscribe([spec.topic]);
      running = true;
      const loop = (): void => {
        if (!running) return;
        consumer.consume(spec.maxPollRecords, (error: Error | null, messages: { value: Buffer | null }[]) => {
          if (error) process.stderr.write(`confluent-native consume: ${error.message}\n`);
          else if (messages.length > 0) onValues(messages.map((m) => m.value));
          setImmediate(loop);
        });
      };
      loop();
    },
    owned: () =>
      (consumer.assignments() as { topic: string; partition: number }[])
        .filter((a) => a.topic === spec.topic)
        .map((a) => a.partition)
        .sort((a, b) => a - b),
    async stop() {
      running = false;
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    },
  };
}
