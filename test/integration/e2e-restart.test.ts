/**
 * End to end, through the real service process: what survives the process. A crash (SIGKILL) in the middle
 * of ingestion loses nothing and duplicates nothing once the service runs again on the same SQLite file; a
 * graceful restart (SIGTERM) keeps every connector's config and target state.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { makeDir, removeDir, waitUntil } from '../helpers/connect-process.js';
import { countRows, queryRows } from '../helpers/milvus-fixtures.js';
import { stackAddresses } from '../helpers/stack.js';
import {
  article,
  collectionFor,
  committedOffsets,
  createConnector,
  produce,
  quickStartConfig,
  startService,
  status,
  stopConnector,
  topicAndCollection,
  uniqueName,
  waitForCount,
  waitForState,
} from './e2e-fixture.js';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/**
 * `public.endpoint` for the stack's Milvus through a proxy that holds every connection (reading nothing)
 * until `release()`, then forwards it; `dialled` resolves once the first connection arrived. Closed after
 * test `t`.
 */
async function heldMilvus(t: TestContext): Promise<{ endpoint: string; dialled: Promise<void>; release(): void }> {
  const [host, port] = stackAddresses().milvusAddress.split(':');
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let dialled!: () => void;
  const firstDial = new Promise<void>((resolve) => (dialled = resolve));
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const proxy = createServer((client) => {
    track(client);
    client.pause();
    dialled();
    void released.then(() => {
      if (client.destroyed) return;
      const upstream = connect(Number(port), host);
      track(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  return { endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, dialled: firstDial, release };
}

test('SIGKILL mid-stream, then a start on the same SQLite file: every produced record is in Milvus exactly once', async (t) => {
  const N = 5000;
  const topic = uniqueName('crash');
  await topicAndCollection(t, topic);
  const dir = makeDir();
  t.after(() => removeDir(dir));
  await produce(
    topic,
    range(0, N / 2).map((i) => ({ value: article(i) })),
  );

  const first = await startService(t, { dir });
  // small polls so that the kill lands between batches, with some written and some not
  await createConnector(t, first, topic, quickStartConfig(topic, topic, { 'consumer.override.max.poll.records': '100', 'batch.max.rows': '100' }));
  await waitUntil('the first rows in Milvus', async () => (await countRows(topic)) > 0, { intervalMs: 50 });
  await first.kill9();
  const atKill = await countRows(topic);
  assert.ok(atKill < N, `${atKill} rows at the kill`);
  t.diagnostic(`${atKill} of ${N / 2} produced rows were in Milvus at the kill`);
  // the rest arrives while the service is down
  await produce(
    topic,
    range(N / 2, N).map((i) => ({ value: article(i) })),
  );

  const second = await startService(t, { dir });
  await waitForState(second, topic, 'RUNNING', 'RUNNING');
  await waitUntil(`offset ${N} committed`, async () => (await committedOffsets(second, topic))[`${topic}-0`] === N, {
    timeoutMs: 120_000,
    describe: async () => ({ offsets: await committedOffsets(second, topic), rows: await countRows(topic), status: await status(second, topic) }),
  });
  assert.equal(await countRows(topic), N);
  const ids = (await queryRows(topic, ['id'])).map((r) => Number(r.id));
  assert.equal(ids.length, N);
  assert.equal(new Set(ids).size, N);
  assert.deepEqual(
    ids.sort((a, b) => a - b),
    range(0, N),
  );
});

test('SIGTERM and a start on the same SQLite file keep configs and target states: RUNNING resumes, PAUSED and STOPPED stay', async (t) => {
  const names = { running: uniqueName('keep_running'), paused: uniqueName('keep_paused'), stopped: uniqueName('keep_stopped') };
  for (const name of Object.values(names)) {
    await topicAndCollection(t, name);
  }
  const dir = makeDir();
  t.after(() => removeDir(dir));

  const first = await startService(t, { dir });
  const configs: Record<string, Record<string, string>> = {};
  for (const name of Object.values(names)) {
    configs[name] = quickStartConfig(name, name, { 'batch.max.rows': '500' });
    await createConnector(t, first, name, configs[name]);
  }
  await produce(names.running, [{ value: article(1) }]);
  await waitForCount(first, names.running, names.running, 1);
  assert.equal((await first.request('PUT', `/connectors/${names.paused}/pause`)).status, 202);
  await waitForState(first, names.paused, 'PAUSED', 'PAUSED');
  await stopConnector(first, names.stopped);

  const ended = await first.stop();
  assert.deepEqual(ended, { code: 0, signal: null }, 'SIGTERM ends the service cleanly');

  const second = await startService(t, { dir });
  assert.deepEqual((await second.request('GET', '/connectors')).body, Object.values(names).sort());
  for (const name of Object.values(names)) {
    assert.deepEqual((await second.request('GET', `/connectors/${name}/config`)).body, { ...configs[name], name });
  }
  await waitForState(second, names.running, 'RUNNING', 'RUNNING');
  await waitForState(second, names.paused, 'PAUSED', 'PAUSED');
  const stopped = await waitForState(second, names.stopped, 'STOPPED');
  assert.deepEqual(stopped.tasks, []);
  assert.deepEqual((await second.request('GET', `/connectors/${names.stopped}/tasks`)).body, []);

  await produce(names.running, [{ value: article(2) }]);
  await produce(names.paused, [{ value: article(3) }]);
  await produce(names.stopped, [{ value: article(4) }]);
  await waitForCount(second, names.running, names.running, 2);
  // a connector created only now on the PAUSED and STOPPED connectors' topics, writing to a collection of
  // its own: once it has joined its group, read both records and written them, the PAUSED and STOPPED
  // connectors (had they run) would have written theirs too
  const witness = uniqueName('keep_witness');
  await collectionFor(t, witness);
  await createConnector(t, second, witness, quickStartConfig(witness, `${names.paused},${names.stopped}`));
  await waitForCount(second, witness, witness, 2);
  assert.equal(await countRows(names.paused), 0, 'the PAUSED connector ingested after the restart');
  assert.equal(await countRows(names.stopped), 0, 'the STOPPED connector ingested after the restart');
  assert.equal((await status(second, names.paused))?.tasks[0].state, 'PAUSED');
});

test('SIGTERM while a REST request is in flight: the request is answered and the service exits cleanly, promptly', async (t) => {
  const topic = uniqueName('sigterm');
  await topicAndCollection(t, topic);
  const service = await startService(t);
  const milvus = await heldMilvus(t);
  // creating a connector dials Milvus to validate the config; Milvus answers only after the signal, so
  // the signal lands in the middle of the request for certain
  const created = service.request('POST', '/connectors', { name: topic, config: quickStartConfig(topic, topic, { 'public.endpoint': milvus.endpoint }) });
  await Promise.race([
    milvus.dialled,
    created.then((res) => Promise.reject(new Error(`POST /connectors answered ${res.status} before it dialled Milvus: ${JSON.stringify(res.body)}`))),
  ]);
  const started = Date.now();
  const stopped = service.stop(60_000);
  await waitUntil('the service to take the signal', () => service.logs().some((l) => l.msg === 'Received SIGTERM, stopping'), { intervalMs: 20 });
  milvus.release();
  const ended = await stopped;
  const took = Date.now() - started;
  assert.equal((await created).status, 201);
  assert.deepEqual(ended, { code: 0, signal: null }, `exit after ${took} ms; log:\n${service.logTail(15)}`);
  // the tasks' graceful timeout is 5 s; the rest of the shutdown is closing clients
  assert.ok(took < 15_000, `the shutdown took ${took} ms`);
});
