import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, parsePasswordHash, verifyPassword } from '../../../src/api/security/password-hash.js';

// cheap parameters keep the suite fast; the format and the comparison are the same at any cost
const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashes', () => {
  test('a hash is scrypt$N$r$p$salt$hash and verifies only the password it was made from', async () => {
    const encoded = await hashPassword('s3cret: with spaces', FAST);
    assert.match(encoded, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    assert.ok(!encoded.includes('s3cret'));
    const stored = parsePasswordHash(encoded);
    assert.equal(await verifyPassword('s3cret: with spaces', stored), true);
    assert.equal(await verifyPassword('s3cret: with space', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  test('the same password hashes differently each time (random salt)', async () => {
    const [a, b] = await Promise.all([hashPassword('pw', FAST), hashPassword('pw', FAST)]);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('pw', parsePasswordHash(b)), true);
  });

  test('the default cost is N=2^15, r=8, p=1 and is what a hash records', async () => {
    assert.deepEqual(DEFAULT_SCRYPT_PARAMS, { N: 32768, r: 8, p: 1 });
    assert.match(await hashPassword('pw'), /^scrypt\$32768\$8\$1\$/);
  });

  test('Unicode passwords are compared in one normal form', async () => {
    const stored = parsePasswordHash(await hashPassword('caf\u00e9', FAST));
    assert.equal(await verifyPassword('cafe\u0301', stored), true);
  });

  test('anything but a well-formed scrypt hash is refused, without repeating it', () => {
    const salt = Buffer.alloc(16, 1).toString('base64');
    const hash = Buffer.alloc(32, 2).toString('base64');
    const cases: Array<[string, RegExp]> = [
      ['hunter2', /not a scrypt hash .*npm run hash-password/],
      ['$2b$10$abcdefghijklmnopqrstuv', /not a scrypt hash/],
      [`scrypt$1024$8$1$${salt}`, /six \$-separated fields/],
      [`scrypt$1000$8$1$${salt}$${hash}`, /N must be a power of two/],
      [`scrypt$1048576$8$1$${salt}$${hash}`, /128·N·r must stay within 256 MiB/],
      [`scrypt$1024$8$99$${salt}$${hash}`, /p between 1 and 16/],
      [`scrypt$1024$8$1$not base64!$${hash}`, /must be base64/],
      [`scrypt$1024$8$1$${salt}$AAAA`, /too short/],
    ];
    for (const [encoded, reason] of cases) {
      assert.throws(
        () => parsePasswordHash(encoded),
        (e: Error) => reason.test(e.message) && !e.message.includes(encoded),
        encoded,
      );
    }
  });
});
