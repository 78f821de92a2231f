/**
 * `npm run demo`: the Milvus documentation's Kafka Connect quick start, end to end, on this machine.
 *
 *   1. a private local stack (Kafka + Milvus Lite, instance "demo"; DEMO_STACK_NAME overrides)
 *   2. the topic topic_0 and the collection topic_0 (id, title, title_vector dim 8, link), indexed, loaded
 *   3. this service, started like connect-standalone with the documentation's worker settings
 *   4. the connector zilliz-kafka-connect-milvus created over REST with the documentation's properties
 *   5. the documentation's sample record produced to topic_0
 *   6. the row read back from Milvus (Strong consistency) and printed
 *
 * Everything it started is stopped at the end, also on an error or Ctrl-C. If the demo itself is killed,
 * the stack's watchdog stops the stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { connectMilvus } from '../src/connectors/milvus/client/milvus-client.js';
import { down, instanceAlive, readState, recordWatchdog, up } from './stack/instance.js';
import { REPO_ROOT, runPaths } from './stack/paths.js';
import { spawnDetached } from './stack/processes.js';

const STACK = process.env.DEMO_STACK_NAME?.trim() || 'demo';
const TOPIC = 'topic_0';
const CONNECTOR = 'zilliz-kafka-connect-milvus';
const SAMPLE = {
  id: 0,
  title: 'The Reported Mortality Rate of Coronavirus Is Not Important',
  title_vector: [0.041732933, 0.013779674, -0.027564144, -0.013061441, 0.009748648, 0.00082446384, -0.00071647146, 0.048612226],
  link: 'https://medium.com/swlh/the-reported-mortality-rate-of-coronavirus-is-not-important-369989c8d912',
};
const SERVICE_START_MS = 60_000;
const ROW_WAIT_MS = 60_000;
const SERVICE_STOP_GRACE_MS = 30_000;

const step = (text: string) => process.stdout.write(`\n== ${text}\n`);
const say = (text: string) => process.stdout.write(`   ${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Undo steps, run in reverse order exactly once (end, error or signal). */
const cleanups: Array<[what: string, run: () => Promise<unknown>]> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    step('Stopping everything');
    for (const [what, run] of cleanups.reverse()) {
      try {
        await run();
        say(`${what}: done`);
      } catch (error) {
        say(`${what}: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

async function startStack(): Promise<{ kafkaBootstrap: string; milvusAddress: string }> {
  step(`Starting a private local stack "${STACK}" (Kafka and Milvus Lite; the first run downloads them)`);
  const existing = readState(STACK);
  if (existing) {
    const alive = instanceAlive(existing);
    if (alive.kafka || alive.milvus) {
      throw new Error(
        `A stack named "${STACK}" is already running; the demo would stop it at the end. Stop it with STACK_NAME=${STACK} npm run stack:down, or set DEMO_STACK_NAME.`,
      );
    }
  }
  cleanups.push([`stack "${STACK}"`, () => down(STACK)]);
  const state = await up(STACK, { log: (line) => say(`stack: ${line}`) });
  // stops the stack should this process die without cleaning up (kill -9, a closed terminal)
  const paths = runPaths(STACK);
  const watchdog = spawnDetached(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'stack', 'watchdog.ts'), STACK, String(process.pid), paths.root],
    {
      cwd: REPO_ROOT,
      env: process.env,
      logFile: paths.watchdogLog,
    },
  );
  recordWatchdog(STACK, watchdog);
  say(`Kafka at ${state.kafkaBootstrap}, Milvus at ${state.milvusAddress}`);
  return state;
}

async function createCollection(milvus: MilvusClient): Promise<void> {
  step(`Creating the collection ${TOPIC}: id Int64 (primary key), title VarChar, title_vector FloatVector(8), link VarChar`);
  const created = await milvus.createCollection({
    collection_name: TOPIC,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
      { name: 'title', data_type: DataType.VarChar, max_length: 512 },
      { name: 'title_vector', data_type: DataType.FloatVector, dim: 8 },
      { name: 'link', data_type: DataType.VarChar, max_length: 512 },
    ],
  });
  if (created.code !== 0) throw new Error(`createCollection: ${created.reason}`);
  const indexed = await milvus.createIndex({ collection_name: TOPIC, field_name: 'title_vector', index_type: 'FLAT', metric_type: 'COSINE' });
  if (indexed.code !== 0) throw new Error(`createIndex: ${indexed.reason}`);
  const loaded = await milvus.loadCollectionSync({ collection_name: TOPIC });
  if (loaded.code !== 0) throw new Error(`loadCollection: ${loaded.reason}`);
  say('created, indexed (FLAT, COSINE: it keeps the raw vectors that the query below reads back) and loaded');
}

interface Service {
  readonly url: string;
  readonly logFile: string;
}

/** Starts `node --import tsx src/main.ts worker.properties` and waits until GET /health answers 200. */
async function startService(dir: string, kafkaBootstrap: string): Promise<Service> {
  const workerFile = join(dir, 'worker.properties');
  const logFile = join(dir, 'connect.log');
  writeFileSync(
    workerFile,
    [
      `bootstrap.servers=${kafkaBootstrap}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable=false',
      'value.converter.schemas.enable=false',
      'offset.flush.interval.ms=1000',
      'listeners=http://127.0.0.1:0',
      `sqlite.path=${join(dir, 'connect.db')}`,
      '',
    ].join('\n'),
  );
  step("Starting the service like connect-standalone, with the documentation's worker settings");
  say(`node --import tsx src/main.ts ${workerFile}`);
  for (const line of readFileSync(workerFile, 'utf8').trim().split('\n')) say(`  ${line}`);

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'main.ts'), workerFile], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push([
    'service',
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), SERVICE_STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  ]);
  const log = createWriteStream(logFile);
  let url: string | undefined;
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    log.write(chunk);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) url ??= /REST server listening on (http:\/\/[^\s"]+)/.exec(line)?.[1];
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => log.write(chunk));

  const deadline = Date.now() + SERVICE_START_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The service exited with code ${child.exitCode}; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`The service did not become healthy within ${SERVICE_START_MS} ms; see ${logFile}`);
    if (url) {
      const health = await fetch(`${url}/health`).then(
        (r) => r.status,
        () => 0,
      );
      if (health === 200) break;
    }
    await sleep(200);
  }
  say(`listening on ${url}, log in ${logFile}`);
  return { url: url!, logFile };
}

