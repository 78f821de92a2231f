import { ConnectError, DataError, RetriableError } from '../../plugin/index.js';

/**
 * The part of Confluent's Schema Registry REST API a deserialising converter needs: a schema by id,
 * and the subject versions its references name. Several URLs are tried in turn when one cannot be
 * reached (Confluent's RestService fails over the same way); connection failures and the statuses a
 * busy registry answers (408, 429, 502, 503, 504) are retried with exponential backoff. Messages name
 * the registry URL without credentials.
 */

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** A schema as the registry returns it, with every reference (and theirs) fetched too. */
export interface ResolvedSchema {
  readonly schemaType: SchemaType;
  readonly schema: string;
  readonly references: readonly ResolvedReference[];
}

export interface ResolvedReference extends ResolvedSchema {
  /** the name the referring schema imports it by (a .proto file name, an Avro full name, a JSON Schema $ref) */
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

export interface RegistryClientOptions {
  readonly urls: readonly string[];
  /** start at a random URL of the list (schema.registry.url.randomize) */
  readonly randomize: boolean;
  /** basic.auth.credentials.source */
  readonly credentialsSource: 'URL' | 'USER_INFO';
  /** `user:password`, for USER_INFO */
  readonly userInfo: string | null;
  /** request.header.* */
  readonly headers: Readonly<Record<string, string>>;
  /** one attempt may take connect + read timeout, then it is abandoned */
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly maxRetries: number;
  readonly retriesWaitMs: number;
  readonly retriesMaxWaitMs: number;
}

interface Endpoint {
  /** without credentials: what messages show */
  readonly base: string;
  readonly authorization: string | undefined;
}

/** Statuses Confluent's client retries: the registry is there but cannot answer now. */
const RETRIABLE_STATUSES = new Set([408, 429, 502, 503, 504]);
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5';
/** a reference chain deeper than this is taken for a cycle */
const MAX_REFERENCE_DEPTH = 32;

const SCHEMA_TYPES = new Set<string>(['AVRO', 'PROTOBUF', 'JSON']);

/** The registry answered, but not with the schema (404, 401, 500 …). */
export class RegistryResponseError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: number | undefined,
  ) {
    super(message);
    this.name = 'RegistryResponseError';
  }
}

/** `user:password@` removed, for messages and logs. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

function basic(userInfo: string): string {
  return `Basic ${Buffer.from(userInfo, 'utf8').toString('base64')}`;
}

function endpointOf(url: string, options: RegistryClientOptions): Endpoint {
  const parsed = new URL(url);
  const fromUrl = parsed.username || parsed.password ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` : undefined;
  const userInfo = options.credentialsSource === 'USER_INFO' ? options.userInfo : fromUrl;
  return { base: withoutCredentials(url), authorization: userInfo ? basic(userInfo) : undefined };
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer in time';
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message}: ${cause}` : error.message;
}

export class SchemaRegistryClient {
  readonly #endpoints: readonly Endpoint[];
  readonly #options: RegistryClientOptions;
  /** where the next request starts: the last URL that answered */
  #current: number;

  constructor(options: RegistryClientOptions) {
    if (options.urls.length === 0) throw new ConnectError('schema.registry.url lists no URL');
    this.#options = options;
    this.#endpoints = options.urls.map((url) => endpointOf(url, options));
    this.#current = options.randomize ? Math.floor(Math.random() * options.urls.length) : 0;
  }

  /** The registry URLs, without credentials, for messages. */
  get urls(): string {
    return this.#endpoints.map((e) => e.base).join(', ');
  }

  /**
   * `GET /schemas/ids/{id}` and its references. Throws RetriableError when no registry could be
   * reached (or all were busy) after the retries, DataError when one answered without the schema
   * (unknown id, refused credentials, a malformed answer); both name the id and the URL.
   */
  async schemaById(id: number, signal: AbortSignal): Promise<ResolvedSchema> {
    const what = `schema ${id}`;
    const body = await this.#get(`/schemas/ids/${id}`, what, signal);
    const schema = parseSchema(body, what, this.urls);
    return { ...schema, references: await this.#resolveAll(schema.references, what, signal, 1) };
  }

  async #resolveAll(references: readonly SchemaReference[], what: string, signal: AbortSignal, depth: number): Promise<ResolvedReference[]> {
    if (references.length === 0) return [];
    if (depth > MAX_REFERENCE_DEPTH) throw new DataError(`The references of ${what} nest deeper than ${MAX_REFERENCE_DEPTH} levels (a cycle?)`);
    return Promise.all(
      references.map(async (ref) => {
        const refWhat = `${what}'s reference ${ref.name} (subject ${ref.subject}, version ${ref.version})`;
        const body = await this.#get(`/subjects/${encodeURIComponent(ref.subject)}/versions/${ref.version}`, refWhat, signal);
        const schema = parseSchema(body, refWhat, this.urls);
        return { ...ref, ...schema, references: await this.#resolveAll(schema.references, what, signal, depth + 1) };
      }),
    );
  }

  async #get(path: string, what: string, signal: AbortSignal): Promise<unknown> {
    const { maxRetries, retriesWaitMs, retriesMaxWaitMs } = this.#options;
    let failure = '';
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) await sleep(Math.min(retriesMaxWaitMs, retriesWaitMs * 2 ** (attempt - 1)), signal);
      if (signal.aborted) break;
      const outcome = await this.#tryEachUrl(path, what, signal);
      if (outcome.ok) return outcome.body;
      failure = outcome.failure;
    }
    const attempts = maxRetries + 1;
    throw new RetriableError(
      `Could not fetch ${what} from the schema registry at ${this.urls}: ${failure} (${attempts} attempt${attempts === 1 ? '' : 's'}, max.retries=${maxRetries})`,
    );
  }

  /** One attempt: the URLs in turn from the current one, until one answers. */
  async #tryEachUrl(path: string, what: string, signal: AbortSignal): Promise<{ ok: true; body: unknown } | { ok: false; failure: string }> {
    const failures: string[] = [];
    const n = this.#endpoints.length;
    for (let i = 0; i < n; i++) {
      const index = (this.#current + i) % n;
      const endpoint = this.#endpoints[index];
      let response: Response;
      try {
        response = await fetch(`${endpoint.base}${path}`, {
          headers: { ...this.#options.headers, accept: ACCEPT, ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}) },
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.#options.connectTimeoutMs + this.#options.readTimeoutMs)]),
        });
      } catch (error) {
        if (signal.aborted) return { ok: false, failure: 'the task is stopping' };
        failures.push(n > 1 ? `${endpoint.base}: ${reasonOf(error)}` : reasonOf(error));
        continue;
      }
      this.#current = index;
      const text = await response.text().catch((error: unknown) => {
        throw new RetriableError(`The schema registry at ${endpoint.base} broke off its answer for ${what}: ${reasonOf(error)}`);
      });
      if (response.ok) {
        try {
          return { ok: true, body: JSON.parse(text) };
        } catch {
          throw new DataError(`The schema registry at ${endpoint.base} answered ${what} with something that is not JSON: ${preview(text)}`);
        }
      }
      const failure = describeError(response.status, text);
      if (RETRIABLE_STATUSES.has(response.status)) {
        failures.push(n > 1 ? `${endpoint.base}: ${failure}` : failure);
        continue;
      }
      throw answeredError(response.status, text, `The schema registry at ${endpoint.base} did not return ${what}: ${failure}`);
    }
    return { ok: false, failure: failures.join('; ') };
  }
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty)';
}

