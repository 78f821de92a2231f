/**
 * `hash-password <user>`: prints one line for the REST credentials file (`rest.basic.auth.credentials.file`).
 * The password is never an argument (shell history, `ps`): it is asked twice on a terminal without echo,
 * or read as the first line of stdin when piped. Run as `npm run --silent hash-password -- alice` from a
 * checkout, or `node dist/api/security/hash-password-cli.js alice` in the container image.
 */
import { realpathSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SCRYPT_PARAMS, hashPassword } from './password-hash.js';

export const HASH_PASSWORD_USAGE = `Usage: hash-password [--cost <n>] <user>

Prints "<user>:scrypt$N$r$p$salt$hash", one line of the file named by rest.basic.auth.credentials.file.
The password is asked twice on a terminal (not echoed), or read as the first line of stdin when piped:
  printf '%s\\n' "$PASSWORD" | npm run --silent hash-password -- alice >> connect-users

Options:
  --cost <n>   scrypt cost N = 2^n, 10 to 18 (default ${Math.log2(DEFAULT_SCRYPT_PARAMS.N)}); each check takes 128·N·8 bytes
  -h, --help   print this help`;

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

class UsageError extends Error {}

/** One line typed on the terminal with echo off; Ctrl-C or Ctrl-D abandons. */
function askHidden(io: Io, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  const { stdin } = io;
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || char === '\u0004') return done(new Error('Cancelled'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readPassword(io: Io): Promise<string> {
  if (io.stdin.isTTY) {
    const first = await askHidden(io, 'Password: ');
    const again = await askHidden(io, 'Again: ');
    if (first !== again) throw new UsageError('The two passwords differ');
    return first;
  }
  return (await text(io.stdin)).split(/\r?\n/, 1)[0];
}

function parse(argv: readonly string[]): { help: true } | { help: false; user: string; cost: number } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { cost: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) return { help: true };
  if (parsed.positionals.length !== 1) throw new UsageError('Give exactly one user name');
  const [user] = parsed.positionals;
  if (user === '' || /[:\s]/.test(user)) throw new UsageError('A user name must be non-empty, without colons or spaces');
  const cost = parsed.values.cost === undefined ? Math.log2(DEFAULT_SCRYPT_PARAMS.N) : Number(parsed.values.cost);
  if (!Number.isInteger(cost) || cost < 10 || cost > 18) throw new UsageError('--cost must be an integer from 10 to 18');
  return { help: false, user, cost };
}

/** Runs the command; resolves with the exit code (0, 1 on failure, 2 on a usage error). */
export async function hashPasswordCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    const args = parse(argv);
    if (args.help) {
      io.stdout.write(`${HASH_PASSWORD_USAGE}\n`);
      return 0;
    }
    const password = await readPassword(io);
    if (password === '') throw new UsageError('The password is empty');
    const hash = await hashPassword(password, { ...DEFAULT_SCRYPT_PARAMS, N: 2 ** args.cost });
    io.stdout.write(`${args.user}:${hash}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`${(e as Error).message}${e instanceof UsageError ? `\n\n${HASH_PASSWORD_USAGE}` : ''}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await hashPasswordCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
}
