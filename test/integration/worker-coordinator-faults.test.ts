/**
 * WorkerCoordinators when things go wrong, against the stack's real broker: a worker killed without a
 * word, a worker cut off from the coordinator, workers behind on the config topic, a group held by
 * workers of another protocol (as a JVM Kafka Connect worker would be), and stop() while a join is pending.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Connection, findCoordinatorV4, heartbeatV4, joinGroupV9, leaveGroupV5, ResponseError, syncGroupV5 } from '@platformatic/kafka';
import { CONNECT_PROTOCOL_TYPE } from '../../src/runtime/distributed/connect-protocol.js';
import { settledSocketsToPort, socketsToPort } from '../helpers/sockets.js';
import { stackAddresses } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { Cluster, ConfigReader, HEARTBEAT_MS, SESSION_MS } from './cluster-fixture.js';

const [BROKER_HOST, BROKER_PORT] = ((): [string, number] => {
  const [host, port] = stackAddresses().kafkaBootstrap.split(':');
  return [host, Number(port)];
})();

describe('a worker that disappears without leaving', () => {
  test('killed (SIGKILL): its work moves to the others after about session.timeout.ms', async (t) => {
    const cluster = new Cluster({ sink: 3, alpha: 1 });
    const [w1, w2] = ['w1', 'w2'].map((name) => cluster.start(name));
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./coordinator-process.ts', import.meta.url))], {
      env: {
        ...process.env,
        CLUSTER_WORKER: JSON.stringify({
          url: 'http://w3.test:8083',
          group: cluster.group,
          connectors: { sink: 3, alpha: 1 },
          bootstrap: stackAddresses().kafkaBootstrap,
        }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => child.kill('SIGKILL'));
    const childLines: Array<{ kind: string; generation?: number }> = [];
    createInterface({ input: child.stdout! }).on('line', (line) => childLines.push(JSON.parse(line)));

    // all three run their share of one generation
    const shared = await waitFor('all three workers running one generation', () => {
      const generation = w1.coordinator.generation();
      const childRuns = childLines.findLast((l) => l.kind === 'assigned' || l.kind === 'revoked');
      const ready = childRuns?.kind === 'assigned' && childRuns.generation === generation && w2.coordinator.generation() === generation;
      return ready && w1.running() !== null && w2.running() !== null ? [w1.running()!, w2.running()!] : null;
    });
    assert.ok(shared.reduce((n, a) => n + a.connectors.length + a.tasks.length, 0) < 6, 'the child holds part of the work');

    child.kill('SIGKILL');
    const killed = Date.now();
    await cluster.settled([w1, w2], 'w1 and w2 taking over the killed worker’s work', 3 * SESSION_MS);
    const took = Date.now() - killed;
    // the coordinator drops the member SESSION_MS after the last heartbeat it received (at most one interval before the kill)
    assert.ok(took >= SESSION_MS - HEARTBEAT_MS - 500, `work moved ${took} ms after the kill, before the session timeout`);
    assert.ok(took <= 2 * SESSION_MS, `work moved ${took} ms after the kill`);
    cluster.log.assertNothingRanTwice();
  });

  test('cut off from the coordinator: it revokes its own work after session.timeout.ms, before the others start it', async () => {
    const cluster = new Cluster({ sink: 3, alpha: 1 });
    // every connection the victim opens from now until it is settled will be cut
    const victimConnections: Connection[] = [];
    const capture = ({ type, instance }: { type: string; instance: unknown }): void => {
      if (type === 'connection') victimConnections.push(instance as Connection);
    };
    subscribe('plt:kafka:instances', capture as (message: unknown) => void);
    const victim = cluster.start('w3');
    await waitFor('the victim to run an assignment', () => victim.running());
    unsubscribe('plt:kafka:instances', capture as (message: unknown) => void);
    const [w1, w2] = ['w1', 'w2'].map((name) => cluster.start(name));
    await cluster.settled([w1, w2, victim], 'three workers sharing the work');

    // a partition: nothing the victim sends arrives, nothing the coordinator sends is read
    const cut = Date.now();
    for (const connection of victimConnections) {
      const socket = connection.socket as Socket | undefined;
      if (socket === undefined || socket.destroyed) continue;
      socket.pause();
      socket.write = (() => true) as Socket['write'];
    }
    await waitFor('the victim to revoke its work', () => victim.running() === null, 3 * SESSION_MS);
    const revokedAfter = Date.now() - cut;
    assert.ok(revokedAfter >= SESSION_MS - HEARTBEAT_MS - 500 && revokedAfter <= SESSION_MS + 1000, `revoked ${revokedAfter} ms after the cut`);
    assert.ok(victim.logs.some((l) => l.includes('acknowledged for 6000 ms')));

    // the victim rejoins over a new connection; the coordinator had dropped it, so it comes back as a new member
    await cluster.settled([w1, w2, victim], 'all three sharing the work again', 4 * SESSION_MS);
    cluster.log.assertNothingRanTwice();
  });
});

describe('workers behind on the config topic', () => {
  test('a leader that has not read what a member has answers CONFIG_MISMATCH; it catches up and the group rejoins', async () => {
    const cluster = new Cluster({ sink: 2 });
    const leader = cluster.start('w1');
    await cluster.settled([leader], 'the first worker leading alone');
    cluster.topic.append({ sink: 2, gamma: 2 });
    // the new worker has read the new connector; the leader's first read attempt finds nothing new (a slow topic)
    leader.config.stalledReads = 1;
    const follower = cluster.start('w2', { config: new ConfigReader(cluster.topic) });

    const assignments = await cluster.settled([leader, follower], 'both workers running the new connector');
    assert.ok(leader.coordinator.isLeader());
    assert.ok(
      leader.logs.some((l) => l.includes("the leader's config was older than a member's")),
      'the leader was answered CONFIG_MISMATCH',
    );
    assert.ok(
      follower.logs.some((l) => l.includes("the leader's config was older than a member's")),
      'the follower was answered CONFIG_MISMATCH',
    );
    assert.deepEqual(leader.config.reads, [0, 1], 'the leader read once in vain while assigning, then caught up');
    assert.equal([...assignments.values()].flatMap((a) => a.tasks).length, 4);
    assert.ok(
      cluster.log.events.every((e) => e.kind !== 'assigned' || e.worker !== 'w2' || e.assignment.configOffset === 1),
      'the follower never ran an assignment made from the old config',
    );
    cluster.log.assertNothingRanTwice();
  });

  test('a member behind the leader reads up to the assignment’s config offset before it runs it', async () => {
    const cluster = new Cluster({ sink: 2 });
    const leader = cluster.start('w1');
    await cluster.settled([leader], 'the first worker leading alone');
    const stale = new ConfigReader(cluster.topic, 0);
    cluster.topic.append({ sink: 2, gamma: 2 });
    await leader.config.readToEnd();
    leader.coordinator.requestRejoin('connector gamma was created');
    await cluster.settled([leader], 'the leader running the new config');

    const late = cluster.start('w2', { config: stale });
    await cluster.settled([leader, late], 'the late worker caught up and running');
    assert.deepEqual(stale.reads, [1], 'it read the config topic once, to the assignment’s offset');
    const firstAssigned = cluster.log.events.find((e) => e.worker === 'w2' && e.kind === 'assigned');
    assert.equal(firstAssigned?.kind === 'assigned' && firstAssigned.assignment.configOffset, 1);
    cluster.log.assertNothingRanTwice();
  });

  test('a member that cannot catch up leaves the group for worker.unsync.backoff.ms; the others run everything meanwhile', async () => {
    const cluster = new Cluster({ sink: 2 });
    const leader = cluster.start('w1');
    cluster.topic.append({ sink: 2, gamma: 1 });
    await leader.config.readToEnd();
    await cluster.settled([leader], 'the leader running the latest config');

    const stuck = new ConfigReader(cluster.topic, 0);
    stuck.stalledReads = 1;
    const w2 = cluster.start('w2', { config: stuck });
    await waitFor('w2 to give up and leave', () => w2.logs.some((l) => l.includes('leaving the group for 3000 ms')), 20_000);
    const left = Date.now();
    await cluster.settled([leader], 'the leader running everything while w2 is out', 10_000);
    assert.equal(w2.running(), null);
    // after the backoff it rejoins, reads the config and takes its share
    await cluster.settled([leader, w2], 'w2 back in the group', 30_000);
    assert.ok(Date.now() - left >= 3000 - 500, 'w2 stayed out for the backoff');
    cluster.log.assertNothingRanTwice();
  });
});

describe('a group of another protocol', () => {
  /** What a JVM Kafka Connect worker sends in JoinGroup: protocol type connect, its own protocol names. */
  const JVM_PROTOCOLS = ['sessioned', 'compatible', 'default'].map((name) => ({ name, metadata: Buffer.from([0, 1]) }));

  async function coordinatorConnection(group: string): Promise<Connection> {
    const bootstrap = new Connection('jvm-like');
    await bootstrap.connect(BROKER_HOST, BROKER_PORT);
    try {
      const found = await waitFor('the coordinator of the group', async () => {
        try {
          return (await findCoordinatorV4.api.async(bootstrap, 0, [group])).coordinators[0];
        } catch {
          return null; // COORDINATOR_NOT_AVAILABLE while the offsets topic's partition loads
        }
      });
      const connection = new Connection('jvm-like');
      await connection.connect(found.host, found.port);
      return connection;
    } finally {
      await bootstrap.close();
    }
  }

  async function joinAsJvmWorker(connection: Connection, group: string): Promise<joinGroupV9.JoinGroupResponse> {
    let memberId = '';
    for (;;) {
      try {
        return await joinGroupV9.api.async(connection, group, SESSION_MS, 10_000, memberId, null, CONNECT_PROTOCOL_TYPE, JVM_PROTOCOLS, null);
      } catch (error) {
        const response = (error as ResponseError).response as { errorCode: number; memberId: string };
        if (response?.errorCode !== 79) throw error; // MEMBER_ID_REQUIRED
        memberId = response.memberId;
      }
    }
  }

  test('a JVM worker cannot join a group of ours: the coordinator answers INCONSISTENT_GROUP_PROTOCOL', async (t) => {
    const cluster = new Cluster({ sink: 1 });
    const ours = cluster.start('w1');
    await cluster.settled([ours], 'our worker running');
    const connection = await coordinatorConnection(cluster.group.groupId);
    t.after(() => connection.close());
    await assert.rejects(joinAsJvmWorker(connection, cluster.group.groupId), (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.equal((error.response as { errorCode: number }).errorCode, 23);
      return true;
    });
    assert.equal(ours.running()?.tasks.length, 1, 'our worker kept its work');
  });

  test('our worker cannot join a group of JVM workers: it is refused for good, runs nothing and says why', async (t) => {
    const cluster = new Cluster({ sink: 1 });
    const connection = await coordinatorConnection(cluster.group.groupId);
    const jvm = await joinAsJvmWorker(connection, cluster.group.groupId);
    await syncGroupV5.api.async(connection, cluster.group.groupId, jvm.generationId, jvm.memberId!, null, CONNECT_PROTOCOL_TYPE, jvm.protocolName, [
      { memberId: jvm.memberId!, assignment: Buffer.from([0, 1]) },
    ]);
    const heartbeats = setInterval(() => heartbeatV4.api(connection, cluster.group.groupId, jvm.generationId, jvm.memberId!, null, () => {}), HEARTBEAT_MS);
    t.after(async () => {
      clearInterval(heartbeats);
      await leaveGroupV5.api.async(connection, cluster.group.groupId, [{ memberId: jvm.memberId!, groupInstanceId: null, reason: null }]).catch(() => {});
      await connection.close();
    });

    const ours = cluster.start('w1');
    const fatal = await waitFor('our worker to be refused', () => cluster.log.events.find((e) => e.worker === 'w1' && e.kind === 'fatal'));
    assert.equal(fatal.kind === 'fatal' && fatal.error.error, 'INCONSISTENT_GROUP_PROTOCOL');
    assert.equal(ours.running(), null);
    assert.equal(ours.coordinator.leaderUrl(), null);
    assert.ok(ours.logs.some((l) => l.includes('INCONSISTENT_GROUP_PROTOCOL')));
    await ours.coordinator.stop();
  });
});

describe('stop', () => {
  test('is bounded while a join is pending, and closes every connection it opened', async () => {
    const sockets = socketsToPort(BROKER_PORT);
    // w1 takes long to stop its work, so w2's JoinGroup waits at the coordinator for w1's rejoin
    const cluster = new Cluster({ sink: 2 });
    const w1 = cluster.start('w1', { revokeMs: 4000 });
    await cluster.settled([w1], 'w1 running alone');
    const w2 = cluster.start('w2');
    await waitFor('w1 to start revoking for w2', () => cluster.log.events.some((e) => e.worker === 'w1' && e.kind === 'revoke-started'));
    await waitFor('w2 to send its JoinGroup', () => w2.logs.some((l) => l.includes('(Re-)joining group')));

    const stopping = Date.now();
    await w2.coordinator.stop(2000);
    assert.ok(Date.now() - stopping < 2500, `stop took ${Date.now() - stopping} ms`);
    await w1.coordinator.stop(10_000);
    assert.equal(await settledSocketsToPort(BROKER_PORT, sockets), sockets, 'every socket to the broker closed');
    assert.equal(w1.running(), null);
  });
});
