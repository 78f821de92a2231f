/**
 * What the HTTP layer needs from the worker configuration, as a small value of its own so the API can
 * be built (and tested) without the whole WorkerConfig.
 */
import { DEFAULT_HEALTH_CHECK_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './herder-request.js';

export interface ApiOptions {
  /** `access.control.allow.origin`; CORS is off when blank. */
  corsAllowOrigin?: string | null;
  /** `access.control.allow.methods`; Jetty's default (GET,POST,HEAD) when blank. */
  corsAllowMethods?: string | null;
  /** `/admin/loggers` is served unless `admin.listeners` is set to an empty list. */
  adminEnabled?: boolean;
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

export type ResolvedApiOptions = Required<ApiOptions>;

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
 * Reads `access.control.allow.origin`, `access.control.allow.methods` and `admin.listeners`.
 * `admin.listeners` unset keeps the admin endpoints on the regular listener; set to an empty list it
 * disables them. A non-empty list asks for a separate admin listener, which this process does not
 * open: the endpoints then stay on the regular listener.
 */
export function apiOptionsFrom(config: WorkerConfigView): ApiOptions {
  const adminListeners = read(config, 'admin.listeners');
  const adminDisabled = adminListeners === '' || (Array.isArray(adminListeners) && adminListeners.length === 0);
  return {
    corsAllowOrigin: text(read(config, 'access.control.allow.origin')),
    corsAllowMethods: text(read(config, 'access.control.allow.methods')),
    adminEnabled: !adminDisabled,
  };
}

export function resolveApiOptions(options: ApiOptions): ResolvedApiOptions {
  return {
    corsAllowOrigin: options.corsAllowOrigin ?? null,
    corsAllowMethods: options.corsAllowMethods ?? null,
    adminEnabled: options.adminEnabled ?? true,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    healthCheckTimeoutMs: options.healthCheckTimeoutMs ?? DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
    docs: options.docs ?? true,
  };
}
