/**
 * Single message transforms end to end, through the real service, Kafka and Milvus: one connector config
 * unwraps, casts, drops tombstones, renames the topic and inserts a field, and the rows land in the
 * collection named after the renamed topic while offsets are committed on the topic consumed; a record a
 * transformation cannot handle goes to the dead-letter queue under errors.tolerance=all.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { waitUntil, type ConnectProcess } from '../helpers/connect-process.js';
import { queryRows } from '../helpers/milvus-fixtures.js';
import {
  article,
  collectionFor,
  committedOffsets,
  consumeRecords,
  createConnector,
  createTopic,
  fileCleanup,
  produce,
  quickStartConfig,
  startService,
  status,
  uniqueName,
  waitForCount,
  waitForState,
} from './e2e-fixture.js';

let service: ConnectProcess;

before(async () => {
  service = await startService(fileCleanup);
});

const T = 'org.apache.kafka.connect.transforms';

/** An article as an upstream system might wrap it: inside `doc`, its id as text, its title as a number, no link. */
function wrapped(i: number): Record<string, unknown> {
  const { id, link: _link, ...rest } = article(i);
  return { doc: { ...rest, id: String(id), title: 100 + i }, source: 'upstream' };
}

test('ExtractField, Cast, Filter on tombstones, RegexRouter and InsertField: rows in the routed collection, offsets on the consumed topic', async (t) => {
  const base = uniqueName('smt');
  const source = `${base}_src`;
  const routed = `${base}_dst`;
  await createTopic(source);
  await collectionFor(t, routed);
  const name = uniqueName('transforms');
  await createConnector(
    t,
    service,
    name,
    quickStartConfig('${topic}', source, {
      transforms: 'dropTombstones,unwrap,cast,route,addLink',
      'transforms.dropTombstones.type': `${T}.Filter`,
      'transforms.dropTombstones.predicate': 'isTombstone',
      'transforms.unwrap.type': `${T}.ExtractField$Value`,
      'transforms.unwrap.field': 'doc',
      'transforms.cast.type': `${T}.Cast$Value`,
      'transforms.cast.spec': 'id:int64,title:string',
      'transforms.route.type': `${T}.RegexRouter`,
      'transforms.route.regex': '(.*)_src',
      'transforms.route.replacement': '$1_dst',
      'transforms.addLink.type': `${T}.InsertField$Value`,
      'transforms.addLink.static.field': 'link',
      'transforms.addLink.static.value': 'https://example.org/inserted',
      predicates: 'isTombstone',
      'predicates.isTombstone.type': `${T}.predicates.RecordIsTombstone`,
    }),
  );
  await waitForState(service, name, 'RUNNING', 'RUNNING');

  await produce(source, [
    { key: '0', value: wrapped(0) },
    { key: '1', value: wrapped(1) },
    { key: '"gone"', value: null },
    { key: '2', value: wrapped(2) },
    { key: '3', value: wrapped(3) },
  ]);

  await waitForCount(service, routed, name, 4);
  const rows = (await queryRows(routed, ['id', 'title', 'link'])).map((r) => [Number(r.id), r.title, r.link]).sort((a, b) => Number(a[0]) - Number(b[0]));
  assert.deepEqual(rows, [
    [0, '100', 'https://example.org/inserted'],
    [1, '101', 'https://example.org/inserted'],
    [2, '102', 'https://example.org/inserted'],
    [3, '103', 'https://example.org/inserted'],
  ]);
  // the tombstone the Filter dropped is committed too: the next offset is 5, on the topic consumed
  await waitUntil(
    `offset 5 committed on ${source}`,
    async () => {
      const committed = await committedOffsets(service, name);
      return committed[`${source}-0`] === 5 && !Object.keys(committed).some((tp) => tp.startsWith(routed)) ? committed : undefined;
    },
    { describe: () => committedOffsets(service, name) },
  );
});

test('after a rename, an offset is committed only once the record is in Milvus: the sink tracks it by the topic consumed', async (t) => {
  const base = uniqueName('smt_linger');
  const source = `${base}_src`;
  const routed = `${base}_dst`;
  await createTopic(source);
  await collectionFor(t, routed);
  const name = uniqueName('transforms_linger');
  const lingerMs = 5000;
  await createConnector(
    t,
    service,
    name,
    quickStartConfig('${topic}', source, {
      transforms: 'route',
      'transforms.route.type': `${T}.RegexRouter`,
      'transforms.route.regex': '(.*)_src',
      'transforms.route.replacement': '$1_dst',
      // the row waits in a partial batch this long: commits (every 200 ms) must not pass it meanwhile
      'batch.linger.ms': String(lingerMs),
    }),
  );
  await waitForState(service, name, 'RUNNING', 'RUNNING');
  await produce(source, [{ key: '0', value: article(0) }]);
  const committedWhilePending: Array<Record<string, number>> = [];
  await waitUntil(
    `the row in ${routed}`,
    async () => {
      const committed = await committedOffsets(service, name);
      const rows = await queryRows(routed, ['id']);
      if (rows.length === 0 && committed[`${source}-0`] !== undefined && committed[`${source}-0`] > 0) committedWhilePending.push(committed);
      return rows.length === 1;
    },
    { timeoutMs: lingerMs * 4 },
  );
  assert.deepEqual(committedWhilePending, [], 'no offset past the record was committed before its row was written');
  await waitUntil(`offset 1 committed on ${source}`, async () => (await committedOffsets(service, name))[`${source}-0`] === 1, {
    describe: () => committedOffsets(service, name),
  });
});

