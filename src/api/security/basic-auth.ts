/**
 * HTTP basic authentication for the REST API (what Kafka's BasicAuthSecurityRestExtension does, with
 * hashed passwords). Every request needs valid credentials except, when so configured, `GET /health`
 * (container health checks) and CORS preflights (browsers never send credentials on those). Failures
 * answer 401 in the error envelope with Kafka's message and a `WWW-Authenticate` challenge.
 *
 * Passwords are checked with scrypt, which is slow on purpose; a password that verified once is then
 * recognised by an HMAC under a per-process key, so clients pay the cost once, not on every call.
 * Credentials are never logged.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Credentials } from './credentials-file.js';
import { DEFAULT_SCRYPT_PARAMS, verifyPassword, type PasswordHash } from './password-hash.js';

/** Kafka's JaasBasicAuthFilter text. */
export const UNAUTHORIZED_MESSAGE = 'User cannot access the resource.';

export interface BasicAuthOptions {
  readonly credentials: Credentials;
  readonly realm: string;
  /** Whether `GET /health` answers without credentials. */
  readonly healthPublic: boolean;
  /** Whether CORS preflights pass without credentials (set when CORS is on). */
  readonly corsPreflight: boolean;
}

/** Checks user/password pairs against the credentials, remembering the pairs that verified. */
export class Authenticator {
  readonly #credentials: Credentials;
  readonly #key = randomBytes(32);
  readonly #verified = new Map<string, Buffer>();
  readonly #pending = new Map<string, Promise<boolean>>();
  // unknown users cost one scrypt too, so timing does not tell which user names exist
  readonly #unknownUser: PasswordHash = { ...DEFAULT_SCRYPT_PARAMS, salt: randomBytes(16), hash: randomBytes(32) };

  constructor(credentials: Credentials) {
    this.#credentials = credentials;
  }

  async authenticate(user: string, password: string): Promise<boolean> {
    const stored = this.#credentials.get(user);
    if (stored === undefined) {
      await verifyPassword(password, this.#unknownUser);
      return false;
    }
    const tag = createHmac('sha256', this.#key).update(`${user.length}:${user}`).update(password).digest();
    const known = this.#verified.get(user);
    if (known !== undefined && timingSafeEqual(known, tag)) return true;
    // concurrent first requests of one client share one scrypt run
    const id = tag.toString('base64');
    let pending = this.#pending.get(id);
    if (pending === undefined) {
      pending = verifyPassword(password, stored).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    const ok = await pending;
    if (ok) this.#verified.set(user, tag);
    return ok;
  }
}

/** `user` and `password` of an `Authorization: Basic …` header; null when absent or malformed. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  if (header === undefined) return null;
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (match === null) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
}

function isHealthCheck(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && request.routeOptions.url === '/health';
}

/** An onRequest hook enforcing basic authentication. */
export function basicAuthHook(options: BasicAuthOptions) {
  const authenticator = new Authenticator(options.credentials);
  const challenge = `Basic realm="${options.realm.replace(/["\\]/g, '\\$&')}", charset="UTF-8"`;

  return async function basicAuth(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (options.healthPublic && isHealthCheck(request)) return undefined;
    if (options.corsPreflight && isPreflight(request)) return undefined;
    const credentials = basicCredentials(request.headers.authorization);
    if (credentials !== null && (await authenticator.authenticate(credentials.user, credentials.password))) return undefined;
    // debug, as in Kafka: a mistyped password is not worth a warning in the log
    request.log.debug(credentials === null ? 'Request without basic credentials' : 'Request failed authentication');
    return reply.code(401).header('www-authenticate', challenge).send({ error_code: 401, message: UNAUTHORIZED_MESSAGE });
  };
}
