/**
 * What the end-to-end tests share: the real service process (test/helpers/connect-process.ts), Kafka on the
 * stack through kafkajs (topics, producing, reading a dead letter queue), Milvus collections
 * (test/helpers/milvus-fixtures.ts), and the quick start's connector config and record. Every test makes its
 * own topic, collection and connector names with `uniqueName`.
 */
import { after, type TestContext } from 'node:test';
import { Kafka, logLevel, type Admin, type IHeaders, type Producer } from 'kafkajs';
import { GiveUp, makeDir, removeDir, startConnect, waitUntil, type ConnectProcess, type ConnectProcessOptions } from '../helpers/connect-process.js';
import { closeMilvus, countRows, createCollection, milvusEndpoint, vectorFor, type CollectionOptions } from '../helpers/milvus-fixtures.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';

export { uniqueName };

/** The documentation's sample record. */
export const QUICK_START_RECORD = {
  id: 0,
  title: 'The Reported Mortality Rate of Coronavirus Is Not Important',
  title_vector: [0.041732933, 0.013779674, -0.027564144, -0.013061441, 0.009748648, 0.00082446384, -0.00071647146, 0.048612226],
  link: 'https://medium.com/swlh/the-reported-mortality-rate-of-coronavirus-is-not-important-369989c8d912',
};

/** A record shaped like the quick start's, numbered `i`. */
export function article(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: i, title: `article ${i}`, title_vector: vectorFor(i), link: `https://example.org/${i}`, ...extra };
}

/** The documentation's connector properties, for `collection` and `topic`. */
export function quickStartConfig(collection: string, topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
    'public.endpoint': milvusEndpoint(),
    token: 'db_admin:xxxx',
    'collection.name': collection,
    topics: topic,
    ...extra,
  };
}

interface KafkaClients {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
}

let clients: Promise<KafkaClients> | undefined;

function kafkaClients(): Promise<KafkaClients> {
  clients ??= (async () => {
    const kafka = new Kafka({ clientId: 'e2e-test', brokers: [stackAddresses().kafkaBootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await admin.connect();
    await producer.connect();
    return { kafka, admin, producer };
  })();
  return clients;
}

// registered when a test file imports this module: runs once after all of the file's tests
after(async () => {
  for (const fn of fileCleanups.splice(0).reverse()) await fn();
  const c = clients;
  clients = undefined;
  if (c) {
    const { admin, producer } = await c;
    await producer.disconnect();
    await admin.disconnect();
  }
  await closeMilvus();
});

export async function createTopic(topic: string, partitions = 1): Promise<void> {
  const { admin } = await kafkaClients();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
}

export interface Message {
  readonly key?: string | null;
  /** An object or number is sent as its JSON text, a string as is, null as a tombstone. */
  readonly value: unknown;
  readonly headers?: IHeaders;
  readonly partition?: number;
}

function encode(value: unknown): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Produces `messages` in order, acknowledged by the broker (acks=all); large lists go in chunks. */
export async function produce(topic: string, messages: readonly Message[]): Promise<void> {
  const { producer } = await kafkaClients();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.slice(i, i + 1000).map((m) => ({
        key: m.key ?? null,
        value: encode(m.value),
        partition: m.partition ?? 0,
        ...(m.headers ? { headers: m.headers } : {}),
      })),
    });
  }
}

/** The broker's cluster id, to compare with `GET /`. */
export async function clusterId(): Promise<string> {
  const { admin } = await kafkaClients();
  return (await admin.describeCluster()).clusterId;
}

export interface ConsumedRecord {
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
  readonly offset: number;
}

/** Reads `topic` from the beginning until `count` records arrived (or the deadline passes). */
export async function consumeRecords(topic: string, count: number, timeoutMs = 30_000): Promise<ConsumedRecord[]> {
  const { kafka } = await kafkaClients();
  const consumer = kafka.consumer({ groupId: uniqueName('e2e_reader'), maxWaitTimeInMs: 100 });
  const records: ConsumedRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Array.isArray(v) ? String(v.at(-1)) : String(v);
        records.push({ key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? null, headers, offset: Number(message.offset) });
      },
    });
    await waitUntil(`${count} records on ${topic}`, () => records.length >= count, { timeoutMs, describe: () => records });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/**
 * Starts the service for one test (or one file, with a `before`) and stops it afterwards; `cleanup`
 * collects what to undo, so tests need no try/finally of their own.
 */
export async function startService(t: Cleanup, options: ConnectProcessOptions = {}): Promise<ConnectProcess> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? makeDir();
  const service = await startConnect({ ...options, dir }).catch((e: unknown) => {
    if (ownDir) removeDir(dir);
    throw e;
  });
  t.after(async () => {
    await service.stop();
    if (ownDir) removeDir(dir);
  });
  return service;
}

/** Anything with node:test's `after` shape: a TestContext, or the module-level `after` wrapped. */
export interface Cleanup {
  after(fn: () => unknown): void;
}

const fileCleanups: Array<() => unknown> = [];

/**
 * For what a file's `before` sets up: undone once after the file's tests, in reverse order. (node:test's
 * `after` called from inside a `before` hook would attach to the wrong scope.)
 */
