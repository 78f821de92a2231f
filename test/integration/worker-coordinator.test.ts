/**
 * WorkerCoordinators of several workers in the real group of the stack's broker: one leader, a balanced
 * eager assignment, work that moves when a worker stops or when the config changes, and never a task on
 * two workers at once (the event log is replayed after every test).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Cluster, SESSION_MS, work } from './cluster-fixture.js';

describe('three workers in one group', () => {
  test('elect one leader that every worker knows, and share 1 connector × 3 tasks + 2 connectors × 1 task evenly', async () => {
    const cluster = new Cluster({ sink: 3, alpha: 1, beta: 1 });
    const [w1, w2, w3] = ['w1', 'w2', 'w3'].map((name) => cluster.start(name));
    const assignments = await cluster.settled([w1, w2, w3], 'three workers sharing the work');

    const leaders = [w1, w2, w3].filter((w) => w.coordinator.isLeader());
    assert.equal(leaders.length, 1, 'exactly one leader');
    for (const w of [w1, w2, w3]) assert.equal(w.coordinator.leaderUrl(), leaders[0].url);
    // connectors sorted (alpha, beta, sink) dealt over the workers sorted by URL, then the tasks with the same running turn
    assert.deepEqual(Object.fromEntries([...assignments].map(([name, a]) => [name, work(a)])), {
      w1: 'alpha | alpha-0,sink-1',
      w2: 'beta | beta-0,sink-2',
      w3: 'sink | sink-0',
    });
    for (const w of [w1, w2, w3]) {
      assert.equal(w.coordinator.rebalancing(), false);
      const metrics = w.coordinator.metrics();
      assert.equal(metrics.assignedConnectors, 1);
      assert.equal(metrics.assignedTasks, w === w3 ? 1 : 2);
      assert.equal(metrics.leaderUrl, leaders[0].url);
      assert.ok(metrics.completedRebalances >= 1);
      assert.ok(metrics.lastRebalanceCompletedAt !== null && metrics.rebalanceMaxTimeMs !== null);
    }
    cluster.log.assertNothingRanTwice();
  });

  test('with one connector of three tasks, each worker runs one task', async () => {
    const cluster = new Cluster({ sink: 3 });
    const workers = ['w1', 'w2', 'w3'].map((name) => cluster.start(name));
    const assignments = await cluster.settled(workers, 'three workers sharing three tasks');
    assert.deepEqual(
      [...assignments.values()].map((a) => a.tasks.length),
      [1, 1, 1],
    );
    cluster.log.assertNothingRanTwice();
  });

  test('a worker that stops cleanly hands its work to the others at once, not after the session timeout', async () => {
    const cluster = new Cluster({ sink: 3, alpha: 1, beta: 1 });
    const [w1, w2, w3] = ['w1', 'w2', 'w3'].map((name) => cluster.start(name, { revokeMs: 300 }));
    await cluster.settled([w1, w2, w3], 'three workers sharing the work');

    const stopping = Date.now();
    await w3.coordinator.stop();
    assert.equal(w3.running(), null, 'the stopped worker revoked its work');
    assert.equal(w3.coordinator.rebalancing(), true);
    const after = await cluster.settled([w1, w2], 'the two remaining workers taking over');
    const took = Date.now() - stopping;
    assert.ok(took < SESSION_MS, `work moved after ${took} ms, not within the session timeout of ${SESSION_MS} ms`);
    assert.deepEqual(
      [...after.values()].map((a) => a.connectors.length + a.tasks.length),
      [4, 4],
    );
    cluster.log.assertNothingRanTwice();
  });

  test('a worker that joins takes a share only after the others stopped theirs (revocation before assignment)', async () => {
    const cluster = new Cluster({ sink: 4, alpha: 1 });
    // revoking takes a while, as stopping real tasks does: the joiner must still not get a task early
    const [w1, w2] = ['w1', 'w2'].map((name) => cluster.start(name, { revokeMs: 1500 }));
    await cluster.settled([w1, w2], 'two workers sharing the work');
    const w3 = cluster.start('w3', { revokeMs: 1500 });
    await cluster.settled([w1, w2, w3], 'three workers after the third joined');

    const events = cluster.log.events;
    const w3Assigned = events.findIndex((e) => e.worker === 'w3' && e.kind === 'assigned');
    for (const w of ['w1', 'w2']) {
      const revoked = events.findIndex((e) => e.worker === w && e.kind === 'revoked');
      assert.ok(revoked >= 0 && revoked < w3Assigned, `${w} finished revoking (event ${revoked}) before w3 got work (event ${w3Assigned})`);
    }
    cluster.log.assertNothingRanTwice();
  });

  test('requestRejoin after a config change hands out the new connector’s tasks', async () => {
    const cluster = new Cluster({ sink: 2 });
    const workers = ['w1', 'w2', 'w3'].map((name) => cluster.start(name));
    await cluster.settled(workers, 'three workers sharing two tasks');
    const generation = workers[0].coordinator.generation();

    cluster.topic.append({ sink: 2, gamma: 3 });
    // only one worker has read the change (its herder asks for the rebalance); the others catch up when assigned
    await workers[2].config.readToEnd();
    workers[2].coordinator.requestRejoin('connector gamma was created');
    const assignments = await cluster.settled(workers, 'the new connector assigned');

    assert.ok(workers[0].coordinator.generation() > generation);
    assert.deepEqual(
      [...assignments.values()].map((a) => a.connectors.length + a.tasks.length),
      [3, 2, 2],
    );
    for (const w of workers) assert.equal(w.config.snapshot().offset, cluster.topic.end.offset, `${w.name} read the config to the assignment's offset`);
    cluster.log.assertNothingRanTwice();
  });
});
