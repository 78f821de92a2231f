/**
 * Cross-origin support as Kafka configures it: off unless `access.control.allow.origin` is set; then
 * Jetty's CrossOriginFilter rules — allowed origins are a comma-separated list (`*` for any, `*` inside an
 * origin as a wildcard), the matching origin is echoed with credentials allowed, and preflights list
 * `access.control.allow.methods` (Jetty's default GET,POST,HEAD when blank).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface CorsOptions {
  allowOrigin: string;
  allowMethods?: string | null;
  /** Let cross-origin requests send `Authorization` (basic authentication is on). */
  allowAuthorization?: boolean;
}

// Jetty CrossOriginFilter defaults, which Kafka does not override
const DEFAULT_METHODS = ['GET', 'POST', 'HEAD'];
const ALLOWED_HEADERS = ['X-Requested-With', 'Content-Type', 'Accept', 'Origin'];
const PREFLIGHT_MAX_AGE_SECONDS = '1800';

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function originMatcher(allowOrigin: string): (origin: string) => boolean {
  const origins = list(allowOrigin);
  if (origins.includes('*')) return () => true;
  const patterns = origins.map((origin) => new RegExp(`^${origin.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`));
  // the Origin header may carry several space-separated origins; one allowed origin is enough
  return (header) => header.split(' ').some((origin) => patterns.some((pattern) => pattern.test(origin)));
}

/** An onRequest hook that adds the CORS response headers for allowed origins. */
export function corsHook(options: CorsOptions) {
  const allowed = originMatcher(options.allowOrigin);
  const methods = options.allowMethods ? list(options.allowMethods) : DEFAULT_METHODS;
  // Jetty's default list lacks Authorization; without it a browser could not send basic credentials
  const headers = options.allowAuthorization ? [...ALLOWED_HEADERS, 'Authorization'] : ALLOWED_HEADERS;
  const allowedHeaders = new Set(headers.map((h) => h.toLowerCase()));

  return async function cors(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    reply.header('vary', 'Origin');
    if (!allowed(origin)) return;
    const requestedMethod = request.headers['access-control-request-method'];
    if (request.method === 'OPTIONS' && typeof requestedMethod === 'string') {
      const requestedHeaders = list(String(request.headers['access-control-request-headers'] ?? ''));
      if (!methods.includes(requestedMethod)) return;
      if (!requestedHeaders.every((h) => allowedHeaders.has(h.toLowerCase()))) return;
      reply.header('access-control-allow-methods', methods.join(','));
      reply.header('access-control-allow-headers', headers.join(','));
      reply.header('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS);
    }
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
  };
}
