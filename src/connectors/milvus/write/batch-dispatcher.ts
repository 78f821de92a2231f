import { Batch, sharesPk, type SinkOp } from './sink-op-batch.js';

export interface BatchDispatcherOptions {
  /** rows per request (after primary-key de-duplication) */
  readonly maxRows: number;
  /** estimated bytes per request; a single larger row still goes alone */
  readonly maxBytes: number;
  /** how long a partial batch waits for more records before it is sent */
  readonly lingerMs: number;
  /** requests in flight at once */
  readonly maxInFlight: number;
  /** upsert mode (see Batch.mixedKinds) of a collection; a function when the mode is only known later (auto.create) */
  readonly mixedKinds: boolean | ((collection: string) => boolean);
  /** after an upstream backlog ends, how long a free slot still waits for the open batch to fill */
  readonly refillWaitMs: number;
}

/** Sends one batch to Milvus: resolves when every record of it is durable, rejects when the task must fail. */
export type BatchExecutor = (batch: Batch) => Promise<void>;

/** A batch still taking operations, with its linger timer. */
interface OpenBatch {
  readonly batch: Batch;
  linger: NodeJS.Timeout | undefined;
  /** the linger time is over: it goes as soon as a slot is free */
  lingered: boolean;
}

/**
 * Groups operations into batches bounded by rows and bytes, one open batch per collection (a request
 * names one collection, so batches never mix them), sends a partial batch after the linger
 * time, and keeps up to `maxInFlight` batches in flight. A partial batch whose linger time is over
 * while every in-flight slot is busy keeps filling until a slot frees: under light load records go out
 * after the linger time as before; under load the requests grow instead of queueing up small ones (a
 * steady stream cut into many small requests is what costs Milvus the most per row).
 *
 * The same holds when a slot frees while records are waiting upstream (see upstreamBacklog): the
 * partial batch is what the task let in before it paused consumption, and the rest of a full batch is
 * one or two fetches away, so the slot waits for it (at most refillWaitMs after consumption resumed).
 *
 * Ordering invariant: batches are dispatched in the order they were sealed, and a batch that shares a
 * primary key with one in flight waits until that one finished, so a key's later write never overtakes
 * an earlier one (records of one partition arrive in offset order, so this keeps per-partition order
 * for every key). Batches with disjoint keys, or of different collections, may finish in any order; the
 * offset tracker copes. The in-flight bound holds over all collections: the task's request budget does not
 * grow with the number of topics.
 */