/** One REST call; `T` is the shape the caller expects back (the demo reads a few fields of it). */
async function rest<T = unknown>(service: Service, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stdout.write(`\n${signal} received\n`);
      void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'milvus-connect-demo-'));
  cleanups.push(['temporary files', async () => rmSync(dir, { recursive: true, force: true })]);

  const { kafkaBootstrap, milvusAddress } = await startStack();
  const endpoint = `http://${milvusAddress}`;

  step(`Creating the Kafka topic ${TOPIC}`);
  const kafka = new Kafka({ clientId: 'milvus-connect-demo', brokers: [kafkaBootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(['Kafka admin client', () => admin.disconnect()]);
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  say('created');

  const milvus = await connectMilvus({ endpoint });
  cleanups.push(['Milvus client', () => milvus.closeConnection()]);
  await createCollection(milvus);

  const service = await startService(dir, kafkaBootstrap);

  step(`Creating the connector ${CONNECTOR} over REST (POST /connectors)`);
  const config = {
    'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
    'public.endpoint': endpoint,
    token: 'db_admin:xxxx',
    'collection.name': TOPIC,
    topics: TOPIC,
  };
  for (const [k, v] of Object.entries({ name: CONNECTOR, ...config })) say(`${k}=${v}`);
  const created = await rest(service, 'POST', '/connectors', { name: CONNECTOR, config });
  if (created.status !== 201) throw new Error(`POST /connectors answered ${created.status}: ${JSON.stringify(created.body)}`);
  const deadline = Date.now() + SERVICE_START_MS;
  for (;;) {
    const status = await rest<{ tasks?: Array<{ state?: string; trace?: string }> } | undefined>(service, 'GET', `/connectors/${CONNECTOR}/status`);
    const task = status.body?.tasks?.[0];
    if (task?.state === 'RUNNING') break;
    if (task?.state === 'FAILED') throw new Error(`The task failed:\n${task.trace}`);
    if (Date.now() > deadline) throw new Error(`The connector is not RUNNING: ${JSON.stringify(status.body)}`);
    await sleep(200);
  }
  say('201 Created; connector and task RUNNING');

  step(`Producing the documentation's sample record to ${TOPIC}`);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  cleanups.push(['Kafka producer', () => producer.disconnect()]);
  await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: JSON.stringify(SAMPLE) }] });
  say(JSON.stringify(SAMPLE));

  step(`Reading the row back from Milvus (query id == 0, Strong consistency)`);
  const rowDeadline = Date.now() + ROW_WAIT_MS;
  let rows: Record<string, unknown>[] = [];
  while (rows.length === 0) {
    const res = await milvus.query({
      collection_name: TOPIC,
      filter: 'id == 0',
      output_fields: ['id', 'title', 'title_vector', 'link'],
      consistency_level: 'Strong' as never,
    });
    if (res.status.code !== 0) throw new Error(`query: ${res.status.reason}`);
    rows = res.data;
    if (rows.length > 0) break;
    if (Date.now() > rowDeadline) throw new Error(`The row did not reach Milvus within ${ROW_WAIT_MS} ms; see ${service.logFile}`);
    await sleep(250);
  }
  process.stdout.write(`${JSON.stringify(rows[0], null, 2).replace(/^/gm, '   ')}\n`);
  // the offset is committed after Milvus acknowledged the row, at the next commit interval (1 s here)
  let offsets = await rest<{ offsets?: Array<{ offset?: { kafka_offset?: number } }> } | undefined>(service, 'GET', `/connectors/${CONNECTOR}/offsets`);
  for (let i = 0; i < 20 && offsets.body?.offsets?.[0]?.offset?.kafka_offset !== 1; i++) {
    await sleep(250);
    offsets = await rest(service, 'GET', `/connectors/${CONNECTOR}/offsets`);
  }
  say(`GET /connectors/${CONNECTOR}/offsets → ${JSON.stringify(offsets.body)}`);
}

main().then(
  async () => {
    await cleanup();
    process.stdout.write('\nThe quick start worked end to end.\n');
  },
  async (error: unknown) => {
    process.stderr.write(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await cleanup();
    process.exitCode = 1;
  },
);
