/**
 * Our stores read what a real Kafka Connect 4.1 distributed worker (the JVM, from the jars the stack
 * scripts provision) writes to its config and status topics — and the worker reads what we write. The
 * worker runs FileStreamSinkConnector; it is driven through its REST API, and after every step our
 * stores' view is compared with what that REST API reports: configs, task configs, target states
 * (STOPPED included), statuses with worker id, generation and trace, active topics. At the end every
 * record of both topics is re-encoded by our codecs and compared byte for byte.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import {
  decodeConfigRecord,
  encodeConfig,
  encodeLoggerLevel,
  encodeRestartRequest,
  encodeSessionKey,
  encodeTargetState,
  encodeTasksCommit,
} from '../../src/runtime/distributed/config-records.js';
import { internalTopics } from '../../src/runtime/distributed/internal-topics.js';
import { KafkaConfigStore, type ConfigUpdateListener } from '../../src/runtime/distributed/kafka-config-store.js';
import { KafkaStatusStore } from '../../src/runtime/distributed/kafka-status-store.js';
import { decodeStatusRecord, encodeStatus, encodeTopicStatus } from '../../src/runtime/distributed/status-records.js';
import { KafkaBasedLog, partitionForKey, type LogRecord } from '../../src/runtime/kafka/kafka-based-log.js';
import { startConnectJvm, type ConnectJvm } from '../helpers/connect-jvm.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';

const BOOTSTRAP = stackAddresses().kafkaBootstrap;
const STEP_TIMEOUT_MS = 60_000;
const logger = pino({ level: 'silent' });

const base = uniqueName('jvm_connect');
const topics = internalTopics({
  'config.storage.topic': `${base}_configs`,
  'offset.storage.topic': `${base}_offsets`,
  'status.storage.topic': `${base}_status`,
});
const DATA_TOPIC = `${base}_data`;
const SINK = 'jvm-sink';
const BROKEN = 'jvm-broken-sink';

interface RestStatus {
  name: string;
  connector: { state: string; worker_id: string; version?: string; trace?: string };
  tasks: Array<{ id: number; state: string; worker_id: string; version?: string; trace?: string }>;
}

let jvm: ConnectJvm;
let configs: KafkaConfigStore;
let statuses: KafkaStatusStore;
const events: string[] = [];
let outDir: string;

const listener: ConfigUpdateListener = {
  onConnectorConfigUpdate: (c) => void events.push(`config ${c}`),
  onConnectorConfigRemove: (c) => void events.push(`removed ${c}`),
  onTaskConfigUpdate: (c, tasks) => void events.push(`tasks ${c} [${tasks.join(',')}]`),
  onConnectorTargetStateChange: (c) => void events.push(`target state ${c}`),
  onRestartRequest: (c, r) => void events.push(`restart ${c} includeTasks=${r.includeTasks} onlyFailed=${r.onlyFailed}`),
  onSessionKeyUpdate: () => void events.push('session key'),
  onLoggingLevelUpdate: (ns, level) => void events.push(`logger ${ns} ${level}`),
};

async function restStatus(name: string): Promise<RestStatus | undefined> {
  const { status, body } = await jvm.request<RestStatus>('GET', `/connectors/${name}/status`);
  return status === 200 ? body : undefined;
}

/** Waits until the worker's REST API reports `predicate` for the connector, then lets our stores catch up. */
async function untilWorkerReports(what: string, name: string, predicate: (s: RestStatus) => boolean): Promise<RestStatus> {
  const reported = await waitFor(
    `${what} (worker log:\n${jvm.logTail(15)})`,
    async () => {
      const s = await restStatus(name);
      return s && predicate(s) ? s : undefined;
    },
    STEP_TIMEOUT_MS,
  );
  await Promise.all([configs.refresh(), statuses.readToEnd()]);
  return reported;
}

