/**
 * The herder's request queue: the requests of one connector run one at a time, in arrival order, and
 * each says what it is doing while it runs (its stage), so a request that times out can name what it
 * waited behind. Requests of different connectors run concurrently.
 */
import { ClientGoneError } from '../errors.js';

export interface Stage {
  readonly description: string;
  readonly startedAt: number;
}

export class RequestQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #active = new Set<Stage>();
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  /**
   * Runs `fn` after every request queued before it on `key`, whatever their outcome. A request whose
   * client has gone by the time its turn comes (`signal` aborted) is not executed: nobody would read its
   * answer, and executing it would only delay the requests behind it.
   */
  run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => {
      if (signal?.aborted) throw new ClientGoneError();
      return fn();
    });
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Runs `fn` as a named stage: `current()` reports it while it runs. */
  async stage<T>(description: string, fn: () => Promise<T>): Promise<T> {
    const stage: Stage = { description, startedAt: this.#clock() };
    this.#active.add(stage);
    try {
      return await fn();
    } finally {
      this.#active.delete(stage);
    }
  }

  /** The oldest unfinished stage (the one a timed-out request most likely waits behind), or null. */
  current(): Stage | null {
    let oldest: Stage | null = null;
    for (const stage of this.#active) if (!oldest || stage.startedAt < oldest.startedAt) oldest = stage;
    return oldest && { description: oldest.description, startedAt: oldest.startedAt };
  }

  /** Whether requests are queued or running. */
  get busy(): boolean {
    return this.#tails.size > 0;
  }

  /** Resolves when every request queued so far (and any queued meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
