import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { buildApp, type ApiOptions } from '../../../src/api/app.js';
import type { MetricsScrape } from '../../../src/api/routes/metrics.js';
import { FakeHerder } from '../../helpers/fake-herder.js';

const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function appWith(t: TestContext, metrics: MetricsScrape | undefined, api: ApiOptions = {}) {
  const app = buildApp({ herder: new FakeHerder(), metrics, api });
  t.after(() => app.close());
  await app.ready();
  return app;
}

describe('GET /metrics', () => {
  test('answers what the scrape renders, with its content type, whatever a Prometheus scraper accepts', async (t) => {
    const body =
      '# HELP kafka_connect_connect_worker_metrics_connector_count Connectors on this worker\nkafka_connect_connect_worker_metrics_connector_count 2\n';
    const app = await appWith(t, async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body }));
    const res = await app.inject({ url: '/metrics', headers: { accept: PROMETHEUS_ACCEPT } });
    assert.deepEqual([res.statusCode, res.headers['content-type'], res.body], [200, 'text/plain; version=0.0.4; charset=utf-8', body]);
  });

  test('a failing scrape is a 500 in the error envelope', async (t) => {
    const app = await appWith(t, async () => {
      throw new Error('collector broke');
    });
    const res = await app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(Object.keys(JSON.parse(res.body)), ['error_code', 'message']);
  });

  test('without metrics the endpoint answers 404 saying so', async (t) => {
    const app = await appWith(t, undefined);
    const res = await app.inject({ url: '/metrics' });
    assert.deepEqual([res.statusCode, JSON.parse(res.body)], [404, { error_code: 404, message: 'Metrics are not enabled on this worker' }]);
  });

  test('the separate admin app does not serve it', async (t) => {
    const app = await appWith(t, async () => ({ contentType: 'text/plain', body: '' }), { routes: 'admin' });
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 404);
    assert.match((await app.inject({ url: '/metrics' })).body, /HTTP 404 Not Found/);
  });
});