/** Our status store's view in the shape of the worker's REST status. */
function ourStatus(name: string): RestStatus {
  const view = (s: { state: string; workerId: string; version?: string; trace: string | null }) => ({
    state: s.state,
    worker_id: s.workerId,
    ...(s.version ? { version: s.version } : {}),
    ...(s.trace ? { trace: s.trace } : {}),
  });
  const connector = statuses.getConnector(name);
  assert.ok(connector, `our status store has a status for ${name}`);
  return { name, connector: view(connector), tasks: statuses.tasks(name).map(({ task, status }) => ({ id: task, ...view(status) })) };
}

function withoutType(status: RestStatus): RestStatus {
  const { name, connector, tasks } = status;
  return { name, connector, tasks };
}

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'jvm-file-sink-'));
  const kafka = new Kafka({ clientId: 'jvm-connect-it', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: DATA_TOPIC, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  // the worker creates its internal topics; ours then find them and must accept them as they are
  jvm = await startConnectJvm({
    'group.id': base,
    'config.storage.topic': topics.config.topic,
    'offset.storage.topic': topics.offset.topic,
    'status.storage.topic': topics.status.topic,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.storage.partitions': '2',
  });
  configs = new KafkaConfigStore({ topic: topics.config, client: { brokers: [BOOTSTRAP], clientId: `${base}-configs` }, logger, fetchMaxWaitMs: 200 });
  configs.setUpdateListener(listener);
  statuses = new KafkaStatusStore({ topic: topics.status, client: { brokers: [BOOTSTRAP], clientId: `${base}-statuses` }, logger, fetchMaxWaitMs: 200 });
  await Promise.all([configs.start(), statuses.start()]);
});

after(async () => {
  await Promise.allSettled([configs?.stop(), statuses?.stop()]);
  await jvm?.stop();
  rmSync(outDir, { recursive: true, force: true });
});

