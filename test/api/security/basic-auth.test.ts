import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import pino from 'pino';
import type { ApiOptions } from '../../../src/api/app.js';
import { AuthResult, Authenticator, basicCredentials, type PasswordVerifier } from '../../../src/api/security/basic-auth.js';
import { hashPassword, parsePasswordHash, type PasswordHash } from '../../../src/api/security/password-hash.js';
import { buildTestApp, envelope } from '../../helpers/build-app.js';

const FAST = { N: 1024, r: 8, p: 1 };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ALICE = basic('alice', 'correct horse');

async function credentialsFile(t: TestContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'basic-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'users');
  writeFileSync(file, `alice:${await hashPassword('correct horse', FAST)}\nbob:${await hashPassword('b0b', FAST)}\n`);
  return file;
}

async function securedApp(t: TestContext, api: ApiOptions = {}, auth: { realm?: string; healthPublic?: boolean } = {}) {
  const built = await buildTestApp(t, { api: { ...api, basicAuth: { credentialsFile: await credentialsFile(t), ...auth } } });
  built.herder.stub('connectors', async () => ['milvus']);
  built.herder.stub('health', async () => ({ status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }));
  return built;
}

function assertUnauthorized(res: { statusCode: number; body: string; headers: Record<string, unknown> }, realm = 'Kafka Connect'): void {
  assert.equal(res.statusCode, 401);
  assert.deepEqual(envelope(res.body), { error_code: 401, message: 'User cannot access the resource.' });
  assert.equal(res.headers['www-authenticate'], `Basic realm="${realm}", charset="UTF-8"`);
  assert.equal(res.headers['content-type'], 'application/json');
}

describe('HTTP basic authentication', () => {
  test('missing, wrong, unknown and malformed credentials get 401 with the envelope and a challenge; the herder is never asked', async (t) => {
    const { app, herder } = await securedApp(t);
    const attempts: Array<string | undefined> = [
      undefined,
      basic('alice', 'wrong'),
      basic('alice', 'correct horse '),
      basic('mallory', 'correct horse'),
      basic('bob', 'correct horse'),
      'Bearer abc',
      'Basic !!!',
      `Basic ${Buffer.from('alice').toString('base64')}`,
      `Basic ${Buffer.from(':correct horse').toString('base64')}`,
    ];
    for (const authorization of attempts) {
      const res = await app.inject({ url: '/connectors', headers: authorization === undefined ? {} : { authorization } });
      assertUnauthorized(res);
    }
    assert.deepEqual(herder.calls, []);
  });

  test('right credentials reach the route, for every user in the file; the scheme is case-insensitive', async (t) => {
    const { app } = await securedApp(t);
    for (const authorization of [ALICE, basic('bob', 'b0b'), ALICE.replace('Basic', 'basic')]) {
      const res = await app.inject({ url: '/connectors', headers: { authorization } });
      assert.equal(res.statusCode, 200, authorization);
      assert.deepEqual(res.json(), ['milvus']);
    }
  });

  test('once a password has verified, a wrong one for the same user is still refused', async (t) => {
    const { app } = await securedApp(t);
    assert.equal((await app.inject({ url: '/connectors', headers: { authorization: ALICE } })).statusCode, 200);
    assertUnauthorized(await app.inject({ url: '/connectors', headers: { authorization: basic('alice', 'wrong') } }));
    assert.equal((await app.inject({ url: '/connectors', headers: { authorization: ALICE } })).statusCode, 200);
  });

  test('every surface is covered: unknown paths, /docs, /admin and the root', async (t) => {
    const { app } = await securedApp(t);
    for (const url of ['/', '/nope', '/docs', '/docs/json', '/admin/loggers', '/connectors/milvus/status']) {
      assertUnauthorized(await app.inject({ url }));
    }
  });

  test('/health answers without credentials unless rest.basic.auth.health.public=false', async (t) => {
    const open = await securedApp(t);
    for (const method of ['GET', 'HEAD'] as const) assert.equal((await open.app.inject({ method, url: '/health' })).statusCode, 200);
    assert.equal((await open.app.inject({ url: '/health/' })).statusCode, 200);
    const closed = await securedApp(t, {}, { healthPublic: false, realm: 'ops "east"' });
    assertUnauthorized(await closed.app.inject({ url: '/health' }), 'ops \\"east\\"');
    assert.equal((await closed.app.inject({ url: '/health', headers: { authorization: ALICE } })).statusCode, 200);
  });

  test('with CORS on, preflights pass without credentials and may ask for Authorization; a 401 carries the CORS headers', async (t) => {
    const { app, herder } = await securedApp(t, { corsAllowOrigin: 'http://ui', corsAllowMethods: 'GET,PUT' });
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/connectors',
      headers: { origin: 'http://ui', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'http://ui');
    assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization/);
    const denied = await app.inject({ url: '/connectors', headers: { origin: 'http://ui' } });
    assertUnauthorized(denied);
    assert.equal(denied.headers['access-control-allow-origin'], 'http://ui');
    assert.deepEqual(herder.calls, []);
  });

  test('without CORS an OPTIONS request is no way around authentication', async (t) => {
    const { app } = await securedApp(t);
    assertUnauthorized(await app.inject({ method: 'OPTIONS', url: '/connectors', headers: { origin: 'http://ui', 'access-control-request-method': 'GET' } }));
  });

  test('the OpenAPI document declares basic authentication when it is on', async (t) => {
    const { app } = await securedApp(t);
    const doc = (await app.inject({ url: '/docs/json', headers: { authorization: ALICE } })).json();
    assert.deepEqual(doc.components.securitySchemes, { basicAuth: { type: 'http', scheme: 'basic' } });
    assert.deepEqual(doc.security, [{ basicAuth: [] }]);
  });

  test('credentials never reach the log, whether right or wrong', async (t) => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const { app, herder } = await buildTestApp(t, { logger, api: { basicAuth: { credentialsFile: await credentialsFile(t) } } });
    herder.stub('connectors', async () => []);
    await app.inject({ url: '/connectors', headers: { authorization: ALICE } });
    await app.inject({ url: '/connectors', headers: { authorization: basic('alice', 'typo-secret') } });
    const log = lines.join('\n');
    assert.ok(lines.length >= 2);
    for (const secret of ['correct horse', 'typo-secret', ALICE.slice(6), basic('alice', 'typo-secret').slice(6)]) assert.ok(!log.includes(secret), secret);
  });

  test('an unusable credentials file stops the app from being built', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'basic-auth-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'users'), 'admin: admin\n');
    await assert.rejects(
      buildTestApp(t, { api: { basicAuth: { credentialsFile: join(dir, 'users') } } }),
      /line 1: the password of 'admin' is unusable: not a scrypt hash/,
    );
  });
});

