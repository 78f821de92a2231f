/**
 * Swagger UI in a real browser: headless Chromium (Debian's package, installed on first use) opens
 * /docs on the running worker, finds every operation of the committed OpenAPI document listed, runs
 * `GET /connectors` with "Try it out" → "Execute", and reads the worker's answer on the page. The
 * browser may talk to the worker only; any other request is blocked and fails the test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../helpers/chromium.js';
import { startConnect, type ConnectProcess } from '../helpers/connect-process.js';

const OPENAPI = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url));
const UI_TIMEOUT = 30_000;

let connect: ConnectProcess;

before(async () => {
  connect = await startConnect();
  // STOPPED and without an endpoint: listed by GET /connectors, and nothing dials Milvus
  const created = await connect.request('POST', '/connectors', {
    name: 'swagger-ui-milvus',
    config: { 'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector', topics: 'swagger-ui', 'collection.name': 'c' },
    initial_state: 'STOPPED',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});

after(() => connect?.stop());

function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

test('Swagger UI lists every operation and runs GET /connectors against the worker', { timeout: 300_000 }, async (t) => {
  const context = await launchChromium(t);
  const offsite: string[] = [];
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      offsite.push(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  const response = await page.goto(`${connect.baseUrl}/docs`, { timeout: UI_TIMEOUT });
  assert.equal(response?.status(), 200);
  await page.locator('.opblock').first().waitFor({ timeout: UI_TIMEOUT });

  // every operation of the committed document, no more, no fewer (deprecated ones have their own path class)
  const listed = await page
    .locator('.opblock')
    .evaluateAll((blocks) =>
      blocks.map(
        (b) =>
          `${b.querySelector('.opblock-summary-method')?.textContent?.trim()} ${b.querySelector('.opblock-summary [data-path]')?.getAttribute('data-path')}`,
      ),
    );
  assert.deepEqual(listed.sort(), operationsOf(JSON.parse(readFileSync(OPENAPI, 'utf8'))));

  const operation = page.locator('.opblock.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/connectors"]') });
  await operation.locator('.opblock-summary').first().click();
  await operation.locator('button.try-out__btn').click({ timeout: UI_TIMEOUT });
  await operation.locator('button.execute').click({ timeout: UI_TIMEOUT });

  const live = operation.locator('.live-responses-table tr.response');
  await live.locator('.response-col_status').waitFor({ timeout: UI_TIMEOUT });
  assert.equal((await live.locator('.response-col_status').textContent())?.trim(), '200');
  const body = (await live.locator('.response-col_description .highlight-code pre').first().textContent()) ?? '';
  assert.deepEqual(JSON.parse(body), ['swagger-ui-milvus']);
  assert.match((await operation.locator('.request-url pre').textContent()) ?? '', new RegExp(`^${connect.baseUrl}/connectors`));

  assert.deepEqual(pageErrors, []);
  assert.deepEqual(offsite, []);
});
