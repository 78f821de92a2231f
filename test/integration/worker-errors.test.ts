import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureFor, fixtureWithTopic, groupMembers, readTopic, recorder, uniqueName, waitFor } from './worker-fixture.js';

test('a task whose put() throws goes FAILED with a Java-like trace and leaves no consumer behind', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'fail');
  await f.produce(topic, [{ id: 1 }, { id: 2 }]);
  await f.startConnector(name, { topics: topic, 'test.fail.value': '2' });

  const failed = await waitFor('FAILED', () => (f.listener.taskState(name)?.state === 'FAILED' ? f.listener.taskState(name) : null));
  assert.match(failed.trace!, /^ConnectError: Exiting WorkerSinkTask due to unrecoverable exception\.\n {4}at /);
  assert.match(failed.trace!, /\nCaused by: Error: Milvus rejected the row with id 2: dimension mismatch\n {4}at /);
  await waitFor('the group to be left', async () => (await groupMembers(f.admin, `connect-${name}`)).members === 0);
  assert.deepEqual(await f.committed(`connect-${name}`), {}, 'the failed batch is not committed');
  assert.deepEqual(recorder(name).calls.slice(-2), [`close ${topic}-0`, 'stop']);
});

test('a task whose start() throws is FAILED with that trace and never joins the group', async (t) => {
  const f = await fixtureFor(t);
  const topic = uniqueName('it-start');
  const name = uniqueName('start');
  const config = { name, 'connector.class': 'org.example.it.RecordingSinkConnector', topics: topic, 'test.start.error': `Collection not exist${name}` };
  // the task is created, then starts in the background, where start() throws
  assert.equal(await f.worker.startTask({ connector: name, task: 0 }, config, config, 'STARTED', f.listener), true);
  const failed = await waitFor('the task FAILED', () => (f.listener.taskState(name)?.state === 'FAILED' ? f.listener.taskState(name) : undefined));
  assert.match(failed.trace!, new RegExp(`^Error: Collection not exist${name}\\n {4}at `));
  assert.deepEqual(await groupMembers(f.admin, `connect-${name}`), { state: 'Dead', members: 0 });
});

test('RetriableError from put(): the task backs off, the same records are delivered again, and it recovers', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'retry');
  await f.produce(topic, [{ id: 1 }, { id: 2 }]);
  await f.startConnector(name, { topics: topic, 'test.retriable.failures': '2', 'errors.retry.timeout': '30000', 'errors.retry.delay.max.ms': '1000' });

  await waitFor('both records accepted', () => recorder(name).puts.flat().length === 2);
  assert.deepEqual(recorder(name).calls.filter((c) => c === 'put retriable').length, 2);
  assert.deepEqual(
    recorder(name)
      .puts.flat()
      .map((r) => r.kafkaOffset),
    [0, 1],
    'delivered once accepted, in order',
  );
  assert.deepEqual(f.listener.tasks.get(`${name}-0`), [{ state: 'RUNNING' }]);
  await waitFor('the commit', async () => (await f.committed(`connect-${name}`))[`${topic}-0`] === 2);
});

test('errors.tolerance=all: a record the converter rejects goes to the DLQ with context headers and the task keeps RUNNING', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'dlq');
  const dlq = uniqueName('it-dlq-topic');
  await f.produce(topic, [{ id: 1 }, 'not json{', { id: 3 }]);
  await f.startConnector(name, {
    topics: topic,
    'errors.tolerance': 'all',
    'errors.log.enable': 'true',
    'errors.deadletterqueue.topic.name': dlq,
    'errors.deadletterqueue.context.headers.enable': 'true',
  });

  await waitFor('the good records', () => recorder(name).puts.flat().length === 2);
  assert.deepEqual(
    recorder(name)
      .puts.flat()
      .map((r) => r.value),
    [{ id: 1 }, { id: 3 }],
  );
  const [message] = await readTopic(f.kafka, dlq, 1);
  assert.equal(message.value!.toString(), 'not json{', 'the original value bytes');
  assert.equal(message.key!.toString(), 'k1', 'the original key bytes');
  const headers = Object.fromEntries(Object.entries(message.headers!).map(([k, v]) => [k, String(v)]));
  assert.equal(headers.origin, 'it', 'the original headers');
  assert.equal(headers['__connect.errors.topic'], topic);
  assert.equal(headers['__connect.errors.partition'], '0');
  assert.equal(headers['__connect.errors.offset'], '1');
  assert.equal(headers['__connect.errors.connector.name'], name);
  assert.equal(headers['__connect.errors.task.id'], '0');
  assert.equal(headers['__connect.errors.stage'], 'VALUE_CONVERTER');
  assert.equal(headers['__connect.errors.class.name'], 'org.apache.kafka.connect.json.JsonConverter');
  assert.ok(headers['__connect.errors.exception.class.name']);
  assert.ok(headers['__connect.errors.exception.message']);
  assert.match(headers['__connect.errors.exception.stacktrace'], /\n {4}at /);

  const [metadata] = (await f.admin.fetchTopicMetadata({ topics: [dlq] })).topics;
  assert.equal(metadata.partitions.length, 1, 'Kafka creates the DLQ topic with one partition');
  assert.equal(metadata.partitions[0].replicas.length, 1, 'replication factor 3 lowered to the one broker');
  assert.deepEqual(f.listener.tasks.get(`${name}-0`), [{ state: 'RUNNING' }]);
  await waitFor('the commit past the bad record', async () => (await f.committed(`connect-${name}`))[`${topic}-0`] === 3);
});

test('a broker that cannot be reached when the task starts is retried; consumption begins once it answers', async (t) => {
  const { createServer, connect } = await import('node:net');
  const { kafkaBootstrap } = (await import('../helpers/stack.js')).stackAddresses();
  const [brokerHost, brokerPort] = kafkaBootstrap.split(':');
  // a bootstrap address that refuses connections at first (it resets each one, so that they can be
  // counted), then forwards to the real broker
  let forwarding = false;
  let refused = 0;
  const proxy = createServer((client) => {
    if (!forwarding) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(brokerPort), brokerHost);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as { port: number }).port;
  t.after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  const { f, topic, name } = await fixtureWithTopic(t, 'late-broker', { workerProps: { 'bootstrap.servers': `127.0.0.1:${port}` } });
  await f.produce(topic, [{ id: 1 }]);
  await f.startConnector(name, { topics: topic });
  // one kafkajs connect() dials up to 6 times (1 + 5 retries) before it gives up: a 7th refused connection
  // means the task's start loop has already tried again after a failed start (a task that gave up instead
  // is FAILED: that ends the wait, and the assertion below says so)
  await waitFor('a connection attempt after a failed consumer start', () => refused >= 7 || f.listener.taskState(name)?.state === 'FAILED');
  assert.equal(recorder(name).puts.length, 0);
  assert.deepEqual(f.listener.tasks.get(`${name}-0`), [{ state: 'RUNNING' }], 'like a Java consumer, the task keeps trying');

  forwarding = true;
  await waitFor('the record once the broker answers', () => recorder(name).puts.flat().length === 1, 60_000);
  await f.worker.stopTask({ connector: name, task: 0 });
  // the consumer leaves the group right after the stop, in the background
  await waitFor('the group empty', async () => (await groupMembers(f.admin, `connect-${name}`)).state === 'Empty');
});
