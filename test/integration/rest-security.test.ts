/**
 * REST security as operators configure it, on the real service process: an https listener beside a
 * loopback http one, basic authentication from a credentials file made by hash-password, /health
 * left open for health checks, CORS, and /admin moved to a separate https listener that also wants a
 * client certificate (its TLS keys given inline under admin.listeners.https.).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../src/api/security/password-hash.js';
import { makeDir, removeDir, startConnect, type ConnectProcess } from '../helpers/connect-process.js';
import { testCertificates } from '../helpers/certificates.js';
import { request } from '../helpers/https-request.js';

const certs = testCertificates();
const CA = certs.read(certs.caCert);
const CLIENT = { cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) };
const PASSWORD = 'correct horse battery';
const ALICE: [string, string] = ['alice', PASSWORD];
const UNAUTHORIZED = { error_code: 401, message: 'User cannot access the resource.' };

/** A PEM as a properties value or environment variable would often carry it: on one line. */
const oneLine = (pem: string) => pem.replace(/\n/g, ' ');

function listening(connect: ConnectProcess, pattern: RegExp): string {
  for (const line of connect.logs()) {
    const match = pattern.exec(String(line.msg ?? ''));
    if (match) return match[1];
  }
  throw new Error(`no log line matches ${pattern}:\n${connect.logTail()}`);
}

