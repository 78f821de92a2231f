import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { buildTestApp, connectorInfo, envelope, json } from '../helpers/build-app.js';

describe('routing', () => {
  test('an unknown path is 404 with the envelope, whatever the method', async (t) => {
    const { app, herder } = await buildTestApp(t);
    for (const [method, url] of [
      ['GET', '/nope'],
      ['POST', '/connectors/c/unknown'],
      ['GET', '/connectors/a/b/c/d'],
      ['DELETE', '/admin'],
      ['GET', '/connector-plugins/p'],
    ] as const) {
      const res = await app.inject({ method, url });
      assert.equal(res.statusCode, 404, url);
      assert.deepEqual(envelope(res.body), { error_code: 404, message: 'HTTP 404 Not Found' });
      assert.equal(res.headers['content-type'], 'application/json');
    }
    assert.deepEqual(herder.calls, []);
  });

  test('a known path asked with another method is 405 with Allow, and reaches no herder', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const cases = [
      ['DELETE', '/connectors', 'GET, HEAD, OPTIONS, POST'],
      ['POST', '/connectors/c/config', 'GET, HEAD, OPTIONS, PATCH, PUT'],
      ['GET', '/connectors/c/pause', 'OPTIONS, PUT'],
      ['GET', '/connectors/c/restart/', 'OPTIONS, POST'],
      ['PUT', '/connectors/c/offsets', 'DELETE, GET, HEAD, OPTIONS, PATCH'],
      ['POST', '/admin/loggers', 'GET, HEAD, OPTIONS'],
    ] as const;
    for (const [method, url, allow] of cases) {
      const res = await app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: method === 'GET' ? undefined : '{}' });
      assert.equal(res.statusCode, 405, `${method} ${url}`);
      assert.deepEqual(envelope(res.body), { error_code: 405, message: 'HTTP 405 Method Not Allowed' });
      assert.equal(res.headers.allow, allow);
    }
    assert.deepEqual(herder.calls, []);
  });

  test('OPTIONS on a known path answers 204 with Allow', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ method: 'OPTIONS', url: '/connectors/c/status' });
    assert.deepEqual([res.statusCode, res.headers.allow, res.body], [204, 'GET, HEAD, OPTIONS', '']);
  });

  test('a trailing slash is tolerated on every route', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => ['a']);
    herder.stub('connectorInfo', async (name) => connectorInfo(name));
    herder.stub('pauseConnector', async () => {});
    assert.equal((await app.inject({ url: '/connectors/' })).body, '["a"]');
    assert.equal((await app.inject({ url: '/connectors/a/' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'PUT', url: '/connectors/a/pause/' })).statusCode, 202);
  });

  test('a path with a broken percent-encoding is a 400 envelope', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const res = await app.inject({ url: '/connectors/%zz' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(envelope(res.body), { error_code: 400, message: 'Malformed request URL: /connectors/%zz contains an invalid percent-encoding' });
    assert.deepEqual(herder.calls, []);
  });

  test('unknown query parameters (and forward) are ignored', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorInfo', async (name) => connectorInfo(name));
    const res = await app.inject({ url: '/connectors/c?forward=true&x=1&x=2' });
    assert.equal(res.statusCode, 200);
  });
});

