/**
 * The control plane answers in bounded time, whatever the tasks are doing: config writes answer once the
 * desired state is stored, task instances follow in the background, a task that will not stop is
 * abandoned after task.shutdown.graceful.timeout.ms, and concurrent lifecycle calls on one connector
 * neither hang nor leave a consumer behind that the status does not show. Against the real broker (and,
 * for the REST part, the real service process with the Milvus sink and the real Milvus).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import type { StandaloneHerder } from '../../src/runtime/herder/standalone-herder.js';
import { stackAddresses } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { article, createTopic, produce, quickStartConfig, startService, status, topicAndCollection, uniqueName, waitForState } from './e2e-fixture.js';
import { realHerder, recorder, RECORDING_SINK } from './worker-fixture.js';

const GRACEFUL_MS = 2_000;

async function groupMembers(groupId: string): Promise<number> {
  const kafka = new Kafka({ clientId: 'control-plane-it', brokers: [stackAddresses().kafkaBootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe('the herder with the real worker: requests never wait on the tasks', () => {
  let herder: StandaloneHerder;
  let closeHerder: () => Promise<void>;

  before(async () => {
    ({ herder, close: closeHerder } = await realHerder({ 'task.shutdown.graceful.timeout.ms': String(GRACEFUL_MS) }));
  });

  after(() => closeHerder());

  test('a config write answers in under 100 ms although its tasks take seconds to start, and the status shows the transition', async () => {
    const topic = uniqueName('cp_slow');
    await createTopic(topic);
    const config = { 'connector.class': RECORDING_SINK, topics: topic, 'tasks.max': '2', 'test.start.delay.ms': '3000' };
    const created = await timed(herder.createConnector({ name: topic, config }));
    assert.ok(created.ms < 100, `POST answered after ${created.ms.toFixed(0)} ms`);
    assert.deepEqual(created.value.tasks, [
      { connector: topic, task: 0 },
      { connector: topic, task: 1 },
    ]);
    const updated = await timed(herder.patchConnectorConfig(topic, { 'tasks.max': '1' }));
    assert.ok(updated.ms < 100, `PATCH answered after ${updated.ms.toFixed(0)} ms`);
    assert.deepEqual(updated.value.tasks, [{ connector: topic, task: 0 }]);
    await waitFor('the task RUNNING once it started', async () => {
      const s = await herder.connectorStatus(topic);
      return s.tasks.length === 1 && s.tasks[0].state === 'RUNNING';
    });
    await herder.deleteConnector(topic);
  });

  test('a task restart whose task then fails to start answers, and the task shows FAILED with its trace', async () => {
    const topic = uniqueName('cp_restart');
    await createTopic(topic);
    await herder.createConnector({ name: topic, config: { 'connector.class': RECORDING_SINK, topics: topic } });
    await waitFor('the task RUNNING', async () => (await herder.connectorStatus(topic)).tasks[0]?.state === 'RUNNING');
    // the next start of the task fails: the config changes, so the converger starts it from the new one
    await herder.patchConnectorConfig(topic, { 'test.start.error': 'the sink refused to start' });
    await waitFor('the new task FAILED', async () => (await herder.connectorStatus(topic)).tasks[0]?.state === 'FAILED');
    await herder.restartTask(topic, 0);
    const failed = await waitFor('the restarted task FAILED again', async () => {
      const task = (await herder.connectorStatus(topic)).tasks[0];
      return recorder(topic).calls.filter((c) => c === 'start').length >= 3 && task?.state === 'FAILED' ? task : undefined;
    });
    assert.match(failed.trace ?? '', /the sink refused to start/);
    await herder.deleteConnector(topic);
  });

  test('deleting a connector whose task will not stop answers at once; the task is abandoned and its consumer leaves the group', async () => {
    const topic = uniqueName('cp_hang');
    await createTopic(topic);
    await produce(topic, [{ value: { id: 1 } }]);
    await herder.createConnector({ name: topic, config: { 'connector.class': RECORDING_SINK, topics: topic, 'test.stop.hang': 'true' } });
    await waitFor('the record put', () => recorder(topic).puts.flat().length >= 1);
    assert.equal(await groupMembers(`connect-${topic}`), 1);
    const deleted = await timed(herder.deleteConnector(topic));
    assert.ok(deleted.ms < 1_000, `DELETE answered after ${deleted.ms.toFixed(0)} ms`);
    assert.deepEqual(await herder.connectors().then((names) => names.includes(topic)), false);
    await waitFor("the abandoned task's consumer to leave", async () => (await groupMembers(`connect-${topic}`)) === 0, GRACEFUL_MS + 15_000);
  });
});

describe('the service under concurrent lifecycle calls (REST, Milvus sink)', () => {
  test('tasks.max 1 → 2 → 1, then DELETE, twenty times: every PATCH and DELETE answers within 6 s', async (t) => {
    const service = await startService(t);
    const name = uniqueName('cp_flip');
    await topicAndCollection(t, name);
    await produce(
      name,
      Array.from({ length: 20 }, (_, i) => ({ value: article(i) })),
    );
    for (let round = 0; round < 20; round++) {
      const created = await service.request('POST', '/connectors', { name, config: quickStartConfig(name, name) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await waitForState(service, name, 'RUNNING', 'RUNNING');
      for (const max of ['2', '1']) {
        const patched = await timed(service.request('PATCH', `/connectors/${name}/config`, { 'tasks.max': max }));
        assert.equal(patched.value.status, 200, JSON.stringify(patched.value.body));
        assert.ok(patched.ms < 6_000, `round ${round}: PATCH tasks.max=${max} took ${patched.ms.toFixed(0)} ms`);
      }
      const deleted = await timed(service.request('DELETE', `/connectors/${name}`));
      assert.equal(deleted.value.status, 204, JSON.stringify(deleted.value.body));
      assert.ok(deleted.ms < 6_000, `round ${round}: DELETE took ${deleted.ms.toFixed(0)} ms`);
    }
  });

  test('50 concurrent lifecycle calls on one connector with a live consumer: bounded answers, no 5xx; then REST, store and group agree', async (t) => {
    const service = await startService(t, { workerProps: { 'task.shutdown.graceful.timeout.ms': String(GRACEFUL_MS) } });
    const name = uniqueName('cp_storm');
    await topicAndCollection(t, name);
    await produce(
      name,
      Array.from({ length: 50 }, (_, i) => ({ value: article(i) })),
    );
    const config = quickStartConfig(name, name);
    assert.equal((await service.request('POST', '/connectors', { name, config })).status, 201);
    await waitForState(service, name, 'RUNNING', 'RUNNING');

    const calls: Array<() => Promise<{ status: number }>> = [
      () => service.request('POST', '/connectors', { name, config }),
      () => service.request('DELETE', `/connectors/${name}`),
      () => service.request('PUT', `/connectors/${name}/pause`),
      () => service.request('PUT', `/connectors/${name}/resume`),
      () => service.request('PUT', `/connectors/${name}/stop`),
      () => service.request('POST', `/connectors/${name}/restart?includeTasks=true`),
      () => service.request('POST', `/connectors/${name}/tasks/0/restart`),
      () => service.request('PUT', `/connectors/${name}/config`, { ...config, 'tasks.max': String(1 + Math.floor(Math.random() * 2)) }),
    ];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => timed(calls[(i * 7 + Math.floor(Math.random() * 3)) % calls.length]())));
    const bound = GRACEFUL_MS + 5_000;
    for (const { value, ms } of results) {
      assert.ok(value.status < 500, `a call answered ${value.status}: ${JSON.stringify(value)}`);
      assert.ok(ms < bound, `a call took ${ms.toFixed(0)} ms (bound ${bound} ms)`);
    }

    // once the converger is done, the three views agree: REST, the SQLite store, the consumer group
    await waitFor(
      'REST, store and consumer group to agree',
      async () => {
        const listed = ((await service.request<string[]>('GET', '/connectors')).body ?? []).includes(name);
        const store = new Database(service.sqlitePath, { readonly: true, fileMustExist: true });
        const stored = store.prepare('SELECT count(*) AS n FROM connectors WHERE name = ?').get(name) as { n: number };
        store.close();
        if (listed !== (stored.n === 1)) return false;
        const running = listed ? ((await status(service, name))?.tasks.filter((task) => task.state === 'RUNNING' || task.state === 'PAUSED').length ?? 0) : 0;
        return (await groupMembers(`connect-${name}`)) === running;
      },
      60_000,
    );
  });
});
