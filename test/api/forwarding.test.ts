/**
 * Distributed mode: a write that reaches a worker which is not the leader is forwarded to the leader's
 * advertised URL, as Kafka's workers do, and the leader's answer goes back unchanged. Two real API apps
 * over fake herders: the follower's herder answers NotLeaderError, the leader's records what arrived.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { NotLeaderError } from '../../src/runtime/errors.js';
import { buildTestApp, connectorInfo, json } from '../helpers/build-app.js';
import { FakeHerder } from '../helpers/fake-herder.js';

interface Leader {
  url: string;
  herder: FakeHerder;
  /** what reached the leader: path with query, and the Authorization header */
  received: Array<{ url: string; authorization: string | undefined }>;
}

async function leader(t: TestContext): Promise<Leader> {
  const herder = new FakeHerder();
  const app = buildApp({ herder });
  t.after(() => app.close());
  const received: Leader['received'] = [];
  app.addHook('onRequest', async (request) => {
    received.push({ url: request.url, authorization: request.headers.authorization });
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `${address}/`, herder, received };
}

function follower(leaderUrl: string | null): FakeHerder {
  const herder = new FakeHerder();
  return herder
    .stub('createConnector', async () => {
      throw new NotLeaderError(leaderUrl);
    })
    .stub('pauseConnector', async () => {
      throw new NotLeaderError(leaderUrl);
    });
}

test('a write on a follower is forwarded to the leader with forward=true (one more hop allowed), the same body and credentials', async (t) => {
  const lead = await leader(t);
  lead.herder.stub('createConnector', async (request) => connectorInfo(request.name!, request.config as Record<string, string>));
  const { app } = await buildTestApp(t, { herder: follower(lead.url) });

  const body = { name: 'sink', config: { 'connector.class': 'MilvusSink', 'tasks.max': '3' } };
  const res = await app.inject(json('POST', '/connectors', body, { authorization: 'Basic dXNlcjpwYXNz' }));

  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().name, 'sink');
  const forwarded = lead.herder.argsOf('createConnector')[0][0] as typeof body;
  assert.deepEqual({ name: forwarded.name, config: forwarded.config }, body, 'the leader got the same request body');
  assert.deepEqual(lead.received, [{ url: '/connectors?forward=true', authorization: 'Basic dXNlcjpwYXNz' }]);
});

test('the leader answers errors too: its status and message come back as they are', async (t) => {
  const lead = await leader(t);
  lead.herder.stub('pauseConnector', async () => {
    const { NotFoundError } = await import('../../src/runtime/errors.js');
    throw new NotFoundError('Unknown connector nope');
  });
  const { app } = await buildTestApp(t, { herder: follower(lead.url) });

  const res = await app.inject({ method: 'PUT', url: '/connectors/nope/pause' });
  assert.equal(res.statusCode, 404);
  assert.deepEqual(res.json(), { error_code: 404, message: 'Unknown connector nope' });
});

test('no known leader (a rebalance is under way): 409 with Kafka’s message, which clients retry', async (t) => {
  const { app } = await buildTestApp(t, { herder: follower(null) });
  const res = await app.inject({ method: 'PUT', url: '/connectors/c/pause' });
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().message, 'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.');
});

test('a request that was already forwarded once is never forwarded again: 409', async (t) => {
  const lead = await leader(t);
  const { app } = await buildTestApp(t, { herder: follower(lead.url) });
  const res = await app.inject({ method: 'PUT', url: '/connectors/c/pause?forward=false' });
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().message, 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)');
  assert.equal(lead.herder.calls.length, 0);
});

test('a leader that cannot be reached: 409 naming the cause, so clients retry after the rebalance', async (t) => {
  const { app } = await buildTestApp(t, { herder: follower('http://127.0.0.1:9/') });
  const res = await app.inject({ method: 'PUT', url: '/connectors/c/pause' });
  assert.equal(res.statusCode, 409);
  assert.match(res.json().message, /the leader could not be reached/);
});

test('a request forwarded once (forward=true) may hop once more, with forward=false', async (t) => {
  const lead = await leader(t);
  lead.herder.stub('pauseConnector', async () => {});
  const { app } = await buildTestApp(t, { herder: follower(lead.url) });
  const res = await app.inject({ method: 'PUT', url: '/connectors/c/pause?forward=true' });
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(
    lead.received.map((r) => r.url),
    ['/connectors/c/pause?forward=false'],
  );
});
