/**
 * KafkaStatusStore on the real broker: two stores in one process stand for two workers sharing a status
 * topic (5 partitions, as Kafka creates it). Kafka's generation rules decide which status stands when
 * workers of different generations write the same task.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import pino from 'pino';
import { internalTopics } from '../../src/runtime/distributed/internal-topics.js';
import { KafkaStatusStore } from '../../src/runtime/distributed/kafka-status-store.js';
import { stackAddresses, uniqueName } from '../helpers/stack.js';

const BOOTSTRAP = stackAddresses().kafkaBootstrap;
const logger = pino({ level: 'silent' });

function statusTopic() {
  const base = uniqueName('status');
  return internalTopics({
    'config.storage.topic': `${base}_configs`,
    'offset.storage.topic': `${base}_offsets`,
    'status.storage.topic': base,
    'status.storage.replication.factor': '1',
  }).status;
}

async function startStore(t: TestContext, topic: ReturnType<typeof statusTopic>): Promise<KafkaStatusStore> {
  const store = new KafkaStatusStore({ topic, client: { brokers: [BOOTSTRAP], clientId: uniqueName('status_store') }, logger, fetchMaxWaitMs: 200 });
  t.after(() => store.stop());
  await store.start();
  return store;
}

const status = (state: string, workerId: string, generation: number, extra: { trace?: string; version?: string } = {}) => ({
  state,
  trace: extra.trace ?? null,
  workerId,
  generation,
  ...(extra.version ? { version: extra.version } : {}),
});

describe('KafkaStatusStore', () => {
  test('a write is visible to its writer at once, and to another worker once read', async (t) => {
    const topic = statusTopic();
    const a = await startStore(t, topic);
    const b = await startStore(t, topic);

    a.putConnector('sink', status('RUNNING', 'a:8083', 1, { version: '0.1.0' }));
    a.putTask('sink', 0, status('RUNNING', 'a:8083', 1, { version: '0.1.0' }));
    a.putTask('sink', 1, status('FAILED', 'a:8083', 1, { trace: 'java.lang.Error: boom\n\tat x\n' }));
    assert.equal(a.getConnector('sink')?.state, 'RUNNING', 'no read needed');

    await a.flush();
    await b.readToEnd();
    assert.deepEqual(b.getConnector('sink'), status('RUNNING', 'a:8083', 1, { version: '0.1.0' }));
    assert.deepEqual(b.tasks('sink'), [
      { task: 0, status: status('RUNNING', 'a:8083', 1, { version: '0.1.0' }) },
      { task: 1, status: status('FAILED', 'a:8083', 1, { trace: 'java.lang.Error: boom\n\tat x\n' }) },
    ]);
    assert.deepEqual(b.connectors(), ['sink']);

    const late = await startStore(t, topic);
    assert.deepEqual(late.tasks('sink'), b.tasks('sink'), 'a worker started later reads the same');
  });

  test("putSafe does not overwrite a newer generation's status written by another worker", async (t) => {
    const topic = statusTopic();
    const a = await startStore(t, topic);
    const b = await startStore(t, topic);
    a.putTask('sink', 0, status('RUNNING', 'a:8083', 5));
    await a.flush();
    await b.readToEnd();

    assert.equal(b.putTaskSafe('sink', 0, status('UNASSIGNED', 'b:8083', 4)), false, 'older generation, other worker: skipped');
    assert.equal(b.getTask('sink', 0)?.state, 'RUNNING');
    assert.equal(a.putTaskSafe('sink', 0, status('PAUSED', 'a:8083', 3)), true, 'the same worker may always write');
    await a.flush();
    await b.readToEnd();
    assert.equal(b.getTask('sink', 0)?.state, 'PAUSED');

    assert.equal(b.putTaskSafe('sink', 0, status('RUNNING', 'b:8083', 6)), true, 'a newer generation may overwrite');
    assert.equal(b.putConnectorSafe('sink', status('RUNNING', 'b:8083', 6)), true, 'nothing there yet');
    await b.flush();
    await a.readToEnd();
    assert.deepEqual(a.getTask('sink', 0), status('RUNNING', 'b:8083', 6));
    assert.deepEqual(a.getConnector('sink'), status('RUNNING', 'b:8083', 6));
  });

  test('an UNASSIGNED read from the topic does not replace a RUNNING of the same or a newer generation', async (t) => {
    const topic = statusTopic();
    const a = await startStore(t, topic);
    const b = await startStore(t, topic);
    const reader = await startStore(t, topic);
    a.putTask('sink', 0, status('RUNNING', 'a:8083', 7));
    await a.flush();
    // a worker that had not seen the task start elsewhere
    b.putTask('sink', 0, status('UNASSIGNED', 'b:8083', 7));
    await b.flush();
    await reader.readToEnd();
    assert.deepEqual(reader.getTask('sink', 0), status('RUNNING', 'a:8083', 7));

    b.putTask('sink', 0, status('UNASSIGNED', 'b:8083', 8));
    await b.flush();
    await reader.readToEnd();
    assert.deepEqual(reader.getTask('sink', 0), status('UNASSIGNED', 'b:8083', 8));
  });

  test("a worker's own write gives way to a later write of another worker once the topic is read", async (t) => {
    const topic = statusTopic();
    const a = await startStore(t, topic);
    const b = await startStore(t, topic);
    a.putConnector('sink', status('RUNNING', 'a:8083', 2));
    await a.flush();
    await b.readToEnd();
    b.putConnector('sink', status('FAILED', 'b:8083', 3, { trace: 'boom' }));
    await b.flush();
    await a.readToEnd();
    assert.deepEqual(a.getConnector('sink'), status('FAILED', 'b:8083', 3, { trace: 'boom' }));
  });

  test('removing a connector removes its status and its task statuses for every worker', async (t) => {
    const topic = statusTopic();
    const a = await startStore(t, topic);
    const b = await startStore(t, topic);
    for (const name of ['gone', 'kept']) {
      a.putConnector(name, status('RUNNING', 'a:8083', 1));
      a.putTask(name, 0, status('RUNNING', 'a:8083', 1));
      a.putTask(name, 1, status('RUNNING', 'a:8083', 1));
    }
    a.removeTask('kept', 1);
    a.removeConnector('gone');
    assert.equal(a.getConnector('gone'), undefined, 'gone for the writer at once');
    assert.deepEqual(a.tasks('gone'), []);

    await a.flush();
    await b.readToEnd();
    assert.equal(b.getConnector('gone'), undefined);
    assert.deepEqual(b.tasks('gone'), []);
    assert.deepEqual(
      b.tasks('kept').map((t) => t.task),
      [0],
    );
    assert.deepEqual(b.connectors(), ['kept']);
    const late = await startStore(t, topic);
    assert.deepEqual(late.connectors(), ['kept']);
  });

  test('active topics are recorded and reset', async (t) => {
    const topic = statusTopic();
    const a = await startStore(t, topic);
    const b = await startStore(t, topic);
    a.putTopic({ connector: 'sink', topic: 'orders', task: 0, discoverTimestamp: 1_700_000_000_000 });
    a.putTopic({ connector: 'sink', topic: 'invoices', task: 1, discoverTimestamp: 1_700_000_000_001 });
    await a.flush();
    await b.readToEnd();
    assert.deepEqual(
      b.activeTopics('sink').map((s) => `${s.topic} by task ${s.task}`),
      ['invoices by task 1', 'orders by task 0'],
    );
    b.deleteTopic('sink', 'orders');
    await b.flush();
    await a.readToEnd();
    assert.deepEqual(
      a.activeTopics('sink').map((s) => s.topic),
      ['invoices'],
    );
    assert.equal(a.getTopic('sink', 'orders'), undefined);
  });

  test('a status without a generation gets the generation last written', async (t) => {
    const topic = statusTopic();
    const a = await startStore(t, topic);
    a.putConnector('sink', status('RUNNING', 'a:8083', 4));
    a.putTask('sink', 0, { state: 'RUNNING', trace: null, workerId: 'a:8083' });
    assert.equal(a.getTask('sink', 0)?.generation, 4);
  });
});
