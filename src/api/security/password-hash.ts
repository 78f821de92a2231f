/**
 * Password hashes for the REST credentials file: Node's built-in scrypt, written as
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` so that each line carries its own cost parameters
 * (raise them later without invalidating older lines). Comparison is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two */
  readonly N: number;
  /** block size */
  readonly r: number;
  /** parallelism */
  readonly p: number;
}

export interface PasswordHash extends ScryptParams {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** 32 MiB and ~0.1 s per hash on a server core; a verified password is then cached by the authenticator. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** scrypt needs 128·N·r bytes; a line asking for more than this is refused rather than exhausting memory. */
const MAX_MEMORY = 256 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParams, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Why these parameters are unacceptable, or null. */
function paramsProblem({ N, r, p }: ScryptParams): string | null {
  if (!Number.isSafeInteger(N) || N < 2 || (N & (N - 1)) !== 0) return 'N must be a power of two, at least 2';
  if (!Number.isSafeInteger(r) || r < 1 || !Number.isSafeInteger(p) || p < 1 || p > 16) return 'r must be at least 1 and p between 1 and 16';
  if (128 * N * r > MAX_MEMORY) return `128·N·r must stay within ${MAX_MEMORY / 1024 / 1024} MiB`;
  return null;
}

/** A new `scrypt$…` line value for `password`, with a random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const problem = paramsProblem(params);
  if (problem !== null) throw new Error(`Invalid scrypt parameters: ${problem}`);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params, HASH_BYTES);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Parses a `scrypt$…` value; throws an Error saying what is wrong (never repeating the value). */
export function parsePasswordHash(encoded: string): PasswordHash {
  const parts = encoded.split('$');
  if (parts[0] !== 'scrypt') throw new Error('not a scrypt hash (expected scrypt$N$r$p$salt$hash; make one with npm run hash-password)');
  if (parts.length !== 6) throw new Error('a scrypt hash has six $-separated fields: scrypt$N$r$p$salt$hash');
  const [N, r, p] = parts.slice(1, 4).map((n) => (/^\d{1,10}$/.test(n) ? Number(n) : NaN));
  const problem = paramsProblem({ N, r, p });
  if (problem !== null) throw new Error(`invalid scrypt parameters: ${problem}`);
  if (!BASE64.test(parts[4]) || !BASE64.test(parts[5])) throw new Error('salt and hash must be base64');
  const salt = Buffer.from(parts[4], 'base64');
  const hash = Buffer.from(parts[5], 'base64');
  if (salt.length < 8 || hash.length < 16) throw new Error('salt or hash too short (at least 8 and 16 bytes)');
  return { N, r, p, salt, hash };
}

/** Whether `password` matches `stored`; the comparison takes the same time wherever the bytes differ. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const candidate = await derive(password, stored.salt, stored, stored.hash.length);
  return timingSafeEqual(candidate, stored.hash);
}