test('a record a transformation cannot handle goes to the dead-letter queue with the TRANSFORMATION context; the others land', async (t) => {
  const topic = uniqueName('smt_dlq');
  const dlq = uniqueName('smt_dead');
  await createTopic(topic);
  await collectionFor(t, topic);
  const name = uniqueName('transforms_dlq');
  await createConnector(
    t,
    service,
    name,
    quickStartConfig(topic, topic, {
      transforms: 'cast',
      'transforms.cast.type': `${T}.Cast$Value`,
      'transforms.cast.spec': 'id:int64',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    }),
  );
  await waitForState(service, name, 'RUNNING', 'RUNNING');
  const bad = { ...article(1), id: 'one' };
  await produce(topic, [
    { key: '0', value: { ...article(0), id: '0' } },
    { key: '1', value: bad, headers: { origin: 'e2e' } },
    { key: '2', value: { ...article(2), id: '2' } },
  ]);

  await waitForCount(service, topic, name, 2);
  assert.deepEqual((await queryRows(topic, ['id'])).map((r) => Number(r.id)).sort(), [0, 2]);
  const [dead] = await consumeRecords(dlq, 1);
  assert.equal(dead.key, '1');
  assert.equal(dead.value, JSON.stringify(bad));
  assert.equal(dead.headers.origin, 'e2e');
  assert.equal(dead.headers['__connect.errors.stage'], 'TRANSFORMATION');
  assert.equal(dead.headers['__connect.errors.class.name'], `${T}.Cast$Value`);
  assert.equal(dead.headers['__connect.errors.topic'], topic);
  assert.equal(dead.headers['__connect.errors.partition'], '0');
  assert.equal(dead.headers['__connect.errors.offset'], '1');
  assert.equal(dead.headers['__connect.errors.exception.message'], 'Value (one) was out of range for requested data type');
  assert.equal((await status(service, name))?.tasks[0].state, 'RUNNING');
  await waitUntil('offset 3 committed', async () => (await committedOffsets(service, name))[`${topic}-0`] === 3, {
    describe: () => committedOffsets(service, name),
  });
});

test('under errors.tolerance=none a failing transformation fails the task with a trace naming topic, partition, offset and class', async (t) => {
  const topic = uniqueName('smt_fail');
  await createTopic(topic);
  await collectionFor(t, topic);
  const name = uniqueName('transforms_fail');
  await createConnector(
    t,
    service,
    name,
    quickStartConfig(topic, topic, { transforms: 'cast', 'transforms.cast.type': `${T}.Cast$Value`, 'transforms.cast.spec': 'id:int64' }),
  );
  await waitForState(service, name, 'RUNNING', 'RUNNING');
  await produce(topic, [{ value: { ...article(0), id: 'zero' } }]);
  const failed = await waitUntil(
    'task FAILED',
    async () => {
      const s = await status(service, name);
      return s?.tasks[0]?.state === 'FAILED' ? s : undefined;
    },
    { describe: () => status(service, name) },
  );
  const trace = failed.tasks[0].trace ?? '';
  assert.ok(
    trace.includes(`executing stage 'TRANSFORMATION' with class '${T}.Cast$Value' on the record topic='${topic}', partition=0, offset=0`),
    `the trace names stage, class and record: ${trace}`,
  );
});

test('a connector config whose transformation is wrongly configured is refused with the errors of its keys', async () => {
  const res = await service.request<{ error_code: number; message: string }>('POST', '/connectors', {
    name: uniqueName('transforms_bad'),
    config: quickStartConfig('c', 't', {
      transforms: 'route,f',
      'transforms.route.type': `${T}.RegexRouter`,
      'transforms.f.type': 'Filter',
      'transforms.f.negate': 'true',
    }),
  });
  assert.equal(res.status, 400);
  assert.match(res.body.message, /Missing required configuration "transforms\.route\.regex" which has no default value\./);
  assert.match(
    res.body.message,
    /Config 'transforms\.f\.negate' was provided but there is no config 'transforms\.f\.predicate' defining a predicate to be negated\./,
  );
});

test('REST: the plugins list shows every transformation and predicate, and their ConfigDefs answer by class name', async () => {
  const listed = await service.request<Array<{ class: string; type: string; version?: string }>>('GET', '/connector-plugins?connectorsOnly=false');
  assert.equal(listed.status, 200);
  const transformations = listed.body.filter((p) => p.type === 'transformation');
  const predicates = listed.body.filter((p) => p.type === 'predicate');
  assert.equal(transformations.length, 26);
  assert.deepEqual(
    predicates.map((p) => [p.class, p.version]),
    [
      [`${T}.predicates.HasHeaderKey`, '4.1.1'],
      [`${T}.predicates.RecordIsTombstone`, '4.1.1'],
      [`${T}.predicates.TopicNameMatches`, '4.1.1'],
    ],
  );
  const config = await service.request<Array<{ name: string }>>('GET', `/connector-plugins/${encodeURIComponent(`${T}.InsertField$Value`)}/config`);
  assert.equal(config.status, 200);
  assert.deepEqual(
    config.body.map((k) => k.name),
    ['topic.field', 'partition.field', 'offset.field', 'timestamp.field', 'static.field', 'static.value', 'replace.null.with.default'],
  );
  const validated = await service.request<{ error_count: number; groups: string[] }>('PUT', '/connector-plugins/MilvusSink/config/validate', {
    ...quickStartConfig('c', 't'),
    name: 'v',
    transforms: 'route',
    'transforms.route.type': 'RegexRouter',
    'transforms.route.regex': '(.*)',
    'transforms.route.replacement': 'x_$1',
  });
  assert.equal(validated.status, 200);
  assert.ok(validated.body.groups.includes('Transforms: route'), JSON.stringify(validated.body.groups));
});
