/**
 * A write that reaches a worker which does not lead its distributed cluster goes to the leader, as
 * Kafka's HerderRequestHandler.completeOrForwardRequest does: the same method, path, query and body, with
 * `forward=false` so the leader never forwards it again, and the caller's credentials passed through so
 * the leader authenticates the same user. The leader's answer goes back unchanged.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotLeaderError } from '../runtime/errors.js';

/** Request bodies as received, so a forwarded request carries the caller's bytes, not our binding of them. */
const rawBodies = new WeakMap<FastifyRequest, string>();

/** Called by the body parser with the text it parsed. */
export function rememberRawBody(request: FastifyRequest, text: string): void {
  rawBodies.set(request, text);
}

/** Headers of the leader's answer that mean the same thing to our caller. */
const PASSED_BACK = ['content-type', 'location', 'allow'];

/** Whether this request may still be forwarded (a forwarded request carries `forward=false`). */
function forwardable(request: FastifyRequest): boolean {
  const forward = new URL(request.url, 'http://worker').searchParams.get('forward');
  return forward === null || forward.toLowerCase() !== 'false';
}

/** The original path and query with `forward=false`, on the leader. */
function leaderTarget(leaderUrl: string, requestUrl: string): string {
  const target = new URL(requestUrl, leaderUrl.endsWith('/') ? leaderUrl : `${leaderUrl}/`);
  target.searchParams.set('forward', 'false');
  return target.toString();
}

/**
 * Forwards the request when `err` asks for it and it may be; false when the caller must answer `err`
 * itself (no leader known, or already forwarded once: Kafka's 409 then).
 */
export async function forwardToLeader(err: Error, request: FastifyRequest, reply: FastifyReply, timeoutMs: number): Promise<boolean> {
  if (!(err instanceof NotLeaderError) || err.leaderUrl === null || !forwardable(request)) return false;
  const headers: Record<string, string> = { accept: 'application/json' };
  const authorization = request.headers.authorization;
  if (authorization !== undefined) headers.authorization = authorization;
  const body = rawBodies.get(request);
  if (body !== undefined) headers['content-type'] = request.headers['content-type'] ?? 'application/json';
  const target = leaderTarget(err.leaderUrl, request.url);
  request.log.debug({ target }, 'Forwarding the request to the leader');
  const answer = await fetch(target, { method: request.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  for (const name of PASSED_BACK) {
    const value = answer.headers.get(name);
    if (value !== null) void reply.header(name, value);
  }
  const text = await answer.text();
  void reply.code(answer.status).send(text === '' ? undefined : text);
  return true;
}
