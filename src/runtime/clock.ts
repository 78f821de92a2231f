/** Time, injectable so that loops with timers and backoff can be tested without waiting. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (never rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` every `ms` until the returned function is called; never keeps the process alive. */
  every(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** `work`'s outcome, or a rejection with `message` once `ms` passed on `clock`. */
export async function withTimeout<T>(clock: Clock, work: Promise<T>, ms: number, message: string): Promise<T> {
  const timer = new AbortController();
  const expired = clock.sleep(ms, timer.signal).then(() => {
    if (!timer.signal.aborted) throw new Error(message);
  });
  try {
    return await Promise.race([work, expired as Promise<never>]);
  } finally {
    timer.abort();
  }
}

/** True when `work` settled within `ms`, false when the time ran out first. */
export async function settlesWithin(clock: Clock, work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const settled = work.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, clock.sleep(ms, timer.signal).then(() => false)]);
  timer.abort();
  return result;
}

/** null when `work` resolved, its error when it rejected, undefined when `signal` aborted first. */
export function outcomeUnlessAborted(work: Promise<unknown>, signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (outcome: unknown): void => {
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    work.then(
      () => settle(null),
      (error: unknown) => settle(error ?? new Error('rejected without a reason')),
    );
  });
}
