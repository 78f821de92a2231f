/**
 * Can a client serve the distributed herder's group membership (issue 18)? Kafka Connect workers join
 * their group with the protocol type `connect` (not `consumer`), put their own metadata in JoinGroup and
 * receive connector/task assignments as opaque bytes in SyncGroup. None of the three consumer APIs lets
 * the protocol type be chosen; @platformatic/kafka exports its protocol-level APIs (FindCoordinator,
 * JoinGroup, SyncGroup, Heartbeat, LeaveGroup with every field), so a membership client can be written on
 * it. This probe does that with two members: A joins alone, B joins, A notices the rebalance through its
 * heartbeat and rejoins, the leader assigns each member opaque bytes, both leave. It prints what the
 * broker answered (protocol type, generation, leader, each member's assignment).
 *
 *   node --import tsx bench/clients/connect-protocol.ts
 *
 * The metadata and assignments are placeholders, not Connect's encoding (that is issue 18's work).
 */
import { parseArgs } from 'node:util';
import { Connection, findCoordinatorV6, heartbeatV4, joinGroupV9, leaveGroupV5, syncGroupV5 } from '@platformatic/kafka';

type JoinGroupResponse = joinGroupV9.JoinGroupResponse;

const { values } = parseArgs({ options: { bootstrap: { type: 'string', default: process.env.KAFKA_BOOTSTRAP } } });
if (!values.bootstrap) throw new Error('set KAFKA_BOOTSTRAP or pass --bootstrap');
const [host, port] = values.bootstrap.split(':');
const group = `kclient-connect-${Date.now()}`;
const PROTOCOL_TYPE = 'connect';
const PROTOCOL = 'sessioned';
const SESSION_MS = 10_000;
const REBALANCE_MS = 60_000;

async function open(toHost: string, toPort: number, clientId: string): Promise<Connection> {
  const connection = new Connection(clientId);
  await connection.connect(toHost, toPort);
  return connection;
}

/** the needsRejoin protocol error a JoinGroup without a member id gets (MEMBER_ID_REQUIRED), or null */
function rejoinMemberId(error: unknown): string | null {
  const found = (error as { findBy?: (key: string, value: unknown) => { memberId?: string } | undefined }).findBy?.('needsRejoin', true);
  return found?.memberId ?? null;
}

async function join(connection: Connection, memberId: string, metadata: string): Promise<JoinGroupResponse> {
  const protocols = [{ name: PROTOCOL, metadata: Buffer.from(metadata) }];
  try {
    return await joinGroupV9.api.async(connection, group, SESSION_MS, REBALANCE_MS, memberId, null, PROTOCOL_TYPE, protocols, null);
  } catch (error) {
    const assigned = rejoinMemberId(error);
    if (assigned === null || memberId !== '') throw error;
    return join(connection, assigned, metadata);
  }
}

async function sync(connection: Connection, joined: JoinGroupResponse, assignments: Map<string, string>): Promise<string> {
  const list = [...assignments].map(([memberId, text]) => ({ memberId, assignment: Buffer.from(text) }));
  const synced = await syncGroupV5.api.async(connection, group, joined.generationId, joined.memberId ?? '', null, PROTOCOL_TYPE, PROTOCOL, list);
  return synced.assignment.toString();
}

/** the leader's assignment: every member's metadata echoed back with its share (placeholder for Connect's) */
function assign(joined: JoinGroupResponse): Map<string, string> {
  const out = new Map<string, string>();
  for (const [i, member] of joined.members.entries()) {
    out.set(member.memberId, `tasks for worker ${member.metadata?.toString()} (#${i + 1} of ${joined.members.length})`);
  }
  return out;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const bootstrap = await open(host, Number(port), 'kclient-connect-probe');
const coordinator = (await findCoordinatorV6.api.async(bootstrap, 0, [group])).coordinators[0];
await bootstrap.close();
const a = await open(coordinator.host, coordinator.port, 'worker-a');
const b = await open(coordinator.host, coordinator.port, 'worker-b');

const aJoined = await join(a, '', 'worker-a:8083');
say(
  `A joined ${group}: protocol type ${aJoined.protocolType}, protocol ${aJoined.protocolName}, generation ${aJoined.generationId}, leader ${aJoined.leader === aJoined.memberId ? 'A' : 'other'}`,
);
say(`A's assignment: ${await sync(a, aJoined, assign(aJoined))}`);

const bJoining = join(b, '', 'worker-b:8083');
const started = performance.now();
let aRejoined: JoinGroupResponse | null = null;
while (aRejoined === null) {
  try {
    await heartbeatV4.api.async(a, group, aJoined.generationId, aJoined.memberId ?? '', null);
    await new Promise((resolve) => setTimeout(resolve, 100));
  } catch {
    // REBALANCE_IN_PROGRESS: rejoin with the same member id, as a Connect worker does
    aRejoined = await join(a, aJoined.memberId ?? '', 'worker-a:8083');
  }
}
const bJoined = await bJoining;
const leader = aRejoined.leader === aRejoined.memberId ? aRejoined : bJoined;
const [aAssignment, bAssignment] = await Promise.all([
  sync(a, aRejoined, leader === aRejoined ? assign(aRejoined) : new Map()),
  sync(b, bJoined, leader === bJoined ? assign(bJoined) : new Map()),
]);
say(
  `B joined: generation ${bJoined.generationId}, protocol type ${bJoined.protocolType}, ${leader.members.length} members, rebalance ${Math.round(performance.now() - started)} ms`,
);
say(`A's assignment: ${aAssignment}`);
say(`B's assignment: ${bAssignment}`);
await leaveGroupV5.api.async(a, group, [{ memberId: aRejoined.memberId ?? '', groupInstanceId: null, reason: 'probe done' }]);
await leaveGroupV5.api.async(b, group, [{ memberId: bJoined.memberId ?? '', groupInstanceId: null, reason: 'probe done' }]);
await Promise.all([a.close(), b.close()]);
say('both left');
