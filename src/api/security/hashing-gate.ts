/**
 * Bounds the password hashing that unauthenticated clients can cause. Each scrypt run takes ~0.1 s of a
 * core and 32 MiB; without a bound, a flood of made-up credentials queues hundreds of runs in libuv's
 * thread pool and a legitimate first login waits behind all of them (seen: 9.6 s).
 *
 * A few runs go at once, a few more wait in FIFO order, and one client (remote address) holds only a
 * share of those places, so one flooding address cannot keep everyone else out. Whatever does not fit
 * is refused at once, costing nothing: the caller answers "try again shortly". A request admitted here
 * therefore waits for at most `concurrency + queue - 1` runs ahead of it, whatever arrives after.
 */

export interface HashingLimits {
  /** Hashes computed at the same time (libuv has four threads, shared with file and DNS work). */
  readonly concurrency: number;
  /** Hashes waiting for a free slot; beyond this, requests are refused. */
  readonly queue: number;
  /** Running plus waiting hashes one client may hold. */
  readonly perClient: number;
}

export const DEFAULT_HASHING_LIMITS: HashingLimits = { concurrency: 2, queue: 8, perClient: 4 };

export class HashingGate {
  readonly #limits: HashingLimits;
  readonly #waiting: Array<() => void> = [];
  readonly #heldBy = new Map<string, number>();
  #running = 0;

  constructor(limits: HashingLimits = DEFAULT_HASHING_LIMITS) {
    this.#limits = limits;
  }

  /** Runs `work` when a slot frees; null, without running it, when the client's share or the queue is full. */
  run<T>(client: string, work: () => Promise<T>): Promise<T> | null {
    const held = this.#heldBy.get(client) ?? 0;
    const { concurrency, queue, perClient } = this.#limits;
    if (held >= perClient || this.#running + this.#waiting.length >= concurrency + queue) return null;
    this.#heldBy.set(client, held + 1);
    return this.#acquire()
      .then(work)
      .finally(() => {
        this.#release();
        const left = (this.#heldBy.get(client) ?? 1) - 1;
        if (left === 0) this.#heldBy.delete(client);
        else this.#heldBy.set(client, left);
      });
  }

  #acquire(): Promise<void> {
    if (this.#running < this.#limits.concurrency) {
      this.#running++;
      return Promise.resolve();
    }
    // the slot passes straight from the releasing run to the first waiter: #running stays counted
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#running--;
  }
}