describe('media types', () => {
  test('successful JSON is compact with a bare application/json content type', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorInfo', async (name) => connectorInfo(name));
    const res = await app.inject({ url: '/connectors/c' });
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.body, JSON.stringify(connectorInfo('c')));
  });

  test('a body with a non-JSON content type is 415, and nothing is changed', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const types = ['application/x-www-form-urlencoded', 'text/plain', 'application/vnd.kafka.v2+json', 'multipart/form-data; boundary=x'];
    for (const contentType of types) {
      for (const [method, url] of [
        ['POST', '/connectors'],
        ['PUT', '/connectors/c/config'],
        ['PATCH', '/connectors/c/offsets'],
        ['PUT', '/connectors/c/pause'],
      ] as const) {
        const res = await app.inject({ method, url, headers: { 'content-type': contentType }, payload: '{"name":"c","config":{}}' });
        assert.equal(res.statusCode, 415, `${contentType} ${method} ${url}`);
        assert.deepEqual(envelope(res.body), { error_code: 415, message: 'HTTP 415 Unsupported Media Type' });
      }
    }
    assert.deepEqual(herder.mutations(), []);
  });

  test('JSON with parameters, and a missing content type, are read as JSON', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('putConnectorConfig', async (name) => ({ created: false, result: connectorInfo(name) }));
    const withCharset = await app.inject(json('PUT', '/connectors/c/config', '{"a":"1"}', { 'content-type': 'Application/JSON; charset=UTF-8' }));
    assert.equal(withCharset.statusCode, 200);
    const without = await app.inject({ method: 'PUT', url: '/connectors/c/config', payload: '{"a":"2"}' });
    assert.equal(without.statusCode, 200);
    assert.deepEqual(
      herder.argsOf('putConnectorConfig').map(([, config]) => config),
      [{ a: '1' }, { a: '2' }],
    );
  });

  test('an Accept header that excludes JSON is 406', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => []);
    for (const accept of ['text/html', 'application/xml, text/*', 'application/json;q=0']) {
      const res = await app.inject({ url: '/connectors', headers: { accept } });
      assert.equal(res.statusCode, 406, accept);
      assert.deepEqual(envelope(res.body), { error_code: 406, message: 'HTTP 406 Not Acceptable' });
    }
    for (const accept of ['*/*', 'application/*', 'application/json', 'text/html, application/json;q=0.5', 'text/html,*/*;q=0.8']) {
      assert.equal((await app.inject({ url: '/connectors', headers: { accept } })).statusCode, 200, accept);
    }
  });

  test('a missing route is 404 even with a bad Accept; 415 comes before 406', async (t) => {
    const { app } = await buildTestApp(t);
    assert.equal((await app.inject({ url: '/nope', headers: { accept: 'text/html' } })).statusCode, 404);
    const res = await app.inject({ method: 'POST', url: '/connectors', headers: { accept: 'text/html', 'content-type': 'text/plain' }, payload: 'x' });
    assert.equal(res.statusCode, 415);
  });
});

describe('request bodies', () => {
  test('malformed JSON is a 400 saying where, and nothing is created', async (t) => {
    const { app, herder } = await buildTestApp(t);
    for (const [body, message] of [
      ['{"name":"c",', 'Malformed JSON in request body: Quoted object key expected but reached end of input at position 12'],
      ["{'name':'c'}", "Malformed JSON in request body: Quoted object key expected but got ''' at position 1"],
      ['{"name":"c"} x', "Malformed JSON in request body: Expected end of input but got 'x' at position 13"],
    ]) {
      const res = await app.inject(json('POST', '/connectors', body));
      assert.deepEqual(envelope(res.body), { error_code: 400, message }, body);
    }
    assert.deepEqual(herder.calls, []);
  });

  test('a body over the limit is a 413 envelope naming the limit, and nothing is created', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const huge = JSON.stringify({ name: 'c', config: { blob: 'x'.repeat(1024 * 1024) } });
    const res = await app.inject(json('POST', '/connectors', huge));
    assert.equal(res.statusCode, 413);
    assert.deepEqual(envelope(res.body), { error_code: 413, message: 'Request body is larger than the limit of 1048576 bytes' });
    assert.deepEqual(herder.calls, []);
  });

  test('the body limit is configurable', async (t) => {
    const { app, herder } = await buildTestApp(t, { api: { bodyLimit: 64 } });
    const res = await app.inject(json('PUT', '/connectors/c/config', { 'connector.class': 'MilvusSink', topics: 'a-rather-long-topic-name' }));
    assert.deepEqual(envelope(res.body), { error_code: 413, message: 'Request body is larger than the limit of 64 bytes' });
    assert.deepEqual(herder.calls, []);
  });

  test('duplicate keys keep the last value, as Jackson does', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('putConnectorConfig', async (name) => ({ created: false, result: connectorInfo(name) }));
    await app.inject(json('PUT', '/connectors/c/config', '{"tasks.max":"1","tasks.max":"2"}'));
    assert.deepEqual(herder.argsOf('putConnectorConfig'), [['c', { 'tasks.max': '2' }]]);
  });
});

