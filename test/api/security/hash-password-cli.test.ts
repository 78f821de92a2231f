import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCredentials } from '../../../src/api/security/credentials-file.js';
import { hashPasswordCli } from '../../../src/api/security/hash-password-cli.js';
import { verifyPassword } from '../../../src/api/security/password-hash.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

async function run(argv: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await hashPasswordCli(argv, { stdin: Readable.from([input]) as unknown as NodeJS.ReadStream, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('hash-password', () => {
  test('prints a credentials-file line for the first line of piped stdin, which then verifies', async () => {
    const { code, stdout, stderr } = await run(['alice', '--cost', '10'], 'pass word\nignored second line\n');
    assert.deepEqual([code, stderr], [0, '']);
    assert.match(stdout, /^alice:scrypt\$1024\$8\$1\$\S+\$\S+\n$/);
    const users = parseCredentials(stdout, 'output');
    assert.equal(await verifyPassword('pass word', users.get('alice')!), true);
    assert.equal(await verifyPassword('ignored second line', users.get('alice')!), false);
  });

  test('usage errors exit 2 and print the usage: no user, a user with a colon, a bad cost, an empty password', async () => {
    for (const [argv, input, message] of [
      [[], 'pw\n', /Give exactly one user name/],
      [['a:b'], 'pw\n', /without colons or spaces/],
      [['alice', '--cost', '30'], 'pw\n', /--cost must be an integer from 10 to 18/],
      [['alice', '--cost', '10'], '\n', /The password is empty/],
      [['alice', '--password', 'pw'], '', /Unknown option '--password'/],
    ] as Array<[string[], string, RegExp]>) {
      const result = await run(argv, input);
      assert.equal(result.code, 2, argv.join(' '));
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Usage: hash-password/);
      assert.equal(result.stdout, '');
    }
  });

  test('the npm script runs it: npm run --silent hash-password -- <user> prints only the line', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts['hash-password'], 'node scripts/ensure-deps.mjs && node --import tsx scripts/hash-password.ts');
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'hash-password.ts'), 'ops', '--cost', '10'], {
      cwd: ROOT,
      input: 'secret\n',
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ops:scrypt\$1024\$8\$1\$[^\n]+\n$/);
  });
});
