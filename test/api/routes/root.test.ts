import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkerStatus } from '../../../src/runtime/types.js';
import { buildTestApp } from '../../helpers/build-app.js';

describe('GET /', () => {
  test("answers ServerInfo in Kafka's field order", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('serverInfo', async () => ({ version: '3.9.0', commit: '0123456789abcdef', kafka_cluster_id: 'abc' }));
    const res = await app.inject({ url: '/' });
    assert.deepEqual(
      [res.statusCode, res.headers['content-type'], res.body],
      [200, 'application/json', '{"version":"3.9.0","commit":"0123456789abcdef","kafka_cluster_id":"abc"}'],
    );
  });
});

describe('GET /health', () => {
  const UNHEALTHY = 'Worker was unable to handle this request and may be unable to handle other requests.';

  for (const [status, code] of [
    ['healthy', 200],
    ['starting', 503],
    ['unhealthy', 500],
  ] as const) {
    test(`${status} answers ${code} with the WorkerStatus body, not the error envelope`, async (t) => {
      const { app, herder } = await buildTestApp(t);
      const body: WorkerStatus = { status, message: `the worker is ${status}` };
      herder.stub('health', async () => body);
      const res = await app.inject({ url: '/health' });
      assert.deepEqual([res.statusCode, JSON.parse(res.body)], [code, body]);
    });
  }

  test('a herder that does not answer within the health budget is unhealthy, naming its current stage', async (t) => {
    const { app, herder } = await buildTestApp(t, { api: { healthCheckTimeoutMs: 20 } });
    herder.stub('health', () => new Promise(() => {}));
    herder.stage = { description: 'reconfiguring connector c', startedAt: Date.UTC(2024, 0, 2, 3, 4, 5, 600) };
    const res = await app.inject({ url: '/health' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(JSON.parse(res.body), {
      status: 'unhealthy',
      message: `${UNHEALTHY} The worker is currently reconfiguring connector c, which began at 2024-01-02T03:04:05.600Z.`,
    });
  });

  test('a herder whose health check fails is unhealthy', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('health', async () => {
      throw new Error('boom');
    });
    const res = await app.inject({ url: '/health' });
    assert.deepEqual([res.statusCode, JSON.parse(res.body)], [500, { status: 'unhealthy', message: UNHEALTHY }]);
  });
});