describe('Authenticator and the Authorization header', () => {
  test('parses Basic credentials; the password may contain colons', () => {
    assert.deepEqual(basicCredentials(basic('u', 'p:a:ss')), { user: 'u', password: 'p:a:ss' });
    assert.equal(basicCredentials(undefined), null);
    assert.equal(basicCredentials('Digest abc'), null);
  });

  test('concurrent checks of one password share the work and agree', async () => {
    const users = new Map([['alice', parsePasswordHash(await hashPassword('pw', FAST))]]);
    const authenticator = new Authenticator(users);
    assert.deepEqual(await Promise.all([1, 2, 3].map(() => authenticator.authenticate('alice', 'pw'))), Array(3).fill(AuthResult.AUTHENTICATED));
    assert.deepEqual(
      await Promise.all([authenticator.authenticate('alice', 'nope'), authenticator.authenticate('eve', 'pw')]),
      Array(2).fill(AuthResult.REFUSED),
    );
  });
});

/**
 * A password check that counts its calls and holds each until the test finishes it, or until `release()`
 * (from then on, checks finish by themselves). Only alice's hash with 'pw' verifies.
 */
function countingVerifier(alice: PasswordHash, auto = false) {
  const calls: Array<{ password: string; stored: PasswordHash; finish: () => void }> = [];
  const verify: PasswordVerifier = (password, stored) =>
    new Promise((resolve) => {
      const finish = () => resolve(stored === alice && password === 'pw');
      calls.push({ password, stored, finish });
      if (auto) setImmediate(finish);
    });
  const release = () => {
    auto = true;
    for (const call of calls) call.finish();
  };
  return { calls, verify, release };
}

const ALICE_HASH: PasswordHash = { N: 2 ** 16, r: 8, p: 2, salt: Buffer.alloc(16, 1), hash: Buffer.alloc(32, 2) };
const USERS = new Map([['alice', ALICE_HASH]]);

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), 'condition not reached');
}

