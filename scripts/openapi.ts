/**
 * `npm run openapi`: regenerates openapi/openapi.json from the route schemas. Run it after changing a
 * route or schema; test/api/openapi.test.ts fails while the committed document is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/api/app.js';
import { OPENAPI_PATH, renderOpenApi } from '../src/api/openapi.js';
import type { Herder } from '../src/runtime/herder/herder.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// the document comes from the route declarations alone; no request ever reaches this herder
const herder = new Proxy(
  {},
  {
    get: (_target, method) => () => {
      throw new Error(`generating the OpenAPI document called Herder.${String(method)}`);
    },
  },
) as Herder;

const app = buildApp({ herder });
await app.ready();
const target = resolve(root, OPENAPI_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderOpenApi(app));
await app.close();
process.stdout.write(`wrote ${OPENAPI_PATH}\n`);
