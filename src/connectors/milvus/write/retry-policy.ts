import { ConnectError } from '../../../plugin/index.js';
import { FailureKind, MilvusRequestError } from './milvus-errors.js';

export interface RetryOptions {
  /** first backoff */
  readonly initialDelayMs: number;
  /** cap on one backoff (`errors.retry.delay.max.ms`) */
  readonly maxDelayMs: number;
  /** total time a request may keep failing before the task fails (`errors.retry.timeout`; -1 = no limit) */
  readonly timeoutMs: number;
  /** attempts after the first before the task fails (-1 = no limit) */
  readonly maxRetries: number;
}

export interface RetryHooks {
  /** the first retriable failure of a request: stop consuming (backpressure) */
  onRetryStart(): void;
  /** that request finally succeeded or gave up */
  onRetryEnd(): void;
  /** before each new attempt */
  onRetry(error: MilvusRequestError, attempt: number, delayMs: number): void;
  /** a SchemaMismatch: re-read the collection schema before the next attempt */
  refreshSchema(): Promise<void>;
  /** resolves when the task stops, to cut a backoff short */
  readonly stopped: Promise<void>;
}

// quota and memory protection take minutes to clear, not milliseconds
const SLOW_FACTOR = 8;

/** Jitter spreads the retries of several tasks hitting the same rate limit. */
export function backoffDelay(options: RetryOptions, attempt: number, slow: boolean, random = Math.random): number {
  const base = options.initialDelayMs * 2 ** Math.min(attempt, 30) * (slow ? SLOW_FACTOR : 1);
  const capped = Math.min(base, options.maxDelayMs);
  return Math.round(capped * (0.8 + 0.4 * random()));
}

/**
 * Runs `attempt` until it succeeds, fails with something a retry cannot fix, or keeps failing past the
 * retry timeout. Retries retriable Milvus failures (rate limit, busy, unavailable, timeouts) and schema
 * mismatches (after a schema refresh). Anything else is rethrown at once for the caller to handle.
 */
export async function withRetry<T>(options: RetryOptions, hooks: RetryHooks, attempt: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  const started = now();
  let failures = 0;
  try {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof MilvusRequestError)) throw error;
        if (error.kind !== FailureKind.RETRIABLE && error.kind !== FailureKind.SCHEMA) throw error;
        const delay = error.kind === FailureKind.SCHEMA && failures === 0 ? 0 : backoffDelay(options, failures, error.slow);
        const elapsed = now() - started;
        const outOfTime = options.timeoutMs >= 0 && elapsed + delay > options.timeoutMs;
        const outOfAttempts = options.maxRetries >= 0 && failures >= options.maxRetries;
        if (outOfTime || outOfAttempts) {
          throw new ConnectError(
            `${error.message} (still failing after ${failures + 1} attempt(s) over ${elapsed} ms; ` +
              `the records stay uncommitted and are written again after the task restarts)`,
            { cause: error },
          );
        }
        if (failures === 0) hooks.onRetryStart();
        failures += 1;
        hooks.onRetry(error, failures, delay);
        if (error.kind === FailureKind.SCHEMA) await hooks.refreshSchema();
        if (delay > 0) await sleep(delay, hooks.stopped);
      }
    }
  } finally {
    if (failures > 0) hooks.onRetryEnd();
  }
}

function sleep(ms: number, cancelled: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
    cancelled.then(() => {
      throw new ConnectError('Task stopped while waiting to retry a Milvus request');
    }),
  ]).finally(() => clearTimeout(timer));
}
