/**
 * A StandaloneWorker on the real Kafka broker of the test stack, driven the way the herder drives it,
 * with a recording sink plugin whose behaviour follows its config keys (recording-sink.ts; the Milvus
 * task is tested on its own). Each task runs in its own thread, as in production. Every test gets fresh
 * topic and connector names.
 */
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import { Kafka, logLevel, type Admin, type KafkaMessage, type Producer } from 'kafkajs';
import { BUILTIN_CONVERTERS_MODULE } from '../../src/converters/index.js';
import { createRootLogger, Loggers, LogLevel } from '../../src/runtime/loggers.js';
import { Plugins } from '../../src/runtime/plugins.js';
import { StandaloneWorker } from '../../src/runtime/worker/standalone-worker.js';
import type { ConnectorTaskId, StatusListener } from '../../src/runtime/status/status.js';
import { WorkerConfig } from '../../src/runtime/config/worker-config.js';
import { StandaloneHerder } from '../../src/runtime/herder/standalone-herder.js';
import { openDatabase } from '../../src/store/db.js';
import { MemoryStatusStore } from '../../src/store/memory-status-store.js';
import { migrate } from '../../src/store/migrate.js';
import { SqliteConfigStore } from '../../src/store/sqlite-config-store.js';
import { stackAddresses } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { RECORDING_SINK, RECORDING_SINK_MODULE, RECORDING_TASK, recorder } from './recording-sink.js';

export { RECORDING_SINK, RECORDING_TASK, recorder, type Recorder } from './recording-sink.js';

/** Every state each task and connector reported, in order. */
export class RecordingListener implements StatusListener {
  readonly tasks = new Map<string, Array<{ state: string; trace?: string }>>();
  readonly connectors = new Map<string, string[]>();
  readonly topics = new Map<string, Set<string>>();

  onConnectorState(connector: string, state: string): void {
    this.connectors.set(connector, [...(this.connectors.get(connector) ?? []), state]);
  }
  onTaskState(id: ConnectorTaskId, state: string, trace?: string): void {
    const key = `${id.connector}-${id.task}`;
    this.tasks.set(key, [...(this.tasks.get(key) ?? []), { state, ...(trace ? { trace } : {}) }]);
  }
  onTopicActive(connector: string, topic: string): void {
    if (!this.topics.has(connector)) this.topics.set(connector, new Set());
    this.topics.get(connector)!.add(topic);
  }
  onTaskReconfigurationRequested(): void {}

  taskState(connector: string, task = 0): { state: string; trace?: string } | undefined {
    return this.tasks.get(`${connector}-${task}`)?.at(-1);
  }
}

/**
 * How many commit cycles the connector's tasks have run so far (preCommit calls), or only those in which
 * preCommit was offered exactly `offsets` (e.g. `t-0=2`).
 */
export function commitCycles(connector: string, offsets?: string): number {
  return recorder(connector).calls.filter((c) => (offsets === undefined ? c.startsWith('preCommit ') : c === `preCommit ${offsets}`)).length;
}

