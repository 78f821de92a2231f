/**
 * Awaits herder operations under Connect's REST timeout (Kafka's HerderRequestHandler): a request that
 * takes longer than 90 s is answered with 500 `Request timed out`, naming what the herder is busy with
 * so an operator can tell a slow reconfiguration from a stuck one. The operation itself keeps running.
 */
import type { FastifyReply } from 'fastify';
import type { Herder } from '../runtime/herder/herder.js';
import { RequestTimeoutError } from '../runtime/errors.js';
import { javaInstant } from './compat.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 90_000;
export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 10_000;

/** Runs one herder operation; rejects with RequestTimeoutError when it outlives the budget. */
export type HerderRequest = <T>(operation: () => Promise<T>, timeoutMs?: number) => Promise<T>;

const TIMED_OUT = Symbol('timed out');

/** `The worker is currently <stage>, which began at <instant>.`, or null when the herder is idle. */
export function stageSummary(herder: Herder): string | null {
  const stage = herder.currentStage();
  if (stage === null) return null;
  return `The worker is currently ${stage.description}, which began at ${javaInstant(stage.startedAt)}.`;
}

export function herderRequest(herder: Herder, defaultTimeoutMs: number): HerderRequest {
  return async function run<T>(operation: () => Promise<T>, timeoutMs = defaultTimeoutMs): Promise<T> {
    const result = await withinTimeout(operation(), timeoutMs);
    if (result !== TIMED_OUT) return result;
    const summary = stageSummary(herder);
    throw new RequestTimeoutError(summary === null ? 'Request timed out' : `Request timed out. ${summary}`);
  };
}

const PENDING = Symbol('pending');
const pending = Promise.resolve(PENDING);

/** The operation's value, or TIMED_OUT. A late rejection is swallowed: nobody waits for it any more. */
export async function withinTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | typeof TIMED_OUT> {
  // What the herder answers from memory (status, config, the connector list) has settled already, and
  // race() then takes its value: arming and clearing a timer for it was ~4% of a status request's CPU.
  const settled = await Promise.race([promise, pending]);
  if (settled !== PENDING) return settled;
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => {});
  }
}

export { TIMED_OUT };

/**
 * Aborted when the client closes the connection before its answer was sent. The herder does not execute
 * a queued change whose client has gone: nobody would read the answer, and the requests behind it wait.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  return gone.signal;
}
