import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCredentials, readCredentialsFile } from '../../../src/api/security/credentials-file.js';
import { hashPassword, verifyPassword } from '../../../src/api/security/password-hash.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('the credentials file', () => {
  test('one user:hash per line; comments, blank lines and spaces around the colon are fine', async () => {
    const alice = await hashPassword('alice-pw', FAST);
    const bob = await hashPassword('bob-pw', FAST);
    const users = parseCredentials(`# operators\n\nalice:${alice}\r\n  bob : ${bob}  \n`, 'users');
    assert.deepEqual([...users.keys()], ['alice', 'bob']);
    assert.equal(await verifyPassword('bob-pw', users.get('bob')!), true);
  });

  test('a plain-text password is refused, naming the line and the user but not the password', () => {
    assert.throws(
      () => parseCredentials('# Kafka style\nadmin: admin-secret\n', 'users'),
      (e: Error) => e.message.startsWith("users, line 2: the password of 'admin' is unusable: not a scrypt hash") && !e.message.includes('admin-secret'),
    );
  });

  test('lines without a user, users listed twice and files without users are errors', async () => {
    const hash = await hashPassword('x', FAST);
    assert.throws(() => parseCredentials(`:${hash}\n`, 'users'), /users, line 1: expected <user>:<scrypt hash>/);
    assert.throws(() => parseCredentials(`a:${hash}\na:${hash}\n`, 'users'), /users, line 2: the user 'a' is listed twice/);
    assert.throws(() => parseCredentials('# nobody\n', 'users'), /users lists no users/);
  });

  test('reading names the worker key and the file', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'credentials-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    assert.throws(
      () => readCredentialsFile(join(dir, 'missing')),
      /Cannot read the credentials file .*missing \(rest\.basic\.auth\.credentials\.file\): ENOENT/,
    );
    writeFileSync(join(dir, 'users'), 'ops:plain\n');
    assert.throws(() => readCredentialsFile(join(dir, 'users')), /The credentials file .*users \(rest\.basic\.auth\.credentials\.file\), line 1/);
  });
});