describe('Authentication cost is bounded', () => {
  test('a hundred made-up credentials from one address let a legitimate first login through after at most four other hashes', async () => {
    const { calls, verify } = countingVerifier(ALICE_HASH, true);
    const authenticator = new Authenticator(USERS, { verify });
    const flood = Array.from({ length: 100 }, (_, i) => authenticator.authenticate(`mallory${i}`, `guess${i}`, '10.0.0.66'));
    const login = authenticator.authenticate('alice', 'pw', '10.0.0.7');
    assert.equal(await login, AuthResult.AUTHENTICATED);
    const results = await Promise.all(flood);
    // the default limits: 2 hashing + 8 waiting, 4 of those places per address
    assert.deepEqual(
      calls.map((c) => c.password),
      ['guess0', 'guess1', 'guess2', 'guess3', 'pw'],
    );
    assert.equal(results.filter((r) => r === AuthResult.REFUSED).length, 4);
    assert.equal(results.filter((r) => r === AuthResult.BUSY).length, 96);
  });

  test('an unknown user costs what a known user with a wrong password costs: one hash at the listed cost', async () => {
    const { calls, verify } = countingVerifier(ALICE_HASH, true);
    const authenticator = new Authenticator(USERS, { verify });
    assert.equal(await authenticator.authenticate('eve', 'pw'), AuthResult.REFUSED);
    assert.equal(await authenticator.authenticate('alice', 'wrong'), AuthResult.REFUSED);
    assert.equal(calls.length, 2);
    const [decoy, real] = calls.map((c) => c.stored);
    assert.deepEqual([decoy.N, decoy.r, decoy.p, decoy.hash.length], [real.N, real.r, real.p, real.hash.length]);
    assert.notEqual(decoy, ALICE_HASH);
  });

  test('a client retrying the same wrong credentials costs one hash, not one per request', async () => {
    const { calls, verify } = countingVerifier(ALICE_HASH, true);
    const authenticator = new Authenticator(USERS, { verify });
    for (let i = 0; i < 20; i++) {
      assert.equal(await authenticator.authenticate('alice', 'stale'), AuthResult.REFUSED);
      assert.equal(await authenticator.authenticate('eve', 'stale'), AuthResult.REFUSED);
    }
    assert.equal(calls.length, 2);
    assert.equal(await authenticator.authenticate('alice', 'pw'), AuthResult.AUTHENTICATED);
  });

  test('remembered failures are bounded: the oldest is forgotten first and costs a hash again', async () => {
    const { calls, verify } = countingVerifier(ALICE_HASH, true);
    const authenticator = new Authenticator(USERS, { verify, failureMemory: 2 });
    for (const password of ['one', 'two', 'three', 'two', 'three', 'one']) await authenticator.authenticate('alice', password);
    assert.deepEqual(
      calls.map((c) => c.password),
      ['one', 'two', 'three', 'one'],
    );
  });

  test('clients whose credentials verified never wait, even while the hashing places are all taken', async () => {
    const { calls, verify, release } = countingVerifier(ALICE_HASH);
    const authenticator = new Authenticator(USERS, { verify });
    const first = authenticator.authenticate('alice', 'pw');
    await until(() => calls.length === 1);
    calls[0].finish();
    assert.equal(await first, AuthResult.AUTHENTICATED);
    const flood = Array.from({ length: 20 }, (_, i) => authenticator.authenticate(`u${i}`, 'x', `10.0.0.${i}`));
    await until(() => calls.length === 3);
    assert.equal(await authenticator.authenticate('alice', 'pw', '10.0.0.7'), AuthResult.AUTHENTICATED);
    assert.equal(await authenticator.authenticate('bob', 'pw', '10.0.0.99'), AuthResult.BUSY);
    release();
    const results = await Promise.all(flood);
    assert.equal(results.filter((r) => r === AuthResult.BUSY).length, 10);
    assert.equal(calls.length, 11);
  });

  test('through the API, a request that finds password checking saturated gets 429 with Retry-After, not 401', async (t) => {
    const { calls, verify, release } = countingVerifier(ALICE_HASH);
    const { app, herder } = await buildTestApp(t, { api: { basicAuth: { credentialsFile: await credentialsFile(t), verify } } });
    herder.stub('connectors', async () => []);
    const flood = Array.from({ length: 4 }, (_, i) =>
      app.inject({ url: '/connectors', remoteAddress: '10.0.0.66', headers: { authorization: basic(`m${i}`, 'x') } }),
    );
    await until(() => calls.length === 2);
    const busy = await app.inject({ url: '/connectors', remoteAddress: '10.0.0.66', headers: { authorization: ALICE } });
    assert.equal(busy.statusCode, 429);
    assert.equal(busy.headers['retry-after'], '1');
    assert.deepEqual(envelope(busy.body), { error_code: 429, message: 'Too many authentication attempts at once; retry shortly.' });
    release();
    for (const res of await Promise.all(flood)) assertUnauthorized(res);
  });
});
