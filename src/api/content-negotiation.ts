/**
 * Connect's resources consume and produce `application/json` only. JAX-RS checks both after matching
 * the route and before reading the body: a non-JSON request body type is 415, an `Accept` that rules
 * out JSON is 406. A missing Content-Type is read as JSON (lenient, as the spec recommends).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpError } from './errors.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_RANGES = new Set(['*/*', 'application/*', 'application/json']);

/** `application/json` with any parameters; `+json` vendor types do not count (JAX-RS matching). */
export function isJsonMediaType(contentType: string): boolean {
  return contentType.split(';', 1)[0].trim().toLowerCase() === 'application/json';
}

/** True when some media range with q > 0 accepts `application/json`; a missing or empty header accepts all. */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return JSON_RANGES.has(type) && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** onRequest hook for the API routes: 415 first, then 406, as JAX-RS selects the resource method. */
export function negotiate(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  const contentType = request.headers['content-type'];
  if (BODY_METHODS.has(request.method) && contentType !== undefined && !isJsonMediaType(contentType)) {
    return done(httpError(415));
  }
  if (!acceptsJson(request.headers.accept)) return done(httpError(406));
  done();
}
