/**
 * Connector names through the API over the real herder and store: every bad name is refused with 400 on
 * POST and PUT before anything is written, and every name that can be created can be read back, listed
 * as valid JSON, and deleted.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { envelope, json } from '../helpers/build-app.js';
import { herderFixture, sinkConfig } from '../helpers/herder-fixture.js';
import { TEST_SINK_CLASS } from '../helpers/test-sink-plugin.js';

async function setUp(t: TestContext) {
  const fixture = await herderFixture(t);
  const app = buildApp({ herder: fixture.herder });
  t.after(() => app.close());
  await app.ready();
  return { ...fixture, app };
}

const CONFIG = { 'connector.class': TEST_SINK_CLASS, topics: 'orders' };

/** Names no path may create: lone surrogates and control characters, at the ends or inside. */
const BAD_NAMES = ['rel_zomb_\ud800', '\udc00', 'a\t', '\ta', 'a\n', 'a\u0000', 'a\r\n', 'a\u007f', 'a\u0085', 'a\u0007b'];

/** Names that must work end to end, with the name each is stored under. */
const GOOD_NAMES: Array<[given: string, stored: string]> = [
  ['plain', 'plain'],
  ['  padded ', 'padded'],
  ['a b', 'a b'],
  ['café-日本-🚀', 'café-日本-🚀'],
  ['100% ?#&+;=:@$,', '100% ?#&+;=:@$,'],
  ['\u00a0nbsp\u2028', '\u00a0nbsp\u2028'],
  ['...', '...'],
  ['.a', '.a'],
  ['x'.repeat(1024), 'x'.repeat(1024)],
];

describe('connector names through the API', () => {
  test('POST refuses every bad name — and the unaddressable ".", ".." and "a/b" — with 400 naming the problem, and stores nothing', async (t) => {
    const { app, configStore, worker } = await setUp(t);
    for (const name of BAD_NAMES) {
      const res = await app.inject(json('POST', '/connectors', { name, config: CONFIG }));
      assert.equal(res.statusCode, 400, `${JSON.stringify(name)}: ${res.body}`);
      assert.match(envelope(res.body).message!, /lone UTF-16 surrogate|may not contain control sequences/);
    }
    for (const name of ['.', '..', 'a/b']) {
      const res = await app.inject(json('POST', '/connectors', { name, config: CONFIG }));
      assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
      assert.match(envelope(res.body).message!, /could not be addressed in REST API URLs/);
    }
    assert.deepEqual(configStore.names(), []);
    assert.deepEqual(worker.calls, []);
    assert.deepEqual((await app.inject({ url: '/connectors' })).json(), []);
  });

  test('PUT refuses every bad name in the URL with 400 — control characters at either end included — and stores nothing', async (t) => {
    const { app, configStore } = await setUp(t);
    await app.inject(json('PUT', '/connectors/a/config', sinkConfig('a')));
    for (const encoded of ['a%09', '%09a', 'a%0A', 'a%00', 'a%0D%0A', 'a%7F', 'a%C2%85', 'a%07b']) {
      const res = await app.inject(json('PUT', `/connectors/${encoded}/config`, CONFIG));
      assert.equal(res.statusCode, 400, `${encoded}: ${res.body}`);
      assert.match(envelope(res.body).message!, /may not contain control sequences/);
    }
    assert.deepEqual(configStore.names(), ['a']);
  });

  test('a URL whose percent-encoding is not UTF-8 (a surrogate, a cut sequence) answers 400 and writes nothing', async (t) => {
    const { app, configStore } = await setUp(t);
    for (const encoded of ['rel_zomb_%ED%A0%80', 'a%C2', '%FF']) {
      for (const request of [json('PUT', `/connectors/${encoded}/config`, CONFIG), { method: 'DELETE' as const, url: `/connectors/${encoded}` }]) {
        const res = await app.inject(request);
        assert.equal(res.statusCode, 400, `${request.method} ${encoded}: ${res.body}`);
        assert.match(envelope(res.body).message!, /^Malformed request URL/);
      }
    }
    assert.deepEqual(configStore.names(), []);
  });

  test('POST and PUT trim the same way: spaces around a name address the trimmed connector', async (t) => {
    const { app, configStore } = await setUp(t);
    const created = await app.inject(json('PUT', '/connectors/%20b%20/config', CONFIG));
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().name, 'b');
    assert.match(String(created.headers.location), /\/connectors\/b$/);
    const again = await app.inject(json('POST', '/connectors', { name: ' b', config: CONFIG }));
    assert.equal(again.statusCode, 409, again.body);
    assert.deepEqual(configStore.names(), ['b']);
  });

  test('every name that can be created can be fetched, listed as valid JSON and deleted, on POST and on PUT', async (t) => {
    const { app, configStore } = await setUp(t);
    for (const [given, stored] of GOOD_NAMES) {
      for (const create of [
        json('POST', '/connectors', { name: given, config: CONFIG }),
        json('PUT', `/connectors/${encodeURIComponent(given)}/config`, CONFIG),
      ]) {
        const res = await app.inject(create);
        assert.equal(res.statusCode, 201, `${create.method} ${JSON.stringify(given)}: ${res.body}`);
        assert.equal(res.json().name, stored);
        const location = new URL(String(res.headers.location));
        assert.equal((await app.inject({ url: `${location.pathname}/config` })).json().name, stored);
        const list = await app.inject({ url: '/connectors' });
        assert.ok(list.body.isWellFormed());
        assert.deepEqual(JSON.parse(list.body), [stored]);
        const deleted = await app.inject({ method: 'DELETE', url: `/connectors/${encodeURIComponent(stored)}` });
        assert.equal(deleted.statusCode, 204, `DELETE ${JSON.stringify(stored)}: ${deleted.body}`);
        assert.deepEqual(configStore.names(), []);
      }
    }
  });
});