/** The built-in converters and the recording sink, loaded from their modules (as the task threads load them). */
export function recordingPlugins(): Promise<Plugins> {
  return Plugins.load([BUILTIN_CONVERTERS_MODULE, RECORDING_SINK_MODULE]);
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export { waitFor } from '../helpers/wait-for.js';

/**
 * The first `count` messages of `topic`, read from the beginning by a consumer of its own. Waits for the
 * topic to exist first: a dead letter queue is created by its task, which may start after the test reads.
 */
export async function readTopic(kafka: Kafka, topic: string, count: number): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(`topic ${topic} to exist`, async () => (await admin.listTopics()).includes(topic));
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: uniqueName('it-reader'), maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  try {
    await waitFor(`${count} message(s) on ${topic}`, () => messages.length >= count);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

export interface Fixture {
  readonly worker: StandaloneWorker;
  readonly listener: RecordingListener;
  readonly admin: Admin;
  readonly producer: Producer;
  readonly kafka: Kafka;
  createTopic(topic: string, partitions?: number): Promise<void>;
  produce(topic: string, values: Array<string | object>, partition?: number): Promise<void>;
  /** Starts connector `name` and its tasks the way the herder does. */
  startConnector(name: string, config: Record<string, string>, tasks?: number): Promise<Record<string, string>>;
  committed(groupId: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** A worker config for the stack's broker, tuned for fast tests (short commit interval and fetch wait). */
export function testWorkerConfig(overrides: Record<string, string> = {}): WorkerConfig {
  return new WorkerConfig({
    'bootstrap.servers': stackAddresses().kafkaBootstrap,
    'offset.flush.interval.ms': '200',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'consumer.session.timeout.ms': '10000',
    'consumer.heartbeat.interval.ms': '1000',
    'consumer.fetch.max.wait.ms': '100',
    ...overrides,
  });
}

export async function createFixture(workerProps: Record<string, string> = {}): Promise<Fixture> {
  const { kafkaBootstrap } = stackAddresses();
  const workerConfig = testWorkerConfig(workerProps);
  const loggers = new Loggers(createRootLogger({ level: process.env.TEST_LOG_LEVEL === 'debug' ? LogLevel.DEBUG : LogLevel.ERROR }));
  const plugins = await recordingPlugins();
  const worker = new StandaloneWorker({ workerConfig, plugins, loggers });
  const listener = new RecordingListener();
  const kafka = new Kafka({ clientId: 'worker-it', brokers: [kafkaBootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  await producer.connect();
  return {
    worker,
    listener,
    admin,
    producer,
    kafka,
    async createTopic(topic, partitions = 1) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    },
    async produce(topic, values, partition = 0) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.map((v, i) => ({ key: `k${i}`, value: typeof v === 'string' ? v : JSON.stringify(v), partition, headers: { origin: 'it' } })),
      });
    },
    async startConnector(name, config, tasks = 1) {
      const full = { name, 'connector.class': RECORDING_SINK, 'tasks.max': String(tasks), ...config };
      if (!(await worker.startConnector(name, full, 'STARTED', listener))) throw new Error(`connector ${name} failed to start`);
      const taskConfigs = await worker.connectorTaskConfigs(name, tasks);
      for (const [task, taskConfig] of taskConfigs.entries()) {
        await worker.startTask({ connector: name, task }, full, { ...taskConfig, 'task.class': RECORDING_TASK }, 'STARTED', listener);
      }
      return full;
    },
    async committed(groupId) {
      const out: Record<string, number> = {};
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        for (const { partition, offset } of partitions) if (Number(offset) >= 0) out[`${topic}-${partition}`] = Number(offset);
      }
      return out;
    },
    async close() {
      await worker.stop();
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

/** A fixture that is closed after test `t`, so that no worker, consumer or client outlives its test. */
export async function fixtureFor(t: TestContext, workerProps: Record<string, string> = {}): Promise<Fixture> {
  const f = await createFixture(workerProps);
  t.after(() => f.close());
  return f;
}

export interface TopicFixture {
  readonly f: Fixture;
  readonly topic: string;
  readonly name: string;
}

/**
 * What most tests start from: a fixture closed after test `t`, a new topic `it-<label>-…` and an unused
 * connector name `<label>-…`, so that no test sees another's records, consumer group or offsets.
 */
export async function fixtureWithTopic(
  t: TestContext,
  label: string,
  options: { partitions?: number; workerProps?: Record<string, string> } = {},
): Promise<TopicFixture> {
  const f = await fixtureFor(t, options.workerProps);
  const topic = uniqueName(`it-${label}`);
  await f.createTopic(topic, options.partitions);
  return { f, topic, name: uniqueName(label) };
}

/** Members currently in the consumer group (describeGroups). */
export async function groupMembers(admin: Admin, groupId: string): Promise<{ state: string; members: number }> {
  const { groups } = await admin.describeGroups([groupId]);
  return { state: groups[0]?.state ?? 'Dead', members: groups[0]?.members.length ?? 0 };
}

/**
 * The herder over the real StandaloneWorker (recording sink plugin, real Kafka), with desired state in an
 * in-memory SQLite database: the whole control path a REST request takes, minus HTTP. `close` stops both.
 */
export async function realHerder(workerProps: Record<string, string> = {}): Promise<{ herder: StandaloneHerder; close(): Promise<void> }> {
  const workerConfig = testWorkerConfig(workerProps);
  const loggers = new Loggers(createRootLogger({ level: LogLevel.OFF }));
  const plugins = await recordingPlugins();
  const db = openDatabase(':memory:');
  migrate(db);
  const herder = new StandaloneHerder({
    worker: new StandaloneWorker({ workerConfig, plugins, loggers }),
    configStore: new SqliteConfigStore(db),
    statusStore: new MemoryStatusStore(),
    plugins,
    workerConfig,
    loggers,
  });
  await herder.start();
  return {
    herder,
    close: async () => {
      await herder.stop();
      db.close();
    },
  };
}