export const fileCleanup: Cleanup = { after: (fn) => void fileCleanups.push(fn) };

/** Creates a Milvus collection for test `t` and drops it after the test. */
export async function collectionFor(t: TestContext | Cleanup, name: string, options: CollectionOptions = {}): Promise<void> {
  const drop = await createCollection(name, options);
  t.after(drop);
}

/** Creates a connector over REST (201 expected) and deletes it after the test. */
export async function createConnector(
  t: TestContext | Cleanup,
  service: ConnectProcess,
  name: string,
  config: Record<string, string>,
  initialState?: 'RUNNING' | 'PAUSED' | 'STOPPED',
): Promise<void> {
  const res = await service.request('POST', '/connectors', { name, config, ...(initialState ? { initial_state: initialState } : {}) });
  if (res.status !== 201) throw new Error(`POST /connectors ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
  t.after(async () => {
    if (service.alive()) await service.request('DELETE', `/connectors/${name}`).catch(() => undefined);
  });
}

/** A topic and a Milvus collection, both called `name`; the collection is dropped after the test. */
export async function topicAndCollection(t: TestContext | Cleanup, name: string, collection: CollectionOptions = {}): Promise<void> {
  await createTopic(name);
  await collectionFor(t, name, collection);
}

/**
 * The quick start under one name, as most tests need it: topic, collection and connector are all called
 * `name`, so that what a test asserts about one names the others too. The connector has the quick start's
 * config plus `config`; collection and connector are removed after the test.
 */
export async function quickStartConnector(
  t: TestContext | Cleanup,
  service: ConnectProcess,
  name: string,
  options: { config?: Record<string, string>; collection?: CollectionOptions } = {},
): Promise<void> {
  await topicAndCollection(t, name, options.collection);
  await createConnector(t, service, name, quickStartConfig(name, name, options.config));
}

export interface StatusBody {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: Array<{ id: number; state: string; worker_id: string; trace?: string }>;
  type: string;
}

export async function status(service: ConnectProcess, name: string): Promise<StatusBody | undefined> {
  const res = await service.request<StatusBody>('GET', `/connectors/${name}/status`);
  return res.status === 200 ? res.body : undefined;
}

/** Waits until the connector is in `connectorState` and, when `taskState` is given, every one of `tasks` tasks is too. */
export async function waitForState(
  service: ConnectProcess,
  name: string,
  connectorState: string,
  taskState?: string,
  options: { tasks?: number; timeoutMs?: number } = {},
): Promise<StatusBody> {
  const tasks = options.tasks ?? (taskState === undefined ? 0 : 1);
  return waitUntil(
    `${name} ${connectorState}${taskState ? ` with ${tasks} task(s) ${taskState}` : ' with no tasks'}`,
    async () => {
      const s = await status(service, name);
      if (!s || s.connector.state !== connectorState) return undefined;
      if (s.tasks.length !== tasks || s.tasks.some((task) => task.state !== taskState)) return undefined;
      return s;
    },
    { timeoutMs: options.timeoutMs ?? 30_000, describe: () => status(service, name) },
  );
}

/**
 * Waits until the collection holds exactly `n` entities (count(*) at Strong consistency). Gives up at once
 * when a task of `connector` is FAILED, with its trace.
 */
export async function waitForCount(service: ConnectProcess, collection: string, connector: string, n: number, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    `${n} rows in ${collection}`,
    async () => {
      if ((await countRows(collection)) === n) return true;
      const failed = (await status(service, connector))?.tasks.find((task) => task.state === 'FAILED');
      if (failed) throw new GiveUp(`Task ${connector}-${failed.id} FAILED while waiting for ${n} rows in ${collection}:\n${failed.trace}`);
      return false;
    },
    {
      timeoutMs,
      describe: async () => ({ count: await countRows(collection), status: await status(service, connector), log: service.logTail(20) }),
    },
  );
}

/** The committed offsets of a sink connector, `topic-partition` → offset, as `GET …/offsets` answers. */
export async function committedOffsets(service: ConnectProcess, name: string): Promise<Record<string, number>> {
  const res = await service.request<{ offsets: Array<{ partition: { kafka_topic: string; kafka_partition: number }; offset: { kafka_offset: number } }> }>(
    'GET',
    `/connectors/${name}/offsets`,
  );
  if (res.status !== 200) throw new Error(`GET /connectors/${name}/offsets answered ${res.status}: ${JSON.stringify(res.body)}`);
  return Object.fromEntries(res.body.offsets.map((o) => [`${o.partition.kafka_topic}-${o.partition.kafka_partition}`, Number(o.offset.kafka_offset)]));
}

/** PUT …/stop, then wait until the connector is STOPPED with no tasks (offsets may then be changed). */
export async function stopConnector(service: ConnectProcess, name: string): Promise<void> {
  const res = await service.request('PUT', `/connectors/${name}/stop`);
  if (res.status !== 204) throw new Error(`PUT /connectors/${name}/stop answered ${res.status}: ${JSON.stringify(res.body)}`);
  await waitForState(service, name, 'STOPPED');
}
