/** The herder's concurrency plumbing: one operation queue per connector, and named stages. */

/**
 * Operations on the same key run one at a time, in arrival order, whatever the outcome of the previous
 * one; operations on different keys run concurrently.
 */
export class SerialQueues {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
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

  /** Resolves when every operation queued so far (and any queued meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}

export interface Stage {
  readonly description: string;
  readonly startedAt: number;
}

/** What the herder is doing right now, so a request that times out can say what it waited behind. */
export class Stages {
  readonly #active = new Set<Stage>();

  constructor(private readonly clock: () => number = Date.now) {}

  async run<T>(description: string, fn: () => Promise<T>): Promise<T> {
    const stage: Stage = { description, startedAt: this.clock() };
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
}
