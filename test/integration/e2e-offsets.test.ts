/**
 * End to end, through the real service process: what operators do with a running connector's position —
 * pause and resume, stop and rewind or move the committed offsets, reset them — and what users must get
 * from it: nothing lost, nothing duplicated in Milvus.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { waitUntil, type ConnectProcess } from '../helpers/connect-process.js';
import { countRows, deleteRows, queryRows } from '../helpers/milvus-fixtures.js';
import {
  article,
  collectionFor,
  committedOffsets,
  createConnector,
  fileCleanup,
  produce,
  quickStartConfig,
  quickStartConnector,
  startService,
  stopConnector,
  topicAndCollection,
  uniqueName,
  waitForCount,
  waitForState,
} from './e2e-fixture.js';

let service: ConnectProcess;
before(async () => {
  service = await startService(fileCleanup);
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

async function patchOffsets(name: string, topic: string, offset: number | null): Promise<void> {
  const res = await service.request('PATCH', `/connectors/${name}/offsets`, {
    offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: offset === null ? null : { kafka_offset: offset } }],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function resume(name: string): Promise<void> {
  const res = await service.request('PUT', `/connectors/${name}/resume`);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  await waitForState(service, name, 'RUNNING', 'RUNNING');
}

test('replay after rewinding the offsets to 0 leaves exactly one entity per primary key', async (t) => {
  const topic = uniqueName('replay');
  await quickStartConnector(t, service, topic);
  await produce(
    topic,
    range(0, 20).map((i) => ({ value: article(i) })),
  );
  await waitForCount(service, topic, topic, 20);
  await waitUntil('offset 20 committed', async () => (await committedOffsets(service, topic))[`${topic}-0`] === 20);

  await stopConnector(service, topic);
  await patchOffsets(topic, topic, 0);
  assert.deepEqual(await committedOffsets(service, topic), { [`${topic}-0`]: 0 });
  await resume(topic);
  // the commit moves back to 20 only after all 20 records were written to Milvus again
  await waitUntil('offset 20 committed again', async () => (await committedOffsets(service, topic))[`${topic}-0`] === 20, {
    describe: () => committedOffsets(service, topic),
  });
  assert.equal(await countRows(topic), 20);
  assert.equal(new Set((await queryRows(topic, ['id'])).map((r) => String(r.id))).size, 20);
});

test('pause stops ingestion; resume continues with nothing lost', async (t) => {
  const topic = uniqueName('pause');
  await quickStartConnector(t, service, topic);
  // a connector of the same service on the same topic, writing to a collection of its own, that is never
  // paused: once it has written what was produced during the pause, the paused one had its chance too
  const witness = `${topic}_witness`;
  await collectionFor(t, witness);
  await createConnector(t, service, witness, quickStartConfig(witness, topic));
  await produce(
    topic,
    range(0, 3).map((i) => ({ value: article(i) })),
  );
  await waitForCount(service, topic, topic, 3);
  await waitForCount(service, witness, witness, 3);

  const paused = await service.request('PUT', `/connectors/${topic}/pause`);
  assert.equal(paused.status, 202);
  await waitForState(service, topic, 'PAUSED', 'PAUSED');
  await produce(
    topic,
    range(3, 8).map((i) => ({ value: article(i) })),
  );
  await waitForCount(service, witness, witness, 8);
  assert.equal(await countRows(topic), 3, 'records produced while PAUSED reached Milvus');
  assert.equal((await service.request('GET', `/connectors/${topic}/status`)).body.tasks[0].state, 'PAUSED');

  await resume(topic);
  await waitForCount(service, topic, topic, 8);
  assert.deepEqual(
    (await queryRows(topic, ['id'])).map((r) => Number(r.id)).sort((a, b) => a - b),
    range(0, 8),
  );
});

test('stop, PATCH offsets, resume re-ingests from the new offsets; GET shows commits; DELETE resets', async (t) => {
  const topic = uniqueName('offsets');
  await quickStartConnector(t, service, topic);
  await produce(
    topic,
    range(0, 4).map((i) => ({ value: article(i) })),
  );
  await waitForCount(service, topic, topic, 4);
  await waitUntil('offset 4 committed', async () => (await committedOffsets(service, topic))[`${topic}-0`] === 4);

  // offsets can only change while STOPPED
  const early = await service.request('PATCH', `/connectors/${topic}/offsets`, {
    offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 2 } }],
  });
  assert.equal(early.status, 400);
  assert.match(early.body.message, /must be in the STOPPED state/);

  await stopConnector(service, topic);
  assert.deepEqual((await service.request('GET', `/connectors/${topic}/tasks`)).body, []);
  // clear Milvus so that what the connector writes next is visible: only offsets 2 and 3 come back
  await deleteRows(topic, 'id >= 0');
  assert.equal(await countRows(topic), 0);
  await patchOffsets(topic, topic, 2);
  assert.deepEqual(await committedOffsets(service, topic), { [`${topic}-0`]: 2 });
  await resume(topic);
  await waitForCount(service, topic, topic, 2);
  assert.deepEqual((await queryRows(topic, ['id'])).map((r) => Number(r.id)).sort(), [2, 3]);
  await waitUntil('offset 4 committed again', async () => (await committedOffsets(service, topic))[`${topic}-0`] === 4);

  // DELETE resets the consumer group: the next start reads the topic from the beginning (earliest)
  await stopConnector(service, topic);
  const reset = await service.request('DELETE', `/connectors/${topic}/offsets`);
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assert.match(reset.body.message, /reset successfully/);
  assert.deepEqual((await service.request('GET', `/connectors/${topic}/offsets`)).body, { offsets: [] });
  await deleteRows(topic, 'id >= 0');
  await resume(topic);
  await waitForCount(service, topic, topic, 4);
  await waitUntil('offset 4 committed after the reset', async () => (await committedOffsets(service, topic))[`${topic}-0`] === 4);
});

test('a connector stopped while its task is still joining the consumer group leaves no consumer behind: resume ingests everything', async (t) => {
  const topic = uniqueName('early_stop');
  await topicAndCollection(t, topic);
  await produce(
    topic,
    range(0, 3).map((i) => ({ value: article(i) })),
  );
  await createConnector(t, service, topic, quickStartConfig(topic, topic));
  // an operator who stops a connector right after creating it: the consumer is still joining its group
  await waitUntil('task RUNNING', async () => (await service.request('GET', `/connectors/${topic}/status`)).body.tasks?.[0]?.state === 'RUNNING', {
    intervalMs: 20,
  });
  await stopConnector(service, topic);
  // no member may remain in connect-<name> for long: altering offsets needs an empty group. A member the
  // broker still waits for expires after the session timeout (10 s here); the 500 says to retry until then
  let answer: unknown;
  await waitUntil(
    'an empty consumer group (PATCH offsets answering 200)',
    async () => {
      const patched = await service.request('PATCH', `/connectors/${topic}/offsets`, {
        offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } }],
      });
      answer = patched.body;
      return patched.status === 200;
    },
    { timeoutMs: 25_000, intervalMs: 1000, describe: () => answer },
  );
  await resume(topic);
  await waitForCount(service, topic, topic, 3);
});
