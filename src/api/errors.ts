/**
 * The one error mapper (Kafka's ConnectExceptionMapper): every failure leaves as
 * `{"error_code": <status>, "message": …}` with `error_code` equal to the HTTP status. Domain errors map
 * by class; Fastify's own errors (routing, body limits, schema validation) map to the statuses JAX-RS
 * would give.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  AlreadyExistsError,
  BadRequestError,
  ClientGoneError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RequestTargetError,
  RequestTimeoutError,
  ServerError,
} from '../runtime/errors.js';
import { forwardToLeader } from './forwarding.js';
import type { RouteTable } from './route-table.js';
import { validationMessage, type ValidationFailure } from './validation-messages.js';

export interface ErrorMessage {
  error_code: number;
  message: string | null;
}

/** A failure decided by the HTTP layer itself (JAX-RS' WebApplicationException). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** JAX-RS' own texts for the statuses the framework produces. */
export const REASON: Readonly<Record<number, string>> = {
  404: 'HTTP 404 Not Found',
  405: 'HTTP 405 Method Not Allowed',
  406: 'HTTP 406 Not Acceptable',
  415: 'HTTP 415 Unsupported Media Type',
};

export function httpError(status: 404 | 405 | 406 | 415): HttpError {
  return new HttpError(status, REASON[status]);
}

// precedence as in ConnectExceptionMapper; a subclass must come before its parent
const DOMAIN_STATUS: ReadonlyArray<readonly [new (...args: never[]) => Error, number]> = [
  [NotFoundError, 404],
  [AlreadyExistsError, 409],
  [BadRequestError, 400],
  [ConflictError, 409],
  [ForbiddenError, 403],
  // a write this worker may not make and could not forward (no leader known, or forwarded once already)
  [RequestTargetError, 409],
  [ServerError, 500],
  [RequestTimeoutError, 500],
  // nobody reads it: the client closed the connection (nginx's 499), never counted as a server error
  [ClientGoneError, 499],
];

function toErrorMessage(err: FastifyError | Error, request: FastifyRequest, bodyLimit: number): ErrorMessage {
  if (err instanceof HttpError) return { error_code: err.statusCode, message: err.message };
  for (const [type, status] of DOMAIN_STATUS) if (err instanceof type) return { error_code: status, message: err.message };
  const fastifyError = err as FastifyError & Partial<ValidationFailure>;
  if (fastifyError.validation !== undefined) {
    // JAX-RS matches `{task}` only when it is an int, so any other value is an unknown path
    if (fastifyError.validationContext === 'params') return { error_code: 404, message: REASON[404] };
    return { error_code: 400, message: validationMessage(fastifyError as ValidationFailure, request) };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error_code: 413, message: `Request body is larger than the limit of ${bodyLimit} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { error_code: 415, message: REASON[415] };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { error_code: 400, message: 'Request body size did not match Content-Length' };
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return { error_code: status, message: err.message };
  // anything else is Connect's catch-all 500 with the exception's message
  return { error_code: 500, message: err.message === '' ? null : err.message };
}

export function errorHandler(bodyLimit: number, forwardTimeoutMs: number) {
  return async function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      if (await forwardToLeader(err, request, reply, forwardTimeoutMs)) return;
    } catch (cause) {
      // the leader went away mid-request: a rebalance follows, and clients retry Kafka's 409s
      request.log.warn({ err: cause }, 'Could not forward the request to the leader');
      err = new ConflictError(
        `Cannot complete request: the leader could not be reached (${(cause as Error).message}); the workers are probably rebalancing, retry`,
      );
    }
    const body = toErrorMessage(err, request, bodyLimit);
    if (body.error_code >= 500) request.log.error({ err }, `Uncaught exception in REST call to ${request.url}`);
    else request.log.debug({ err: { type: err.name, message: err.message } }, 'Request rejected');
    void reply.code(body.error_code).send(body);
  };
}

/**
 * Unknown path → 404; known path with another method → 405 with `Allow`; OPTIONS on a known path → 204
 * with `Allow` (JAX-RS answers OPTIONS itself; CORS headers, when enabled, were added by the CORS hook).
 */
export function notFoundHandler(routes: RouteTable) {
  return function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
    const allowed = routes.allowedMethods(request.url);
    if (allowed.length === 0) return void reply.code(404).send({ error_code: 404, message: REASON[404] });
    const allow = [...new Set([...allowed, 'OPTIONS'])].sort().join(', ');
    if (request.method === 'OPTIONS') return void reply.code(204).header('allow', allow).send();
    void reply.code(405).header('allow', allow).send({ error_code: 405, message: REASON[405] });
  };
}

/** Fastify's `frameworkErrors`: a URL whose percent-encoding cannot be decoded. */
export function badUrlHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message = err.code === 'FST_ERR_BAD_URL' ? `Malformed request URL: ${request.url} contains an invalid percent-encoding` : err.message;
  // this reply skips the onSend hooks; a Buffer keeps Fastify from appending a charset
  const body = Buffer.from(JSON.stringify({ error_code: 400, message }));
  void reply.code(400).header('content-type', 'application/json').send(body);
}
