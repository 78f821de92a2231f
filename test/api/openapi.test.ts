import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { OPENAPI_PATH, renderOpenApi } from '../../src/api/openapi.js';
import { buildTestApp } from '../helpers/build-app.js';

const committed = readFileSync(new URL(`../../${OPENAPI_PATH}`, import.meta.url), 'utf8');

type Operation = { parameters?: Array<{ in: string; name: string }>; responses: Record<string, unknown> };

describe('the OpenAPI document', () => {
  test(`${OPENAPI_PATH} is what the route schemas generate`, async (t) => {
    const { app } = await buildTestApp(t);
    assert.ok(
      renderOpenApi(app) === committed,
      `${OPENAPI_PATH} is stale: the routes or their schemas changed. Run \`npm run openapi\` and commit the result.`,
    );
  });

  test('documents every public route, with its path parameters and responses', () => {
    const doc = JSON.parse(committed) as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    assert.deepEqual(operations.map(({ path, method }) => `${method.toUpperCase()} ${path}`).sort(), [
      'DELETE /connectors/{connector}',
      'DELETE /connectors/{connector}/offsets',
      'GET /',
      'GET /admin/loggers',
      'GET /admin/loggers/{logger}',
      'GET /connector-plugins',
      'GET /connector-plugins/{plugin}/config',
      'GET /connectors',
      'GET /connectors/{connector}',
      'GET /connectors/{connector}/config',
      'GET /connectors/{connector}/offsets',
      'GET /connectors/{connector}/status',
      'GET /connectors/{connector}/tasks',
      'GET /connectors/{connector}/tasks-config',
      'GET /connectors/{connector}/tasks/{task}/status',
      'GET /connectors/{connector}/topics',
      'GET /health',
      'GET /metrics',
      'PATCH /connectors/{connector}/config',
      'PATCH /connectors/{connector}/offsets',
      'POST /connectors',
      'POST /connectors/{connector}/restart',
      'POST /connectors/{connector}/tasks/{task}/restart',
      'PUT /admin/loggers/{logger}',
      'PUT /connector-plugins/{plugin}/config/validate',
      'PUT /connectors/{connector}/config',
      'PUT /connectors/{connector}/pause',
      'PUT /connectors/{connector}/resume',
      'PUT /connectors/{connector}/stop',
      'PUT /connectors/{connector}/topics/reset',
    ]);
    for (const { path, method, operation } of operations) {
      const declared = (operation.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(declared, inPath, `${method} ${path}`);
      assert.ok(
        Object.keys(operation.responses).some((status) => status.startsWith('2')),
        `${method} ${path} has a success response`,
      );
    }
    assert.equal(doc.paths['/connectors/{connector}/tasks'].post, undefined, 'internal endpoints stay undocumented');
  });

  test('Swagger UI is served at /docs and its document at /docs/json', async (t) => {
    const { app } = await buildTestApp(t);
    const ui = await app.inject({ url: '/docs' });
    const page = ui.statusCode === 302 ? await app.inject({ url: `/docs/${ui.headers.location}` }) : ui;
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /swagger-ui/i);
    const json = await app.inject({ url: '/docs/json' });
    assert.equal(json.statusCode, 200);
    assert.deepEqual(JSON.parse(json.body), JSON.parse(committed));
  });

  test('docs can be switched off', async (t) => {
    const { app } = await buildTestApp(t, { api: { docs: false } });
    assert.equal((await app.inject({ url: '/docs' })).statusCode, 404);
  });
});
