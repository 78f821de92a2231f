import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assignEager, type ConfigSnapshot, type GroupWorker } from '../../../src/runtime/distributed/assignor.js';
import { AssignmentError } from '../../../src/runtime/distributed/connect-protocol.js';

function workers(...urls: string[]): GroupWorker[] {
  // member ids in the opposite order of the URLs: the order must come from the URLs
  return urls.map((url, i) => ({ memberId: `connect-${urls.length - i}`, metadata: { url, configOffset: 10 } }));
}

function snapshot(offset: number, connectors: Record<string, number>): ConfigSnapshot {
  return { offset, connectors: new Map(Object.entries(connectors)) };
}

/** url → "connectors | tasks" for a readable comparison */
function byUrl(members: GroupWorker[], assignments: ReturnType<typeof assignEager>): Record<string, string> {
  return Object.fromEntries(
    members.map((m) => {
      const a = assignments.get(m.memberId)!;
      return [m.metadata.url, `${a.connectors.join(',')} | ${a.tasks.map((t) => `${t.connector}-${t.task}`).join(',')}`];
    }),
  );
}

describe('eager assignment', () => {
  test('three workers share one connector with three tasks: one task each', () => {
    const members = workers('http://w1:8083', 'http://w2:8083', 'http://w3:8083');
    const result = assignEager('connect-1', members, snapshot(10, { sink: 3 }));
    assert.deepEqual(byUrl(members, result), {
      'http://w1:8083': 'sink | sink-2',
      'http://w2:8083': ' | sink-0',
      'http://w3:8083': ' | sink-1',
    });
  });

  test('connectors first, then tasks, dealt round-robin with one running turn (as Kafka)', () => {
    const members = workers('http://w1:8083', 'http://w2:8083', 'http://w3:8083');
    const result = assignEager('connect-2', members, snapshot(10, { a: 3, b: 1, c: 1 }));
    assert.deepEqual(byUrl(members, result), {
      'http://w1:8083': 'a | a-0,b-0',
      'http://w2:8083': 'b | a-1,c-0',
      'http://w3:8083': 'c | a-2',
    });
  });

  test('every member is told the leader, its URL and the config offset the assignment was made from', () => {
    const members = workers('http://w1:8083', 'http://w2:8083');
    for (const a of assignEager('connect-1', members, snapshot(10, { a: 1 })).values()) {
      assert.equal(a.error, AssignmentError.NONE);
      assert.equal(a.leaderId, 'connect-1');
      assert.equal(a.leaderUrl, 'http://w2:8083');
      assert.equal(a.configOffset, 10);
    }
  });

  test('a leader that has read further than every member assigns from its own snapshot', () => {
    const members = workers('http://w1:8083', 'http://w2:8083');
    const result = assignEager('connect-1', members, snapshot(15, { a: 1 }));
    assert.deepEqual(
      [...result.values()].map((a) => [a.error, a.configOffset]),
      [
        [AssignmentError.NONE, 15],
        [AssignmentError.NONE, 15],
      ],
    );
  });

  test('a leader behind some member answers CONFIG_MISMATCH with that member’s offset and gives no work', () => {
    const members: GroupWorker[] = [
      { memberId: 'connect-1', metadata: { url: 'http://w1:8083', configOffset: 5 } },
      { memberId: 'connect-2', metadata: { url: 'http://w2:8083', configOffset: 9 } },
    ];
    const result = assignEager('connect-1', members, snapshot(5, { a: 3 }));
    for (const a of result.values()) {
      assert.equal(a.error, AssignmentError.CONFIG_MISMATCH);
      assert.equal(a.configOffset, 9);
      assert.deepEqual([a.connectors, a.tasks], [[], []]);
    }
  });

  test('no connectors: every member gets an empty assignment', () => {
    const members = workers('http://w1:8083', 'http://w2:8083');
    assert.deepEqual(byUrl(members, assignEager('connect-1', members, snapshot(-1, {}))), { 'http://w1:8083': ' | ', 'http://w2:8083': ' | ' });
  });

  test('the same input gives the same assignment whatever order the broker listed the members in', () => {
    const members = workers('http://w1:8083', 'http://w2:8083', 'http://w3:8083');
    const config = snapshot(10, { b: 2, a: 4, c: 1 });
    assert.deepEqual(assignEager('connect-1', [...members].reverse(), config), assignEager('connect-1', members, config));
  });

  test('any cluster: every connector and task is assigned exactly once, and no member has two more than another', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 12 }), { maxKeys: 8 }),
        (size, connectors) => {
          const members = workers(...Array.from({ length: size }, (_, i) => `http://w${i}:8083`));
          const result = [...assignEager(members[0].memberId, members, snapshot(10, connectors)).values()];
          const assignedConnectors = result.flatMap((a) => a.connectors).sort();
          assert.deepEqual(assignedConnectors, Object.keys(connectors).sort());
          const assignedTasks = result.flatMap((a) => a.tasks.map((t) => `${t.connector}/${t.task}`)).sort();
          const expected = Object.entries(connectors).flatMap(([c, n]) => Array.from({ length: n }, (_, t) => `${c}/${t}`));
          assert.deepEqual(assignedTasks, expected.sort());
          const loads = result.map((a) => a.connectors.length + a.tasks.length);
          assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `loads ${loads}`);
        },
      ),
    );
  });

  test('the leader must be a member', () => {
    assert.throws(() => assignEager('gone', workers('http://w1:8083'), snapshot(1, {})), /leader gone is not among the members/);
  });
});
