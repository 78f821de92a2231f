import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp, type ApiOptions } from '../../src/api/app.js';
import { listenAll, type HttpsOptions, type RestServer } from '../../src/api/servers.js';
import { parseListener } from '../../src/runtime/config/rest-listener.js';
import { serverTlsOptions } from '../../src/runtime/config/rest-tls.js';
import { WorkerConfig } from '../../src/runtime/config/worker-config.js';
import { testCertificates } from '../helpers/certificates.js';
import { FakeHerder } from '../helpers/fake-herder.js';
import { request } from '../helpers/https-request.js';

const certs = testCertificates();
const CA = certs.read(certs.caCert);
const CLIENT = { cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) };
const STRANGER = { cert: certs.read(certs.strangerCert), key: certs.read(certs.strangerKey) };

function tls(props: Record<string, string> = {}): HttpsOptions {
  return serverTlsOptions(new WorkerConfig({ 'ssl.keystore.location': certs.serverKeystore, ...props }).listenersSsl);
}

function app(t: TestContext, api: ApiOptions = {}): { app: FastifyInstance; herder: FakeHerder } {
  const herder = new FakeHerder();
  herder.stub('connectors', async () => ['milvus']);
  herder.stub('loggers', async () => ({ root: { level: 'INFO', last_modified: null } }));
  const built = buildApp({ herder, api });
  t.after(() => built.close());
  return { app: built, herder };
}

async function serve(t: TestContext, fastify: FastifyInstance, urls: string[], options: () => HttpsOptions = () => tls()): Promise<RestServer[]> {
  const servers = await listenAll(fastify, urls.map(parseListener), options);
  t.after(() => Promise.all(servers.map((s) => s.close())));
  return servers;
}

describe('REST listeners', () => {
  test('one app on an http and an https listener; port 0 resolves; TLS settings are read only for https', async (t) => {
    const { app: fastify } = app(t);
    let tlsAsked = 0;
    const [plain, secure] = await serve(t, fastify, ['http://127.0.0.1:0', 'HTTPS://127.0.0.1:0'], () => {
      tlsAsked++;
      return tls();
    });
    assert.match(plain.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(tlsAsked, 1);
    assert.deepEqual((await request(`${plain.url}/connectors`)).json(), ['milvus']);
    assert.deepEqual((await request(`${secure.url}/connectors`, { ca: CA })).json(), ['milvus']);
    await assert.rejects(request(`${secure.url}/connectors`), /self-signed certificate in certificate chain|unable to verify/);

    const httpOnly = app(t).app;
    await serve(t, httpOnly, ['http://127.0.0.1:0'], () => assert.fail('no https listener, no TLS settings'));
  });

  test('Location headers name the scheme the request came in on', async (t) => {
    const { app: fastify, herder } = app(t);
    herder.stub('createConnector', async ({ name }) => ({ name, config: { 'connector.class': 'X', name }, tasks: [], type: 'sink' }));
    const [secure] = await serve(t, fastify, ['https://127.0.0.1:0']);
    const res = await request(`${secure.url}/connectors`, { method: 'POST', ca: CA, body: { name: 'm', config: { 'connector.class': 'X' } } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.location, `${secure.url}/connectors/m`);
  });

  test('ssl.client.auth=required: only clients with a certificate from the truststore get through', async (t) => {
    const { app: fastify } = app(t);
    const [secure] = await serve(t, fastify, ['https://127.0.0.1:0'], () => tls({ 'ssl.client.auth': 'required', 'ssl.truststore.location': certs.caCert }));
    assert.equal((await request(`${secure.url}/connectors`, { ca: CA, ...CLIENT })).status, 200);
    await assert.rejects(request(`${secure.url}/connectors`, { ca: CA }));
    await assert.rejects(request(`${secure.url}/connectors`, { ca: CA, ...STRANGER }));
  });

  test('ssl.client.auth=requested: no certificate is fine, a certificate that does not verify is not', async (t) => {
    const { app: fastify } = app(t);
    const [secure] = await serve(t, fastify, ['https://127.0.0.1:0'], () => tls({ 'ssl.client.auth': 'requested', 'ssl.truststore.location': certs.caCert }));
    assert.equal((await request(`${secure.url}/connectors`, { ca: CA })).status, 200);
    assert.equal((await request(`${secure.url}/connectors`, { ca: CA, ...CLIENT })).status, 200);
    await assert.rejects(request(`${secure.url}/connectors`, { ca: CA, ...STRANGER }));
  });

  test('a separate admin app serves only /admin; the regular app then serves everything but /admin', async (t) => {
    const regular = app(t, { routes: 'regular' });
    const admin = app(t, { routes: 'admin', docs: false });
    const [api] = await serve(t, regular.app, ['http://127.0.0.1:0']);
    const [adminServer] = await serve(t, admin.app, ['https://127.0.0.1:0']);
    assert.equal((await request(`${api.url}/connectors`)).status, 200);
    assert.deepEqual((await request(`${api.url}/admin/loggers`)).json(), { error_code: 404, message: 'HTTP 404 Not Found' });
    assert.deepEqual((await request(`${adminServer.url}/admin/loggers`, { ca: CA })).json(), { root: { level: 'INFO', last_modified: null } });
    for (const path of ['/connectors', '/', '/health', '/docs']) {
      assert.equal((await request(`${adminServer.url}${path}`, { ca: CA })).status, 404, path);
    }
    assert.deepEqual(
      admin.herder.calls.map((c) => c.method),
      ['loggers'],
    );
  });

  test('a listener that cannot bind fails the start and closes the ones already open', async (t) => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => blocker.close(resolve)));
    const taken = (blocker.address() as { port: number }).port;
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const freePort = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));

    const { app: fastify } = app(t);
    await assert.rejects(
      listenAll(fastify, [parseListener(`http://127.0.0.1:${freePort}`), parseListener(`http://127.0.0.1:${taken}`)], () => tls()),
      /EADDRINUSE/,
    );
    await assert.rejects(request(`http://127.0.0.1:${freePort}/connectors`), /ECONNREFUSED/);
  });

  test('close stops accepting connections', async (t) => {
    const { app: fastify } = app(t);
    const [server] = await listenAll(fastify, [parseListener('http://127.0.0.1:0')], () => tls());
    assert.equal((await request(`${server.url}/connectors`)).status, 200);
    await server.close();
    await assert.rejects(request(`${server.url}/connectors`), /ECONNREFUSED/);
  });
});

describe('closing a REST listener', () => {
  test('a keep-alive connection that was busy when closing began does not hold the close', async (t) => {
    const { app: fastify, herder } = app(t);
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHerder = new Promise<void>((resolve) => (entered = resolve));
    herder.stub('connectors', async () => {
      entered();
      await answered;
      return ['milvus'];
    });
    const [server] = await listenAll(fastify, [parseListener('http://127.0.0.1:0')], () => tls());
    const { Agent, get } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    const response = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      get(`${server.url}/connectors`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      }).on('error', reject);
    });
    await inHerder; // the connection is busy with this request when closing begins
    const started = Date.now();
    const closed = server.close();
    release();
    assert.deepEqual(await response, { status: 200, connection: 'close' });
    await closed;
    assert.ok(Date.now() - started < 5_000, `close took ${Date.now() - started} ms`);
  });
});
