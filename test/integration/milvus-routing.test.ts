/**
 * Topic → collection routing end to end, through the real service, Kafka and Milvus: one connector reads
 * three topics; two go to collections named after them by `collection.name=route_${topic}` (a `-` in a
 * topic becomes `_`), the third to the collection `topic.to.collection` maps it to.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { waitUntil, type ConnectProcess } from '../helpers/connect-process.js';
import { queryRows } from '../helpers/milvus-fixtures.js';
import {
  article,
  collectionFor,
  committedOffsets,
  createConnector,
  createTopic,
  fileCleanup,
  produce,
  quickStartConfig,
  startService,
  uniqueName,
  waitForCount,
  waitForState,
} from './e2e-fixture.js';

let service: ConnectProcess;

before(async () => {
  service = await startService(fileCleanup);
});

test('two topics routed by ${topic} and one by topic.to.collection each land in their own collection, offsets committed for all', async (t) => {
  const base = uniqueName('rt');
  const topics = { orders: `${base}-orders`, users: `${base}-users`, clicks: `${base}-clicks` };
  const collections = { orders: `route_${base}_orders`, users: `route_${base}_users`, clicks: `mapped_${base}` };
  const counts = { orders: 5, users: 3, clicks: 4 };
  for (const key of Object.keys(topics) as (keyof typeof topics)[]) {
    await createTopic(topics[key]);
    await collectionFor(t, collections[key]);
  }
  const name = uniqueName('routing');
  await createConnector(
    t,
    service,
    name,
    quickStartConfig('route_${topic}', Object.values(topics).join(','), { 'topic.to.collection': `${topics.clicks}:${collections.clicks}` }),
  );
  await waitForState(service, name, 'RUNNING', 'RUNNING');

  // interleaved, so that the task's batches would mix collections if it let them
  for (let i = 0; i < 5; i++) {
    for (const key of Object.keys(topics) as (keyof typeof topics)[]) {
      if (i < counts[key]) await produce(topics[key], [{ key: String(i), value: article(i, { title: `${key} ${i}` }) }]);
    }
  }

  for (const key of Object.keys(topics) as (keyof typeof topics)[]) {
    await waitForCount(service, collections[key], name, counts[key]);
    const titles = (await queryRows(collections[key], ['title'])).map((r) => r.title).sort();
    assert.deepEqual(
      titles,
      Array.from({ length: counts[key] }, (_, i) => `${key} ${i}`),
      `${collections[key]} holds the records of ${topics[key]} and no others`,
    );
  }
  const expected = Object.fromEntries((Object.keys(topics) as (keyof typeof topics)[]).map((key) => [`${topics[key]}-0`, counts[key]]));
  await waitUntil(
    'the offsets of every topic committed',
    async () => {
      const committed = await committedOffsets(service, name);
      return Object.entries(expected).every(([partition, offset]) => committed[partition] === offset);
    },
    {
      describe: () => committedOffsets(service, name),
    },
  );
});
