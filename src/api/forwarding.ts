/**
 * A request another worker of a distributed cluster must serve (a write: the leader; a task restart: the
 * task's worker) is forwarded there, as Kafka's HerderRequestHandler.completeOrForwardRequest does: the
 * same method, path, query and body, the caller's credentials passed through so the target authenticates
 * the same user, and the target's answer goes back unchanged. As in Kafka, a request may take two hops
 * (a follower to the leader, the leader to the task's worker): the first hop carries `forward=true`, the
 * second `forward=false`, and a worker never forwards a request that says `forward=false`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestTargetError } from '../runtime/errors.js';

/** Request bodies as received, so a forwarded request carries the caller's bytes, not our binding of them. */
const rawBodies = new WeakMap<FastifyRequest, string>();

/** Called by the body parser with the text it parsed. */
export function rememberRawBody(request: FastifyRequest, text: string): void {
  rawBodies.set(request, text);
}

/** Headers of the leader's answer that mean the same thing to our caller. */
const PASSED_BACK = ['content-type', 'location', 'allow'];

/** The request's `forward` flag: null when the user sent it (no flag), else whether it may hop again. */
function forwardFlag(request: FastifyRequest): boolean | null {
  const forward = new URL(request.url, 'http://worker').searchParams.get('forward');
  return forward === null ? null : forward.toLowerCase() === 'true';
}

/** The original path and query on the worker that must serve it, with the next hop's `forward` flag. */
function targetOf(workerUrl: string, requestUrl: string, mayHopAgain: boolean): string {
  const target = new URL(requestUrl, workerUrl.endsWith('/') ? workerUrl : `${workerUrl}/`);
  target.searchParams.set('forward', String(mayHopAgain));
  return target.toString();
}

/**
 * Forwards the request when `err` asks for it and it may be; false when the caller must answer `err`
 * itself (no leader known, or already forwarded once: Kafka's 409 then).
 */
export async function forwardToLeader(err: Error, request: FastifyRequest, reply: FastifyReply, timeoutMs: number): Promise<boolean> {
  const flag = forwardFlag(request);
  if (!(err instanceof RequestTargetError) || err.targetUrl === null || flag === false) return false;
  const headers: Record<string, string> = { accept: 'application/json' };
  const authorization = request.headers.authorization;
  if (authorization !== undefined) headers.authorization = authorization;
  const body = rawBodies.get(request);
  if (body !== undefined) headers['content-type'] = request.headers['content-type'] ?? 'application/json';
  const target = targetOf(err.targetUrl, request.url, flag === null);
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
