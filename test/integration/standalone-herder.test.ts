/**
 * The herder driving the real StandaloneWorker against the real Kafka broker of the test stack, with
 * desired state in SQLite: the whole control path a REST request takes, minus HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StandaloneHerder } from '../../src/runtime/herder/standalone-herder.js';
import { createFixture, type Fixture, realHerder, recorder, RECORDING_SINK, uniqueName, waitFor } from './worker-fixture.js';

describe('StandaloneHerder with the real worker and Kafka', () => {
  let kafka: Fixture;
  let herder: StandaloneHerder;
  let closeHerder: () => Promise<void>;

  before(async () => {
    // the fixture's admin/producer feed and inspect Kafka; the herder gets its own worker
    kafka = await createFixture();
    ({ herder, close: closeHerder } = await realHerder());
  });

  after(async () => {
    await closeHerder();
    await kafka.close();
  });

  test('create consumes; stop, alter and reset offsets; resume replays from the reset position; delete keeps offsets', async () => {
    const topic = uniqueName('herder-it');
    const name = uniqueName('herder-conn');
    await kafka.createTopic(topic);
    await kafka.produce(topic, [{ id: 1 }, { id: 2 }, { id: 3 }]);

    const info = await herder.createConnector({ name, config: { 'connector.class': RECORDING_SINK, topics: topic } });
    assert.deepEqual(info.tasks, [{ connector: name, task: 0 }]);
    const seen = (): number => recorder(name).puts.flat().length;
    await waitFor('three records put', () => seen() >= 3);
    assert.equal((await herder.connectorStatus(name)).tasks[0].state, 'RUNNING');
    await waitFor('offsets committed', async () => (await kafka.committed(`connect-${name}`))[`${topic}-0`] === 3);
    assert.deepEqual(await herder.connectorActiveTopics(name), { [name]: { topics: [topic] } });

    // offsets can be read any time, but only changed once stopped
    assert.deepEqual(await herder.connectorOffsets(name), {
      offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 3 } }],
    });
    await assert.rejects(herder.resetConnectorOffsets(name), /must be in the STOPPED state/);
    await herder.stopConnector(name);
    // the stop is recorded at once; the task stops in the background
    await herder.idle();
    assert.deepEqual((await herder.connectorStatus(name)).tasks, []);
    assert.equal((await herder.connectorStatus(name)).connector.state, 'STOPPED');

    const altered = await herder.alterConnectorOffsets(name, {
      offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 1 } }],
    });
    assert.match(altered.message, /framework-managed offsets for this connector have been altered successfully/);
    assert.deepEqual(await kafka.committed(`connect-${name}`), { [`${topic}-0`]: 1 });

    await herder.resumeConnector(name);
    await herder.idle();
    await waitFor('records 2 and 3 replayed', () => seen() >= 5);
    assert.deepEqual(
      recorder(name)
        .puts.flat()
        .slice(3)
        .map((r) => r.kafkaOffset),
      [1, 2],
    );

    await herder.deleteConnector(name);
    await assert.rejects(herder.connectorStatus(name), /No status found/);
    // the task stops in the background, committing what it put; the group and its offsets stay
    await herder.idle();
    await waitFor('the last commit', async () => (await kafka.committed(`connect-${name}`))[`${topic}-0`] === 3);
  });
});