/** `404 Not Found (error 40403: Schema not found)` from Confluent's `{"error_code", "message"}` body. */
function describeError(status: number, text: string): string {
  let detail = preview(text);
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (typeof body.message === 'string') detail = typeof body.error_code === 'number' ? `error ${body.error_code}: ${body.message}` : body.message;
  } catch {
    // not Confluent's error body: show the text
  }
  return `HTTP ${status} (${detail})`;
}

function answeredError(status: number, text: string, message: string): DataError {
  let errorCode: number | undefined;
  try {
    const code = (JSON.parse(text) as { error_code?: unknown }).error_code;
    if (typeof code === 'number') errorCode = code;
  } catch {
    // no Confluent error body
  }
  const hint =
    status === 401 || status === 403 ? '; check basic.auth.credentials.source and basic.auth.user.info (or the credentials in schema.registry.url)' : '';
  return new DataError(`${message}${hint}`, { cause: new RegistryResponseError(message, status, errorCode) });
}

function parseSchema(body: unknown, what: string, urls: string): { schemaType: SchemaType; schema: string; references: SchemaReference[] } {
  const malformed = (why: string) => new DataError(`The schema registry at ${urls} answered ${what} with ${why}`);
  if (typeof body !== 'object' || body === null) throw malformed('no JSON object');
  const { schema, schemaType, references } = body as { schema?: unknown; schemaType?: unknown; references?: unknown };
  if (typeof schema !== 'string') throw malformed('no "schema" text');
  // Confluent leaves schemaType out for Avro
  const type = schemaType === undefined || schemaType === null ? 'AVRO' : schemaType;
  if (typeof type !== 'string' || !SCHEMA_TYPES.has(type)) throw malformed(`schemaType ${JSON.stringify(type)}, which is none of AVRO, PROTOBUF, JSON`);
  const refs: SchemaReference[] = [];
  for (const ref of Array.isArray(references) ? (references as unknown[]) : []) {
    const { name, subject, version } = (ref ?? {}) as { name?: unknown; subject?: unknown; version?: unknown };
    if (typeof name !== 'string' || typeof subject !== 'string' || typeof version !== 'number') throw malformed(`a malformed reference ${JSON.stringify(ref)}`);
    refs.push({ name, subject, version });
  }
  return { schemaType: type as SchemaType, schema, references: refs };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
