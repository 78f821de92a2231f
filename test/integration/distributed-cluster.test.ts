/**
 * Distributed mode, end to end: three worker processes on distinct REST ports form one cluster through
 * the real broker's group coordinator, keep their state in Kafka topics, and write to the real Milvus.
 * Tasks spread over the workers; any worker answers every read and forwards writes to the leader; a worker
 * killed with SIGKILL loses its tasks to the survivors within the session timeout, and nothing is lost.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { countRows, createCollection, milvus } from '../helpers/milvus-fixtures.js';
import { waitFor } from '../helpers/wait-for.js';
import { runningEverywhere, SESSION_TIMEOUT_MS, startCluster, write } from './process-cluster.js';
import { article, collectionFor, createTopic, produce, quickStartConfig, status, uniqueName, type StatusBody } from './e2e-fixture.js';

/** A topic with `partitions` partitions and a collection, both called `name`. */
async function sinkTopic(t: TestContext, name: string, partitions: number): Promise<void> {
  await createTopic(name, partitions);
  await collectionFor(t, name);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

describe('a cluster of three workers', { concurrency: false }, () => {
  test('a connector created through one worker spreads its tasks over all three, and every worker answers the same', async (t) => {
    const { workers } = await startCluster(t, 3);
    const [a, b, c] = workers;
    const name = uniqueName('spread');
    await sinkTopic(t, name, 3);

    const created = await write(a, 'POST', '/connectors', { name, config: quickStartConfig(name, name, { 'tasks.max': '3' }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const seen = await runningEverywhere(a, name, 3);
    assert.equal(new Set(seen.tasks.map((task) => task.worker_id)).size, 3, `tasks on three workers: ${JSON.stringify(seen.tasks)}`);
    for (const worker of [b, c]) {
      const other = await runningEverywhere(worker, name, 3);
      assert.deepEqual(
        other.tasks.map((task) => task.worker_id),
        seen.tasks.map((task) => task.worker_id),
      );
      for (const path of [`/connectors/${name}/config`, `/connectors/${name}/tasks`, '/connectors']) {
        assert.deepEqual((await worker.request('GET', path)).body, (await a.request('GET', path)).body, `GET ${path}`);
      }
    }

    // per-worker metrics: one leader, and the three tasks assigned one to each
    const scraped = await Promise.all(workers.map(async (w) => String((await w.request('GET', '/metrics')).body)));
    const gauge = (text: string, metric: string) => Number(new RegExp(`^kafka_connect_${metric} (\\S+)$`, 'm').exec(text)?.[1]);
    assert.deepEqual(scraped.map((text) => gauge(text, 'connect_worker_rebalance_metrics_is_leader')).sort(), [0, 0, 1]);
    assert.deepEqual(
      scraped.map((text) => gauge(text, 'connect_coordinator_metrics_assigned_tasks')),
      [1, 1, 1],
    );
    await produce(
      name,
      range(0, 300).map((i) => ({ value: article(i), partition: i % 3 })),
    );
    await waitFor('300 rows', async () => (await countRows(name)) === 300, 60_000);
  });

  test('pause, resume, stop and restart through a worker that does not lead behave as in standalone mode', async (t) => {
    const { workers } = await startCluster(t, 3);
    const name = uniqueName('lifecycle');
    await sinkTopic(t, name, 1);
    assert.equal((await write(workers[0], 'POST', '/connectors', { name, config: quickStartConfig(name, name) })).status, 201);
    await runningEverywhere(workers[0], name, 1);
    const follower = workers[2];

    assert.equal((await write(follower, 'PUT', `/connectors/${name}/pause`)).status, 202);
    await waitFor('PAUSED', async () => {
      const s = await status(workers[1], name);
      return s?.connector.state === 'PAUSED' && s.tasks[0]?.state === 'PAUSED';
    });
    assert.equal((await write(follower, 'PUT', `/connectors/${name}/resume`)).status, 202);
    await runningEverywhere(workers[1], name, 1);

    const restarted = await write(follower, 'POST', `/connectors/${name}/restart?includeTasks=true`);
    assert.equal(restarted.status, 202, JSON.stringify(restarted.body));
    await runningEverywhere(workers[0], name, 1);

    assert.equal((await write(follower, 'PUT', `/connectors/${name}/stop`)).status, 204);
    await waitFor('STOPPED with no tasks', async () => {
      const s = await status(workers[0], name);
      return s?.connector.state === 'STOPPED' && s.tasks.length === 0;
    });
    const offsets = await follower.request('GET', `/connectors/${name}/offsets`);
    assert.equal(offsets.status, 200, JSON.stringify(offsets.body));
    const altered = await write(follower, 'PATCH', `/connectors/${name}/offsets`, {
      offsets: [{ partition: { kafka_topic: name, kafka_partition: 0 }, offset: { kafka_offset: 7 } }],
    });
    assert.equal(altered.status, 200, JSON.stringify(altered.body));
    assert.deepEqual((await workers[1].request('GET', `/connectors/${name}/offsets`)).body, {
      offsets: [{ partition: { kafka_topic: name, kafka_partition: 0 }, offset: { kafka_offset: 7 } }],
    });
    assert.equal((await write(follower, 'DELETE', `/connectors/${name}/offsets`)).status, 200);
    assert.deepEqual((await workers[0].request('GET', `/connectors/${name}/offsets`)).body, { offsets: [] });

    assert.equal((await write(follower, 'DELETE', `/connectors/${name}`)).status, 204);
    await waitFor('deleted everywhere', async () => {
      const lists = await Promise.all(workers.map((w) => w.request('GET', '/connectors')));
      return lists.every((list) => !(list.body as string[]).includes(name));
    });
  });

  test('restarts reach the worker that runs the task: one task through a worker that does not run it, then every failed one', async (t) => {
    const { workers } = await startCluster(t, 3);
    const name = uniqueName('restarts');
    await sinkTopic(t, name, 3);
    assert.equal((await write(workers[0], 'POST', '/connectors', { name, config: quickStartConfig(name, name, { 'tasks.max': '3' }) })).status, 201);
    await runningEverywhere(workers[0], name, 3);
    // the collection disappears while the connector is stopped: every task fails at its next start
    assert.equal((await write(workers[0], 'PUT', `/connectors/${name}/stop`)).status, 204);
    await waitFor('STOPPED', async () => (await status(workers[0], name))?.tasks.length === 0);
    await (await milvus()).dropCollection({ collection_name: name });
    assert.equal((await write(workers[0], 'PUT', `/connectors/${name}/resume`)).status, 202);
    const failed = await waitFor(
      'three FAILED tasks',
      async () => {
        const s = await status(workers[0], name);
        return s?.tasks.length === 3 && s.tasks.every((task) => task.state === 'FAILED') ? s : undefined;
      },
      60_000,
    );
    await createCollection(name);

    // task 0 restarted through a worker that does not run it: forwarded (via the leader) to its worker
    const owner = failed.tasks[0].worker_id;
    const elsewhere = workers.find((w) => !owner.endsWith(`:${new URL(w.baseUrl).port}`))!;
    const one = await write(elsewhere, 'POST', `/connectors/${name}/tasks/0/restart`);
    assert.equal(one.status, 204, JSON.stringify(one.body));
    await waitFor(
      'task 0 RUNNING, the others still FAILED',
      async () => {
        const s = await status(workers[2], name);
        return s?.tasks[0].state === 'RUNNING' && s.tasks.slice(1).every((task) => task.state === 'FAILED');
      },
      30_000,
    );

    // the failed rest, through another worker: each worker restarts its own share
    const rest = await write(workers[1], 'POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=true`);
    assert.equal(rest.status, 202, JSON.stringify(rest.body));
    assert.deepEqual(
      (rest.body as StatusBody).tasks.map((task) => task.state),
      ['RUNNING', 'RESTARTING', 'RESTARTING'],
    );
    await runningEverywhere(workers[0], name, 3);
  });

  test('20,000 records, a worker killed with SIGKILL mid-stream: its tasks move to the survivors and Milvus ends with exactly 20,000 rows', async (t) => {
    const N = 20_000;
    const { workers } = await startCluster(t, 3);
    const name = uniqueName('failover');
    await sinkTopic(t, name, 3);
    assert.equal((await write(workers[0], 'POST', '/connectors', { name, config: quickStartConfig(name, name, { 'tasks.max': '3' }) })).status, 201);
    const before = await runningEverywhere(workers[0], name, 3);

    await produce(
      name,
      range(0, N / 2).map((i) => ({ value: article(i), partition: i % 3 })),
    );
    await waitFor('ingestion under way', async () => (await countRows(name)) > 0, 60_000);
    const victim = workers[1];
    const victimId = `127.0.0.1:${new URL(victim.baseUrl).port}`;
    assert.ok(
      before.tasks.some((task) => task.worker_id === victimId),
      `the victim runs a task: ${JSON.stringify(before.tasks)}`,
    );
    await victim.kill9();

    // the bound: session.timeout.ms (+ no scheduled delay: assignment is eager) + 10 s
    const moved = waitFor(
      'every task RUNNING on a survivor',
      async () => {
        const s = await status(workers[0], name);
        const survivors = s?.tasks.length === 3 && s.tasks.every((task) => task.state === 'RUNNING' && task.worker_id !== victimId);
        return survivors ? s : undefined;
      },
      SESSION_TIMEOUT_MS + 10_000,
    );
    await produce(
      name,
      range(N / 2, N).map((i) => ({ value: article(i), partition: i % 3 })),
    );
    // where the survivors run them may still change (a survivor slow to rejoin gets its share at the next
    // rebalance): what counts is that every task runs on a survivor in time and nothing is lost
    await moved;
    await waitFor(`${N} rows`, async () => (await countRows(name)) === N, 120_000);
  });
  test('a rolling restart of all three workers mid-stream loses nothing', async (t) => {
    const N = 12_000;
    const cluster = await startCluster(t, 3);
    const name = uniqueName('rolling');
    await sinkTopic(t, name, 3);
    assert.equal((await write(cluster.workers[0], 'POST', '/connectors', { name, config: quickStartConfig(name, name, { 'tasks.max': '3' }) })).status, 201);
    await runningEverywhere(cluster.workers[0], name, 3);

    // the records arrive in four parts, one before each restart and one after the last
    const part = N / 4;
    for (let i = 0; i < 3; i++) {
      await produce(
        name,
        range(i * part, (i + 1) * part).map((n) => ({ value: article(n), partition: n % 3 })),
      );
      await cluster.restart(i);
    }
    await produce(
      name,
      range(3 * part, N).map((n) => ({ value: article(n), partition: n % 3 })),
    );
    await runningEverywhere(cluster.workers[0], name, 3, 60_000);
    await waitFor(`${N} rows`, async () => (await countRows(name)) === N, 120_000);
  });

  test('the leader killed during a stream of config writes: each write took effect or answered an error, and all workers agree', async (t) => {
    const cluster = await startCluster(t, 3);
    const leader = await cluster.leader();
    const follower = cluster.workers.find((w) => w !== leader)!;
    const survivors = cluster.workers.filter((w) => w !== leader);
    const prefix = uniqueName('writes');
    const topic = `${prefix}_topic`;
    await sinkTopic(t, topic, 1);

    // STOPPED connectors: their configs are what this test is about, not their tasks
    const answers: Array<{ name: string; status: number }> = [];
    const writes = (async () => {
      for (let i = 0; i < 30; i++) {
        const name = `${prefix}-${i}`;
        const res = await follower
          .request('POST', '/connectors', { name, config: quickStartConfig(topic, topic), initial_state: 'STOPPED' })
          .catch(() => ({ status: 0 }));
        answers.push({ name, status: res.status });
      }
    })();
    await waitFor('a few writes done', async () => answers.length >= 5);
    await leader.kill9();
    await writes;

    assert.ok(
      answers.every((a) => a.status === 201 || a.status >= 400),
      `every write answered: ${JSON.stringify(answers)}`,
    );
    const listed = await waitFor(
      'the survivors agree on the connectors',
      async () => {
        const lists = await Promise.all(survivors.map(async (w) => JSON.stringify(((await w.request('GET', '/connectors')).body as string[]).sort())));
        return lists.every((list) => list === lists[0]) ? (JSON.parse(lists[0]) as string[]) : undefined;
      },
      SESSION_TIMEOUT_MS + 30_000,
    );
    for (const { name, status } of answers) {
      if (status === 201) assert.ok(listed.includes(name), `${name} was created (201) but is not listed`);
    }
    for (const name of listed.filter((n) => n.startsWith(prefix))) {
      const configs = await Promise.all(survivors.map(async (w) => (await w.request('GET', `/connectors/${name}/config`)).body));
      assert.deepEqual(configs[1], configs[0], `${name}: the same config on every survivor`);
    }
    assert.ok(answers.filter((a) => a.status === 201).length >= 5, 'writes took effect before and after the leader was killed');
  });
});