describe('REST security on the running worker', { timeout: 120_000 }, () => {
  let dir: string;
  let connect: ConnectProcess;
  let http: string;
  let https: string;
  let admin: string;

  before(async () => {
    dir = makeDir();
    const users = join(dir, 'connect-users');
    writeFileSync(users, `# REST users\nalice:${await hashPassword(PASSWORD)}\ncarol:${await hashPassword(PASSWORD)}\n`);
    connect = await startConnect({
      dir,
      workerProps: {
        listeners: 'http://127.0.0.1:0,https://127.0.0.1:0',
        'ssl.keystore.location': certs.serverKeystore,
        'admin.listeners': 'https://127.0.0.1:0',
        'admin.listeners.https.ssl.keystore.key': oneLine(certs.read(certs.serverKey)),
        'admin.listeners.https.ssl.keystore.certificate.chain': oneLine(certs.read(certs.serverCert)),
        'admin.listeners.https.ssl.client.auth': 'required',
        'admin.listeners.https.ssl.truststore.location': certs.caCert,
        'rest.basic.auth.credentials.file': users,
        'access.control.allow.origin': 'http://ui.example',
        'log4j.root.loglevel': 'DEBUG',
      },
    });
    http = connect.baseUrl;
    https = listening(connect, /^REST server listening on (https:\/\/\S+)$/);
    admin = listening(connect, /^Admin endpoints \(\/admin\) listening on (https:\/\/\S+)$/);
  });

  after(async () => {
    await connect?.stop();
    if (dir) removeDir(dir);
  });

  test('wrong, unknown or missing credentials get 401 with the envelope and a challenge, over http and https', async () => {
    for (const base of [http, https]) {
      for (const auth of [undefined, ['alice', 'wrong'], ['bob', PASSWORD]] as Array<[string, string] | undefined>) {
        const res = await request(`${base}/connectors`, { ca: CA, auth });
        assert.equal(res.status, 401, `${base} ${auth?.[0]}`);
        assert.deepEqual(res.json(), UNAUTHORIZED);
        assert.equal(res.headers['www-authenticate'], 'Basic realm="Kafka Connect", charset="UTF-8"');
      }
    }
  });

  test('the right credentials work on both listeners; TLS is verified against the CA', async () => {
    assert.deepEqual((await request(`${http}/connectors`, { auth: ALICE })).json(), []);
    const res = await request(`${https}/connectors?expand=status`, { ca: CA, auth: ALICE });
    assert.deepEqual([res.status, res.json()], [200, {}]);
    await assert.rejects(request(`${https}/connectors`, { auth: ALICE }), /unable to verify the first certificate|self-signed certificate/);
  });

  test("a flood of made-up credentials from one address gets 401 or 429, never more, while another client's first login passes", async () => {
    const flood = Array.from({ length: 60 }, (_, i) => request(`${http}/connectors`, { auth: [`mallory${i}`, `guess${i}`] }));
    const login = await request(`${http}/connectors`, { auth: ['carol', PASSWORD], localAddress: '127.0.0.2' });
    assert.equal(login.status, 200, login.text);
    for (const res of await Promise.all(flood)) {
      if (res.status === 401) {
        assert.deepEqual(res.json(), UNAUTHORIZED);
        continue;
      }
      assert.equal(res.status, 429, res.text);
      assert.equal(res.headers['retry-after'], '1');
      assert.deepEqual(res.json(), { error_code: 429, message: 'Too many authentication attempts at once; retry shortly.' });
    }
  });

  test('/health stays open for container health checks', async () => {
    for (const base of [http, https]) {
      const res = await request(`${base}/health`, { ca: CA });
      assert.equal(res.status, 200);
      assert.equal(res.json().status, 'healthy');
    }
  });

  test('/admin is served only on the admin listener, which needs a client certificate and credentials', async () => {
    assert.equal((await request(`${https}/admin/loggers`, { ca: CA, auth: ALICE })).status, 404);
    assert.equal((await request(`${http}/admin/loggers/root`, { auth: ALICE })).status, 404);
    await assert.rejects(request(`${admin}/admin/loggers`, { ca: CA, auth: ALICE }));
    assert.deepEqual((await request(`${admin}/admin/loggers`, { ca: CA, ...CLIENT })).json(), UNAUTHORIZED);
    const root = await request(`${admin}/admin/loggers/root`, { ca: CA, ...CLIENT, auth: ALICE });
    assert.equal(root.status, 200);
    assert.equal(root.json().level, 'DEBUG');
    assert.equal((await request(`${admin}/connectors`, { ca: CA, ...CLIENT, auth: ALICE })).status, 404);
  });

  test('CORS: preflights need no credentials, and a 401 is readable by the allowed origin', async () => {
    const preflight = await request(`${https}/connectors`, {
      method: 'OPTIONS',
      ca: CA,
      headers: { origin: 'http://ui.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'http://ui.example');
    assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization/);
    const denied = await request(`${https}/connectors`, { ca: CA, headers: { origin: 'http://ui.example' } });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['access-control-allow-origin'], 'http://ui.example');
    const other = await request(`${https}/connectors`, { ca: CA, auth: ALICE, headers: { origin: 'http://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  test('no password, Authorization header or private key reaches the log', async () => {
    await request(`${https}/connectors`, { ca: CA, auth: ['alice', 'typo-in-password'] });
    const log = JSON.stringify(connect.logs());
    const authorization = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    for (const secret of [PASSWORD, 'typo-in-password', authorization, 'PRIVATE KEY']) assert.ok(!log.includes(secret), secret);
  });
});

describe('REST security misconfiguration stops the start with a message naming the setting', { timeout: 120_000 }, () => {
  test('a credentials file with a plain-text password', async (t) => {
    const dir = makeDir();
    t.after(() => removeDir(dir));
    const users = join(dir, 'users');
    writeFileSync(users, 'admin: admin-secret\n');
    await assert.rejects(
      startConnect({ dir, workerProps: { 'rest.basic.auth.credentials.file': users } }),
      (e: Error) =>
        /it exited/.test(e.message) &&
        /The credentials file .*users \(rest\.basic\.auth\.credentials\.file\), line 1: the password of 'admin' is unusable: not a scrypt hash/.test(
          e.message,
        ) &&
        !e.message.includes('admin-secret'),
    );
  });

  test('an https listener whose key does not match its certificate', async (t) => {
    const dir = makeDir();
    t.after(() => removeDir(dir));
    await assert.rejects(
      startConnect({
        dir,
        workerProps: {
          listeners: 'http://127.0.0.1:0,https://127.0.0.1:0',
          'listeners.https.ssl.keystore.key': certs.read(certs.clientKey),
          'listeners.https.ssl.keystore.certificate.chain': certs.read(certs.serverCert),
        },
      }),
      /TLS settings of https listeners \(listeners\.https\.ssl\.keystore\.\*, listeners\.https\.ssl\.key\.password\) are unusable: .*key values mismatch/,
    );
  });
});