export class BatchDispatcher {
  readonly #options: BatchDispatcherOptions;
  readonly #execute: BatchExecutor;
  readonly #onFatal: (error: unknown) => void;
  /** by collection, in the order they were opened (the oldest lingered batch goes first) */
  readonly #open = new Map<string, OpenBatch>();
  /** until when (performance.now()) a free slot waits for the open batch to fill; Infinity while paused */
  #refillUntil = 0;
  #refill: NodeJS.Timeout | undefined;
  readonly #queue: Batch[] = [];
  readonly #inFlight = new Set<Batch>();
  #nextId = 1;
  #records = 0;
  #failed = false;
  #waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(options: BatchDispatcherOptions, execute: BatchExecutor, onFatal: (error: unknown) => void) {
    this.#options = options;
    this.#execute = execute;
    this.#onFatal = onFatal;
  }

  /** Records held: in the open batch, queued, or in flight. */
  get bufferedRecords(): number {
    return this.#records;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  add(op: SinkOp): void {
    let open = this.#open.get(op.collection);
    if (open && !open.batch.accepts(op)) open = this.#seal(open);
    if (open) {
      const { batch } = open;
      const growth = batch.growthIf(op);
      const full = batch.rows + growth.rows > this.#options.maxRows || batch.bytes + growth.bytes > this.#options.maxBytes;
      if (full && batch.rows > 0) open = this.#seal(open);
    }
    if (!open) {
      const { mixedKinds } = this.#options;
      const batch = new Batch(this.#nextId++, op.collection, typeof mixedKinds === 'function' ? mixedKinds(op.collection) : mixedKinds);
      const opened: OpenBatch = { batch, linger: undefined, lingered: false };
      opened.linger = setTimeout(() => this.#lingerOver(opened), this.#options.lingerMs);
      this.#open.set(op.collection, opened);
      open = opened;
    }
    open.batch.add(op);
    this.#records += 1;
    if (open.batch.rows >= this.#options.maxRows || open.batch.bytes >= this.#options.maxBytes) this.#seal(open);
  }

  /**
   * The task paused consumption because it holds more than its in-flight requests can take (true), or
   * resumed it (false). While paused, and for refillWaitMs after, a freed slot does not take the
   * partial open batch: Milvus charges mostly per request, so a request of a few hundred rows sent now
   * costs nearly what the full one sent a fetch later does (Milvus Lite: ~3 s either way at 100,000+
   * rows), and the backlog is worked off in fewer of them.
   */
  upstreamBacklog(backlogged: boolean): void {
    this.#refillUntil = backlogged ? Infinity : performance.now() + this.#options.refillWaitMs;
    this.#sendLingered();
  }

  #lingerOver(open: OpenBatch): void {
    open.linger = undefined;
    open.lingered = true;
    this.#sendLingered();
  }

  /** The oldest open batch whose linger time is over. */
  #firstLingered(): OpenBatch | undefined {
    for (const open of this.#open.values()) if (open.lingered) return open;
    return undefined;
  }

  /** Sends open batches whose linger time is over, oldest first, while a slot is free and no refill is awaited. */
  #sendLingered(): void {
    for (;;) {
      const lingered = this.#firstLingered();
      if (!lingered || this.#failed || !this.#slotFree()) return;
      const wait = this.#refillUntil - performance.now();
      if (wait > 0) {
        this.#awaitRefill(wait);
        return;
      }
      this.#seal(lingered);
    }
  }

  #awaitRefill(wait: number): void {
    // while paused (Infinity) the resume re-arms this; a full batch seals itself on add()
    if (Number.isFinite(wait)) {
      this.#refill ??= setTimeout(() => {
        this.#refill = undefined;
        this.#sendLingered();
      }, Math.ceil(wait));
    }
  }

  /** A sealed batch would be dispatched at once. */
  #slotFree(): boolean {
    return this.#queue.length === 0 && this.#inFlight.size < this.#options.maxInFlight;
  }

  /** Sends every open batch now instead of waiting for the linger time. */
  flush(): void {
    for (const open of [...this.#open.values()]) this.#seal(open);
  }

  /** Resolves once nothing is buffered or in flight (or the dispatcher failed). */
  whenIdle(): Promise<void> {
    return this.#when(() => this.#records === 0);
  }

  /** Resolves once at most `records` are buffered (or the dispatcher failed). */
  whenAtMost(records: number): Promise<void> {
    return this.#when(() => this.#records <= records);
  }

  /** Stops the linger timer and dispatching; in-flight batches finish on their own. */
  close(): void {
    for (const open of this.#open.values()) {
      clearTimeout(open.linger);
      open.linger = undefined;
    }
    clearTimeout(this.#refill);
    this.#refill = undefined;
    this.#failed = true;
    this.#notify();
  }

  #seal(open: OpenBatch): undefined {
    clearTimeout(open.linger);
    open.linger = undefined;
    this.#open.delete(open.batch.collection);
    // the refill wait only concerns lingered batches; another collection's may still be waiting on it
    if (!this.#firstLingered()) {
      clearTimeout(this.#refill);
      this.#refill = undefined;
    }
    const { batch } = open;
    if (batch.rows > 0) {
      this.#queue.push(batch);
      this.#dispatch();
    }
    return undefined;
  }

  #dispatch(): void {
    while (!this.#failed && this.#queue.length > 0 && this.#inFlight.size < this.#options.maxInFlight) {
      const next = this.#queue[0];
      for (const running of this.#inFlight) if (sharesPk(next, running)) return;
      this.#queue.shift();
      this.#start(next);
    }
  }

  #start(batch: Batch): void {
    this.#inFlight.add(batch);
    this.#execute(batch).then(
      () => {
        this.#inFlight.delete(batch);
        this.#records -= batch.records;
        this.#dispatch();
        this.#sendLingered();
        this.#notify();
      },
      (error: unknown) => {
        this.#inFlight.delete(batch);
        this.#failed = true;
        this.#onFatal(error);
        this.#notify();
      },
    );
  }

  #when(test: () => boolean): Promise<void> {
    if (this.#failed || test()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  #notify(): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (this.#failed || waiter.test()) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }
}
