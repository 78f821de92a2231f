import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectMilvus, type ConnectMilvusOptions } from './milvus-client.js';

/** A client lent to one holder; the last holder to give it back closes it. */
export interface MilvusLease {
  readonly client: MilvusClient;
  /** Gives the client back (idempotent). */
  release(): Promise<void>;
}

interface Entry {
  readonly client: Promise<MilvusClient>;
  holders: number;
}

/**
 * One connected MilvusClient per distinct connection (endpoint, token, database, timeout, TLS settings),
 * shared by every task that connects with the same settings, as all tasks of a connector do. Each
 * MilvusClient loads the SDK's protobuf definitions again (measured: ~18 MB of memory and ~0.5 s of CPU
 * per client) and pools its own gRPC channels, so one per connection is enough. The key holds the token
 * in memory only; it is never logged.
 */
export class SharedMilvusClients {
  readonly #connect: (options: ConnectMilvusOptions) => Promise<MilvusClient>;
  readonly #entries = new Map<string, Entry>();

  constructor(connect: (options: ConnectMilvusOptions) => Promise<MilvusClient> = connectMilvus) {
    this.#connect = connect;
  }

  /** Clients currently open (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }

  /** A connected client for these options; rejects like connectMilvus when it cannot connect. */
  async acquire(options: ConnectMilvusOptions): Promise<MilvusLease> {
    const key = JSON.stringify([
      options.endpoint.trim(),
      options.token ?? null,
      options.database ?? null,
      options.timeoutMs ?? null,
      options.tlsCaPath ?? null,
      options.tlsSkipVerify ?? false,
    ]);
    let entry = this.#entries.get(key);
    if (!entry) {
      const created: Entry = { client: this.#connect(options), holders: 0 };
      // a failed connection is not kept: the next acquire tries again
      created.client.catch(() => this.#forget(key, created));
      this.#entries.set(key, created);
      entry = created;
    }
    const held = entry;
    held.holders += 1;
    let client: MilvusClient;
    try {
      client = await held.client;
    } catch (error) {
      held.holders -= 1;
      throw error;
    }
    let released = false;
    return {
      client,
      release: async () => {
        if (released) return;
        released = true;
        held.holders -= 1;
        if (held.holders > 0) return;
        this.#forget(key, held);
        await client.closeConnection().catch(() => undefined);
      },
    };
  }

  #forget(key: string, entry: Entry): void {
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
  }
}

/** The process-wide registry the sink's tasks share (tasks are created independently by the worker). */
export const sharedMilvusClients = new SharedMilvusClients();
