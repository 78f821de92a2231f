/**
 * The REST credentials file: one `user:scrypt$N$r$p$salt$hash` per line (from `npm run hash-password`),
 * `#` comments and blank lines allowed. Kafka's basic-auth extension reads `user: password` in plain
 * text; this file holds only hashes, and a line that is not one is refused rather than trusted.
 */
import { readFileSync } from 'node:fs';
import { parsePasswordHash, type PasswordHash } from './password-hash.js';

export type Credentials = ReadonlyMap<string, PasswordHash>;

/** Parses the file's text; `source` names it in errors. Throws an Error naming the line, never the hash. */
export function parseCredentials(text: string, source: string): Credentials {
  const users = new Map<string, PasswordHash>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${source}, line ${i + 1}`;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`${where}: expected <user>:<scrypt hash>`);
    const user = line.slice(0, colon).trim();
    if (users.has(user)) throw new Error(`${where}: the user '${user}' is listed twice`);
    try {
      users.set(user, parsePasswordHash(line.slice(colon + 1).trim()));
    } catch (e) {
      throw new Error(`${where}: the password of '${user}' is unusable: ${(e as Error).message}`);
    }
  }
  if (users.size === 0) throw new Error(`${source} lists no users: nobody could use the REST API`);
  return users;
}

/** Reads and parses a credentials file; errors name the worker key and the file. */
export function readCredentialsFile(path: string, key = 'rest.basic.auth.credentials.file'): Credentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read the credentials file ${path} (${key}): ${(e as Error).message}`, { cause: e });
  }
  return parseCredentials(text, `The credentials file ${path} (${key})`);
}
