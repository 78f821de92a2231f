import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commitCycles, fixtureWithTopic, groupMembers, recorder, uniqueName, waitFor } from './worker-fixture.js';

const ids = (name: string) =>
  recorder(name)
    .puts.flat()
    .map((r) => (r.value as { id: number }).id);

test('PAUSED stops delivery while the consumer stays in its group; resuming delivers everything, once', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'pause');
  // a connector of the same worker on the same topic that is never paused: what it receives, the
  // paused one could have received too
  const witness = uniqueName('pause-witness');
  await f.startConnector(name, { topics: topic });
  await f.startConnector(witness, { topics: topic });
  await f.produce(topic, [{ id: 1 }]);
  await waitFor('the first record', () => ids(name).length === 1 && ids(witness).length === 1);

  await f.worker.setTargetState(name, 'PAUSED');
  assert.equal(f.listener.connectors.get(name)?.at(-1), 'PAUSED');
  // the task applies it in its thread, then reports it (as in Kafka, the report follows the request)
  await waitFor('the task PAUSED', () => f.listener.taskState(name)?.state === 'PAUSED');
  const cyclesBefore = commitCycles(name);
  await f.produce(topic, [{ id: 2 }, { id: 3 }]);
  // the records were there to fetch (the running witness got them) and the paused task kept running its
  // loop (several more commit cycles) in the meantime
  await waitFor('the witness to receive the records produced while paused', () => ids(witness).length === 3);
  await waitFor('three more commit cycles of the paused task', () => commitCycles(name) >= cyclesBefore + 3);
  assert.deepEqual(ids(name), [1], 'nothing is delivered while paused');
  assert.deepEqual(await groupMembers(f.admin, `connect-${name}`), { state: 'Stable', members: 1 }, 'the paused task keeps its partitions');

  await f.worker.setTargetState(name, 'STARTED');
  await waitFor('the task RUNNING', () => f.listener.taskState(name)?.state === 'RUNNING');
  await waitFor('the records produced while paused', () => ids(name).length === 3);
  assert.deepEqual(ids(name), [1, 2, 3]);
  await waitFor('the commit', async () => (await f.committed(`connect-${name}`))[`${topic}-0`] === 3);
});

test('stopping a paused task commits and leaves the group', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'pause-stop');
  await f.startConnector(name, { topics: topic });
  await f.produce(topic, [{ id: 1 }, { id: 2 }]);
  await waitFor('the records', () => ids(name).length === 2);
  await f.worker.setTargetState(name, 'PAUSED');
  await f.worker.stopTask({ connector: name, task: 0 });
  assert.deepEqual(await f.committed(`connect-${name}`), { [`${topic}-0`]: 2 });
  // the consumer leaves the group right after the stop, in the background
  await waitFor('the group empty', async () => (await groupMembers(f.admin, `connect-${name}`)).state === 'Empty');
});