describe('admin endpoints and CORS follow the worker config', () => {
  const config = (values: Record<string, unknown>) => ({
    get(name: string) {
      if (!(name in values)) throw new Error(`Unknown configuration '${name}'`);
      return values[name];
    },
  });

  test('admin.listeners set to an empty list disables /admin everywhere (404)', async (t) => {
    const { app, herder } = await buildTestApp(t, { workerConfig: config({ 'admin.listeners': [] }) });
    for (const [method, url] of [
      ['GET', '/admin/loggers'],
      ['GET', '/admin/loggers/root'],
      ['PUT', '/admin/loggers/root'],
    ] as const) {
      const res = await app.inject(json(method, url, method === 'PUT' ? { level: 'DEBUG' } : undefined));
      assert.deepEqual([res.statusCode, envelope(res.body).message], [404, 'HTTP 404 Not Found'], `${method} ${url}`);
    }
    assert.deepEqual(herder.calls, []);
  });

  test('admin endpoints are served when admin.listeners is unset', async (t) => {
    const { app, herder } = await buildTestApp(t, { workerConfig: config({ 'admin.listeners': null }) });
    herder.stub('loggers', async () => ({}));
    assert.equal((await app.inject({ url: '/admin/loggers' })).statusCode, 200);
  });

  test('without access.control.allow.origin there are no CORS headers', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => []);
    const res = await app.inject({ url: '/connectors', headers: { origin: 'http://ui.example.com' } });
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('an allowed origin is echoed with credentials; others get no CORS headers', async (t) => {
    const { app, herder } = await buildTestApp(t, { workerConfig: config({ 'access.control.allow.origin': 'http://ui.example.com,https://*.corp.net' }) });
    herder.stub('connectors', async () => []);
    for (const origin of ['http://ui.example.com', 'https://a.corp.net']) {
      const res = await app.inject({ url: '/connectors', headers: { origin } });
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers['access-control-allow-credentials'], 'true');
    }
    const denied = await app.inject({ url: '/connectors', headers: { origin: 'http://evil.example.com' } });
    assert.equal(denied.statusCode, 200);
    assert.equal(denied.headers['access-control-allow-origin'], undefined);
  });

  test("a preflight lists access.control.allow.methods (Jetty's default GET,POST,HEAD when unset)", async (t) => {
    const preflight = {
      method: 'OPTIONS' as const,
      url: '/connectors/c/config',
      headers: { origin: 'http://ui', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    };
    const configured = await buildTestApp(t, { api: { corsAllowOrigin: '*', corsAllowMethods: 'GET,POST,PUT,DELETE' } });
    const res = await configured.app.inject(preflight);
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], 'http://ui');
    assert.equal(res.headers['access-control-allow-methods'], 'GET,POST,PUT,DELETE');
    assert.equal(res.headers['access-control-max-age'], '1800');
    const defaults = await buildTestApp(t, { api: { corsAllowOrigin: '*' } });
    const refused = await defaults.app.inject(preflight);
    assert.equal(refused.headers['access-control-allow-origin'], undefined, 'PUT is not among GET,POST,HEAD');
    const get = await defaults.app.inject({ ...preflight, headers: { ...preflight.headers, 'access-control-request-method': 'GET' } });
    assert.equal(get.headers['access-control-allow-methods'], 'GET,POST,HEAD');
  });
});

describe('request logging', () => {
  function capture() {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    return { logger, lines };
  }

  test('one line per request, carrying the connector when the route has one, never the body', async (t) => {
    const { logger, lines } = capture();
    const { app, herder } = await buildTestApp(t, { logger });
    herder.stub('putConnectorConfig', async (name) => ({ created: true, result: connectorInfo(name) }));
    herder.stub('connectors', async () => []);
    await app.inject(json('PUT', '/connectors/my%20sink/config', { 'connector.class': 'MilvusSink', token: 'SECRET-TOKEN-123' }));
    await app.inject({ url: '/connectors' });
    const completed = lines.filter((line) => line.msg === 'request completed');
    assert.deepEqual(
      completed.map((line) => [line.method, line.url, line.statusCode, line.connector]),
      [
        ['PUT', '/connectors/my%20sink/config', 201, 'my sink'],
        ['GET', '/connectors', 200, undefined],
      ],
    );
    assert.ok(!JSON.stringify(lines).includes('SECRET-TOKEN-123'), 'the token must not be logged');
  });

  test('a failing request logs the error with the connector, but not the body', async (t) => {
    const { logger, lines } = capture();
    const { app, herder } = await buildTestApp(t, { logger });
    herder.stub('putConnectorConfig', async () => {
      throw new Error('store is read-only');
    });
    const res = await app.inject(json('PUT', '/connectors/c/config', { 'milvus.token': 'SECRET-TOKEN-456' }));
    assert.equal(res.statusCode, 500);
    const errors = lines.filter((line) => line.level === 50);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].connector, 'c');
    assert.match(JSON.stringify(errors[0].err), /store is read-only/);
    assert.ok(!JSON.stringify(lines).includes('SECRET-TOKEN-456'));
  });
});
