import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commitCycles, fixtureFor, fixtureWithTopic, groupMembers, recorder, uniqueName, waitFor } from './worker-fixture.js';

test('records reach put() in offset order, converted, with key, headers and (with a DLQ) raw bytes; the offsets are committed', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'flow');
  await f.produce(topic, [{ id: 1 }, { id: 2 }, { id: 3 }]);
  // the original bytes are kept for the dead-letter queue only
  await f.startConnector(name, { topics: topic, 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': uniqueName('it-flow-dlq') });

  await waitFor('three records', () => recorder(name).puts.flat().length >= 3);
  const records = recorder(name).puts.flat();
  assert.deepEqual(
    records.map((r) => r.value),
    [{ id: 1 }, { id: 2 }, { id: 3 }],
  );
  assert.deepEqual(
    records.map((r) => r.kafkaOffset),
    [0, 1, 2],
  );
  assert.equal(records[0].key, 'k0');
  assert.equal(Buffer.from(records[0].rawValue!).toString(), '{"id":1}');
  assert.deepEqual(
    records[0].headers.map((h) => [h.key, Buffer.from(h.value!).toString()]),
    [['origin', 'it']],
  );
  assert.equal(typeof records[0].timestamp, 'number');
  assert.deepEqual(f.listener.taskState(name), { state: 'RUNNING' });
  assert.deepEqual([...(f.listener.topics.get(name) ?? [])], [topic]);
  await waitFor('the offset after the last record committed', async () => (await f.committed(`connect-${name}`))[`${topic}-0`] === 3);
});

test('offsets are committed only once preCommit says the records are written', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'hold');
  recorder(name).hold = true;
  await f.startConnector(name, { topics: topic });
  await f.produce(topic, [{ id: 1 }, { id: 2 }]);
  await waitFor('both records put', () => recorder(name).puts.flat().length === 2);
  // Commit cycles run one at a time: once a second cycle was offered offset 2, the first one's commit
  // (had it ignored the empty preCommit answer) has been acknowledged by the broker.
  await waitFor('two commit cycles offered offset 2', () => commitCycles(name, `${topic}-0=2`) >= 2);
  assert.deepEqual(await f.committed(`connect-${name}`), {}, 'nothing is committed while the task holds its offsets back');
  recorder(name).hold = false;
  await waitFor('the commit once released', async () => (await f.committed(`connect-${name}`))[`${topic}-0`] === 2);
});

test('stopTask commits, closes and stops the task and leaves the consumer group empty', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'stop');
  recorder(name).hold = false;
  await f.startConnector(name, { topics: topic, 'consumer.override.group.id': `${name}-group` });
  await f.produce(topic, [{ id: 1 }]);
  await waitFor('the record put', () => recorder(name).puts.flat().length === 1);
  assert.deepEqual(await groupMembers(f.admin, `${name}-group`), { state: 'Stable', members: 1 }, 'consumer.override.group.id names the group');

  await f.worker.stopTask({ connector: name, task: 0 });
  // the consumer leaves the group right after the stop, in the background
  await waitFor('the group empty', async () => (await groupMembers(f.admin, `${name}-group`)).state === 'Empty');
  assert.deepEqual(await f.committed(`${name}-group`), { [`${topic}-0`]: 1 });
  assert.deepEqual(recorder(name).calls.slice(-2), [`close ${topic}-0`, 'stop']);
  assert.equal(f.listener.taskState(name)?.state, 'UNASSIGNED');
});

test('tasks.max tasks share the partitions of the group; every record is delivered and committed', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'share', { partitions: 2 });
  await f.produce(topic, [{ id: 1 }, { id: 2 }], 0);
  await f.produce(topic, [{ id: 3 }, { id: 4 }], 1);
  await f.startConnector(name, { topics: topic }, 2);
  await waitFor('two members', async () => (await groupMembers(f.admin, `connect-${name}`)).members === 2);
  // the first task in the group takes both partitions; the second one's join moves one over
  const owners = () => [...recorder(name).assignments.values()].map((partitions) => partitions.length).sort();
  await waitFor('each task to own one partition', () => owners().join() === '1,1');
  await f.produce(topic, [{ id: 5 }], 0);
  await f.produce(topic, [{ id: 6 }], 1);
  await waitFor(
    'all six records',
    () =>
      new Set(
        recorder(name)
          .puts.flat()
          .map((r) => (r.value as { id: number }).id),
      ).size === 6,
  );
  await waitFor('both partitions committed', async () => {
    const committed = await f.committed(`connect-${name}`);
    return committed[`${topic}-0`] === 3 && committed[`${topic}-1`] === 3;
  });
  assert.deepEqual(owners(), [1, 1], 'each task still owns one partition');
});

test('topics.regex (a Java regex) subscribes to the matching topics, and to matching topics created later', async (t) => {
  const f = await fixtureFor(t);
  const prefix = uniqueName('it-re');
  await f.createTopic(`${prefix}-a`);
  await f.createTopic(`other-${prefix}-a`);
  await f.produce(`${prefix}-a`, [{ id: 1 }]);
  await f.produce(`other-${prefix}-a`, [{ id: 99 }]);
  const name = uniqueName('regex');
  await f.startConnector(name, { 'topics.regex': `\\Q${prefix}\\E-.*`, 'consumer.override.metadata.max.age.ms': '1000' });
  await waitFor('the record of the matching topic', () => recorder(name).puts.flat().length === 1);

  await f.createTopic(`${prefix}-b`);
  await f.produce(`${prefix}-b`, [{ id: 2 }]);
  await waitFor('the record of the topic created later', () => recorder(name).puts.flat().length === 2);
  assert.deepEqual(
    recorder(name)
      .puts.flat()
      .map((r) => `${r.topic}:${(r.value as { id: number }).id}`),
    [`${prefix}-a:1`, `${prefix}-b:2`],
  );
  assert.deepEqual([...(f.listener.topics.get(name) ?? [])].sort(), [`${prefix}-a`, `${prefix}-b`]);
  assert.deepEqual(f.listener.tasks.get(`${name}-0`), [{ state: 'RUNNING' }]);
});