describe('the topics of a Kafka Connect 4.1 worker', () => {
  test('a connector created through its REST API: our stores read its config, task configs, statuses and active topics', async () => {
    const created = await jvm.request('POST', '/connectors', {
      name: SINK,
      config: { 'connector.class': 'FileStreamSink', 'tasks.max': '2', topics: DATA_TOPIC, file: join(outDir, 'out.txt') },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const reported = await untilWorkerReports(
      '2 running tasks',
      SINK,
      (s) => s.connector.state === 'RUNNING' && s.tasks.length === 2 && s.tasks.every((t) => t.state === 'RUNNING'),
    );

    const snapshot = configs.snapshot();
    const restConfig = (await jvm.request('GET', `/connectors/${SINK}/config`)).body;
    const restTasks = (await jvm.request<Array<{ id: { task: number }; config: Record<string, string> }>>('GET', `/connectors/${SINK}/tasks`)).body;
    assert.deepEqual(snapshot.connector(SINK), {
      name: SINK,
      config: restConfig,
      targetState: 'STARTED',
      taskConfigs: restTasks.sort((a, b) => a.id.task - b.id.task).map((t) => t.config),
    });
    assert.equal(snapshot.taskConfigs(SINK)[1]['task.class'], 'org.apache.kafka.connect.file.FileStreamSinkTask');
    assert.deepEqual(snapshot.inconsistentConnectors(), []);
    assert.equal(snapshot.sessionKey?.algorithm, 'HmacSHA256', "the leader's session key");

    assert.deepEqual(ourStatus(SINK), withoutType(reported));
    assert.equal(reported.connector.worker_id, jvm.workerId);
    const generation = statuses.getConnector(SINK)?.generation;
    assert.ok(Number.isInteger(generation) && (generation as number) >= 1, `generation ${generation}`);
    assert.deepEqual(events, [`config ${SINK}`, `tasks ${SINK} [0,1]`]);

    // sink tasks record the topics they consume from (KIP-558)
    const kafka = new Kafka({ clientId: 'jvm-connect-it', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: DATA_TOPIC, messages: [{ value: 'hello', partition: 0 }] });
    await producer.disconnect();
    const active = await waitFor(
      'the worker to report an active topic',
      async () => {
        const { body } = await jvm.request<Record<string, { topics: string[] }>>('GET', `/connectors/${SINK}/topics`);
        return body[SINK]?.topics.length ? body[SINK].topics : undefined;
      },
      STEP_TIMEOUT_MS,
    );
    await statuses.readToEnd();
    assert.deepEqual(
      statuses.activeTopics(SINK).map((t) => t.topic),
      active,
    );
    assert.equal(statuses.activeTopics(SINK)[0].connector, SINK);
  });

  test('paused through its REST API: the PAUSED target state and statuses', async () => {
    events.length = 0;
    assert.equal((await jvm.request('PUT', `/connectors/${SINK}/pause`)).status, 202);
    const reported = await untilWorkerReports('paused', SINK, (s) => s.connector.state === 'PAUSED' && s.tasks.every((t) => t.state === 'PAUSED'));
    assert.equal(configs.snapshot().targetState(SINK), 'PAUSED');
    assert.deepEqual(ourStatus(SINK), withoutType(reported));
    assert.deepEqual(events, [`target state ${SINK}`]);
  });

  test('resumed by a target state WE write: the worker reads our record and runs the connector again', async () => {
    await configs.putTargetState(SINK, 'STARTED');
    const reported = await untilWorkerReports(
      'running again',
      SINK,
      (s) => s.connector.state === 'RUNNING' && s.tasks.length === 2 && s.tasks.every((t) => t.state === 'RUNNING'),
    );
    assert.deepEqual(ourStatus(SINK), withoutType(reported));
  });

  test('stopped through its REST API: STOPPED (written as PAUSED for old workers), zero tasks committed, task statuses gone', async () => {
    events.length = 0;
    assert.equal((await jvm.request('PUT', `/connectors/${SINK}/stop`)).status, 204);
    const reported = await untilWorkerReports('stopped', SINK, (s) => s.connector.state === 'STOPPED' && s.tasks.length === 0);
    await waitFor('the task statuses to be removed', async () => {
      await statuses.readToEnd();
      return statuses.tasks(SINK).length === 0;
    });
    const snapshot = configs.snapshot();
    assert.equal(snapshot.targetState(SINK), 'STOPPED');
    assert.equal(snapshot.taskCount(SINK), 0);
    assert.deepEqual(snapshot.taskConfigs(SINK), []);
    assert.deepEqual(ourStatus(SINK), withoutType(reported));
    assert.deepEqual(events, [`tasks ${SINK} []`, `target state ${SINK}`]);
  });

  test('a restart request and a cluster-wide logger level reach our listener', async () => {
    events.length = 0;
    const restart = await jvm.request('POST', `/connectors/${SINK}/restart?includeTasks=true&onlyFailed=false`);
    assert.ok([202, 204].includes(restart.status), JSON.stringify(restart.body));
    assert.equal((await jvm.request('PUT', '/admin/loggers/org.apache.kafka.connect.file?scope=cluster', { level: 'DEBUG' })).status, 204);
    await waitFor(
      'both events',
      async () => {
        await configs.refresh();
        return events.length >= 2;
      },
      STEP_TIMEOUT_MS,
    );
    assert.deepEqual(events, [`restart ${SINK} includeTasks=true onlyFailed=false`, 'logger org.apache.kafka.connect.file DEBUG']);
  });

  test('a task that fails: our status store has its FAILED state and the very trace the worker reports', async () => {
    const created = await jvm.request('POST', '/connectors', {
      name: BROKEN,
      config: { 'connector.class': 'FileStreamSink', 'tasks.max': '1', topics: DATA_TOPIC, file: join(outDir, 'no-such-dir', 'out.txt') },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const reported = await untilWorkerReports('a failed task', BROKEN, (s) => s.tasks.length === 1 && s.tasks[0].state === 'FAILED');
    assert.match(reported.tasks[0].trace ?? '', /ConnectException/);
    assert.deepEqual(ourStatus(BROKEN), withoutType(reported));
  });

  test('deleted through its REST API: gone from our config snapshot and our status store', async () => {
    events.length = 0;
    assert.equal((await jvm.request('DELETE', `/connectors/${BROKEN}`)).status, 204);
    await waitFor(
      'the connector and its statuses to be gone',
      async () => {
        await Promise.all([configs.refresh(), statuses.readToEnd()]);
        return !configs.snapshot().contains(BROKEN) && statuses.getConnector(BROKEN) === undefined && statuses.tasks(BROKEN).length === 0;
      },
      STEP_TIMEOUT_MS,
    );
    assert.equal((await restStatus(BROKEN)) === undefined, true, 'the worker agrees');
    assert.equal(configs.snapshot().targetState(BROKEN), undefined);
    assert.deepEqual(events, [`removed ${BROKEN}`]);
    assert.deepEqual(configs.snapshot().connectors(), [SINK]);
  });

  test('a status WE write is what the worker then reports', async () => {
    const current = statuses.getConnector(SINK);
    assert.ok(current);
    statuses.putConnector(SINK, { state: 'STOPPED', trace: null, workerId: 'ts-worker:8083', generation: (current.generation ?? 0) + 1, version: '0.1.0' });
    await statuses.flush();
    const reported = await untilWorkerReports('our status', SINK, (s) => s.connector.worker_id === 'ts-worker:8083');
    assert.deepEqual(reported.connector, { state: 'STOPPED', worker_id: 'ts-worker:8083', version: '0.1.0' });
  });

  test('every record of both topics re-encodes byte for byte; status keys sit in the partition our writer picks', async () => {
    const read = async (topic: string) => {
      const records: LogRecord[] = [];
      const log = new KafkaBasedLog({ topic, client: { brokers: [BOOTSTRAP], clientId: uniqueName('raw') }, onRecord: (r) => records.push(r), logger });
      await log.start();
      const partitions = log.partitionCount;
      await log.stop();
      return { records, partitions };
    };
    const config = await read(topics.config.topic);
    const kinds = new Set<string>();
    for (const { key, value } of config.records) {
      if (key === null || value === null) continue;
      const record = decodeConfigRecord(key, value);
      kinds.add(record.type);
      const again =
        record.type === 'connector-config' || record.type === 'task-config'
          ? encodeConfig(record.config)
          : record.type === 'tasks-commit'
            ? encodeTasksCommit(record.tasks)
            : record.type === 'target-state'
              ? encodeTargetState(record.state)
              : record.type === 'restart-request'
                ? encodeRestartRequest(record.request)
                : record.type === 'session-key'
                  ? encodeSessionKey(record.sessionKey)
                  : record.type === 'logger-level'
                    ? encodeLoggerLevel(record.level)
                    : undefined;
      assert.equal(again?.toString(), value.toString(), key);
    }
    assert.deepEqual([...kinds].sort(), ['connector-config', 'logger-level', 'restart-request', 'session-key', 'target-state', 'task-config', 'tasks-commit']);

    const status = await read(topics.status.topic);
    assert.equal(status.partitions, 5);
    const statusKinds = new Set<string>();
    for (const { key, value, partition } of status.records) {
      assert.ok(key !== null);
      assert.equal(partition, partitionForKey(key, status.partitions), `${key} is in the partition the Java producer chose`);
      if (value === null) continue;
      const record = decodeStatusRecord(key, value);
      statusKinds.add(record.type);
      assert.ok(record.status);
      const again = record.type === 'topic' ? encodeTopicStatus(record.status as never) : encodeStatus(record.status as never);
      assert.equal(again.toString(), value.toString(), key);
    }
    assert.deepEqual([...statusKinds].sort(), ['connector', 'task', 'topic']);
  });
});
