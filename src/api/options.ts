/**
 * What the HTTP layer needs from the worker configuration, as a small value of its own so the API can
 * be built (and tested) without the whole WorkerConfig.
 */
import type { PasswordVerifier } from './security/basic-auth.js';
import { DEFAULT_HEALTH_CHECK_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './herder-request.js';

export interface ApiOptions {
  /** `access.control.allow.origin`; CORS is off when blank. */
  corsAllowOrigin?: string | null;
  /** `access.control.allow.methods`; Jetty's default (GET,POST,HEAD) when blank. */
  corsAllowMethods?: string | null;
  /**
   * Which resources this app serves: `all` (the regular ones and `/admin/*`), `regular` (no `/admin/*`:
   * `admin.listeners` is empty, or a separate admin app serves them) or `admin` (only `/admin/*`).
   */
  routes?: ApiRoutes;
  /** HTTP basic authentication; none when null. */
  basicAuth?: BasicAuthSettings | null;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  /** How long a request waits for the herder (Connect: 90 s). */
  requestTimeoutMs?: number;
  /**
   * How long `GET /health` waits for the herder (Connect: 10 s) before answering 500 "unhealthy". A safety
   * net: the herder's own health budget must be shorter, so that it can still answer 503 "starting".
   */
  healthCheckTimeoutMs?: number;
  /** Serve Swagger UI at `/docs` and the OpenAPI document at `/docs/json`. */
  docs?: boolean;
}

export type ApiRoutes = 'all' | 'regular' | 'admin';

export interface BasicAuthSettings {
  /** `rest.basic.auth.credentials.file`: `user:scrypt$…` lines, read when the app is built. */
  credentialsFile: string;
  /** `rest.basic.auth.realm` */
  realm?: string;
  /** `rest.basic.auth.health.public`: `GET /health` without credentials (default true). */
  healthPublic?: boolean;
  /** Checks a password against its hash: scrypt unless a test counts or holds the checks. */
  verify?: PasswordVerifier;
}

export type ResolvedApiOptions = Required<ApiOptions>;

export const DEFAULT_REALM = 'Kafka Connect';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The part of WorkerConfig (a ParsedConfig) read here: values by Kafka key name. */
export interface WorkerConfigView {
  get(name: string): unknown;
}

function read(config: WorkerConfigView, name: string): unknown {
  try {
    return config.get(name);
  } catch {
    // a worker ConfigDef without this key: the setting is simply not configured
    return undefined;
  }
}

function text(value: unknown): string | null {
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/**
 * Reads `access.control.allow.origin`, `access.control.allow.methods`, `admin.listeners` and the
 * `rest.basic.auth.*` keys. `admin.listeners` unset keeps the admin endpoints on this app; an empty list
 * disables them; a list of URLs moves them to a separate app (built with `routes: 'admin'`).
 */
export function apiOptionsFrom(config: WorkerConfigView): ApiOptions {
  const adminListeners = read(config, 'admin.listeners');
  const adminHere = adminListeners === null || adminListeners === undefined;
  const credentialsFile = text(read(config, 'rest.basic.auth.credentials.file'));
  const healthPublic = read(config, 'rest.basic.auth.health.public');
  return {
    corsAllowOrigin: text(read(config, 'access.control.allow.origin')),
    corsAllowMethods: text(read(config, 'access.control.allow.methods')),
    routes: adminHere ? 'all' : 'regular',
    basicAuth:
      credentialsFile === null
        ? null
        : {
            credentialsFile,
            realm: text(read(config, 'rest.basic.auth.realm')) ?? DEFAULT_REALM,
            healthPublic: typeof healthPublic === 'boolean' ? healthPublic : true,
          },
  };
}

export function resolveApiOptions(options: ApiOptions): ResolvedApiOptions {
  return {
    corsAllowOrigin: options.corsAllowOrigin ?? null,
    corsAllowMethods: options.corsAllowMethods ?? null,
    routes: options.routes ?? 'all',
    basicAuth: options.basicAuth ?? null,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    healthCheckTimeoutMs: options.healthCheckTimeoutMs ?? DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
    docs: options.docs ?? true,
  };
}
