/**
 * HTTP basic authentication for the REST API (what Kafka's BasicAuthSecurityRestExtension does, with
 * hashed passwords). Every request needs valid credentials except, when so configured, `GET /health`
 * (container health checks) and CORS preflights (browsers never send credentials on those). Failures
 * answer 401 in the error envelope with Kafka's message and a `WWW-Authenticate` challenge.
 *
 * Passwords are checked with scrypt, which is slow on purpose; a password that verified once is then
 * recognised by an HMAC under a per-process key, so clients pay the cost once, not on every call.
 * Hashing is bounded by a HashingGate: when it is full a request needing a hash gets 429 with
 * `Retry-After`, while clients whose credentials already verified never wait for it.
 * Credentials are never logged.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Credentials } from './credentials-file.js';
import { HashingGate, type HashingLimits } from './hashing-gate.js';
import { DEFAULT_SCRYPT_PARAMS, verifyPassword, type PasswordHash } from './password-hash.js';

/** Kafka's JaasBasicAuthFilter text. */
export const UNAUTHORIZED_MESSAGE = 'User cannot access the resource.';
export const BUSY_MESSAGE = 'Too many authentication attempts at once; retry shortly.';

export interface BasicAuthOptions {
  readonly credentials: Credentials;
  readonly realm: string;
  /** Whether `GET /health` answers without credentials. */
  readonly healthPublic: boolean;
  /** Whether CORS preflights pass without credentials (set when CORS is on). */
  readonly corsPreflight: boolean;
  readonly verify?: PasswordVerifier;
}

/** What a check of credentials came to. */
export const AuthResult = {
  AUTHENTICATED: 'authenticated',
  REFUSED: 'refused',
  /** Not checked: too many hashes running or waiting (HashingGate); the client should retry shortly. */
  BUSY: 'busy',
} as const;
export type AuthResult = (typeof AuthResult)[keyof typeof AuthResult];

/** Checks a password against its stored hash; scrypt in production, a counting fake in tests. */
export type PasswordVerifier = (password: string, stored: PasswordHash) => Promise<boolean>;

export interface AuthenticatorOptions {
  readonly verify?: PasswordVerifier;
  readonly limits?: HashingLimits;
  /** How many failed user/password pairs are remembered, so that a client retrying stale credentials costs no hash. */
  readonly failureMemory?: number;
}

const DEFAULT_FAILURE_MEMORY = 1024;

/**
 * Checks user/password pairs against the credentials. Pairs are remembered only as HMACs under a key
 * made per process, never in plain text: the verified one per user, and a bounded set of failed ones.
 * The credentials are read once when the app is built, so neither memory needs invalidating.
 */
export class Authenticator {
  readonly #credentials: Credentials;
  readonly #verify: PasswordVerifier;
  readonly #gate: HashingGate;
  readonly #failureMemory: number;
  readonly #key = randomBytes(32);
  readonly #verified = new Map<string, Buffer>();
  // insertion order doubles as recency: the oldest failure is forgotten first
  readonly #failed = new Set<string>();
  readonly #pending = new Map<string, Promise<boolean>>();
  // unknown users are hashed against a decoy costing what a listed user's hash costs, and pass the same
  // caches and gate: neither the time taken nor the answer tells which user names exist
  readonly #decoy: PasswordHash;

  constructor(credentials: Credentials, options: AuthenticatorOptions = {}) {
    this.#credentials = credentials;
    this.#verify = options.verify ?? verifyPassword;
    this.#gate = new HashingGate(options.limits);
    this.#failureMemory = options.failureMemory ?? DEFAULT_FAILURE_MEMORY;
    const costOf = credentials.values().next().value ?? DEFAULT_SCRYPT_PARAMS;
    this.#decoy = { N: costOf.N, r: costOf.r, p: costOf.p, salt: randomBytes(16), hash: randomBytes(32) };
  }

  /** `client` identifies the caller (its address) for the gate's fair share. */
  async authenticate(user: string, password: string, client = ''): Promise<AuthResult> {
    const tag = createHmac('sha256', this.#key).update(`${user.length}:${user}`).update(password).digest();
    const known = this.#verified.get(user);
    if (known !== undefined && timingSafeEqual(known, tag)) return AuthResult.AUTHENTICATED;
    // the id is a keyed MAC: looking it up in a Map leaks nothing an attacker can use
    const id = tag.toString('base64');
    if (this.#failed.has(id)) {
      this.#failed.delete(id);
      this.#failed.add(id);
      return AuthResult.REFUSED;
    }
    // concurrent first requests with the same pair share one hash
    let pending = this.#pending.get(id);
    if (pending === undefined) {
      const stored = this.#credentials.get(user);
      const started = this.#gate.run(client, async () => (await this.#verify(password, stored ?? this.#decoy)) && stored !== undefined);
      if (started === null) return AuthResult.BUSY;
      pending = started.finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    if (await pending) {
      this.#verified.set(user, tag);
      return AuthResult.AUTHENTICATED;
    }
    this.#rememberFailure(id);
    return AuthResult.REFUSED;
  }

  #rememberFailure(id: string): void {
    this.#failed.add(id);
    if (this.#failed.size > this.#failureMemory) this.#failed.delete(this.#failed.values().next().value as string);
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
  const authenticator = new Authenticator(options.credentials, { verify: options.verify });
  const challenge = `Basic realm="${options.realm.replace(/["\\]/g, '\\$&')}", charset="UTF-8"`;

  return async function basicAuth(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (options.healthPublic && isHealthCheck(request)) return undefined;
    if (options.corsPreflight && isPreflight(request)) return undefined;
    const credentials = basicCredentials(request.headers.authorization);
    const result = credentials === null ? AuthResult.REFUSED : await authenticator.authenticate(credentials.user, credentials.password, request.ip);
    if (result === AuthResult.AUTHENTICATED) return undefined;
    if (result === AuthResult.BUSY) {
      // not a 401: the credentials may well be right, and a client that gets 401 stops asking
      request.log.debug('Authentication refused: too many password checks at once');
      return reply.code(429).header('retry-after', '1').send({ error_code: 429, message: BUSY_MESSAGE });
    }
    // debug, as in Kafka: a mistyped password is not worth a warning in the log
    request.log.debug(credentials === null ? 'Request without basic credentials' : 'Request failed authentication');
    return reply.code(401).header('www-authenticate', challenge).send({ error_code: 401, message: UNAUTHORIZED_MESSAGE });
  };
}
