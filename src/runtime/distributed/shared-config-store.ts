/**
 * The herder's ConfigStore over the config topic (KafkaConfigStore), so one herder serves both modes.
 * Reads come from the snapshot this worker has read; writes are collected while the transaction's
 * function runs and then written in order, the transaction resolving once every record was read back.
 * There is no atomicity across records beyond Kafka Connect's own (task configs count only with their
 * commit record): a failed transaction may leave its first records written, as in Kafka.
 *
 * Only the leader writes. Every worker hears of every change, its own included, through `subscribe`.
 */
import type { ConfigChangeListener, ConfigStore, ConnectorConfig, ConnectorRecord, TargetState } from '../../store/types.js';
import type { KafkaConfigStore } from './kafka-config-store.js';

type Write = () => Promise<void>;

export class SharedConfigStore implements ConfigStore {
  readonly #store: KafkaConfigStore;
  readonly #subscribers: ConfigChangeListener[] = [];
  /** writes of the transaction whose function is running; null outside one */
  #pending: Write[] | null = null;

  /** Call before `store.start()`: the store takes one update listener, and it must hear everything read after start. */
  constructor(store: KafkaConfigStore) {
    this.#store = store;
    const changed = (connector: string) => {
      for (const subscriber of this.#subscribers) subscriber.onChange(connector);
    };
    store.setUpdateListener({
      onConnectorConfigUpdate: changed,
      onConnectorConfigRemove: changed,
      onTaskConfigUpdate: changed,
      onConnectorTargetStateChange: changed,
      onRestartRequest: (connector, request) => {
        for (const subscriber of this.#subscribers) subscriber.onRestartRequest(connector, request);
      },
      // session keys and cluster logger levels are written by no herder of ours yet
      onSessionKeyUpdate: () => {},
      onLoggingLevelUpdate: () => {},
    });
  }

  names(): string[] {
    return this.#store.snapshot().connectors().sort();
  }

  get(name: string): ConnectorRecord | undefined {
    return this.#store.snapshot().connector(name);
  }

  all(): ConnectorRecord[] {
    return this.#store
      .snapshot()
      .all()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  putConnectorConfig(name: string, config: ConnectorConfig, initialState?: TargetState): { created: boolean } {
    const created = !this.#store.contains(name);
    // as in Kafka, the target state goes with the creation only; a replacement keeps the stored one
    this.#write(() => this.#store.putConnectorConfig(name, config, created ? initialState : undefined));
    return { created };
  }

  putTargetState(name: string, state: TargetState): void {
    this.#write(() => this.#store.putTargetState(name, state));
  }

  putTaskConfigs(name: string, taskConfigs: readonly ConnectorConfig[]): void {
    this.#write(() => this.#store.putTaskConfigs(name, taskConfigs));
  }

  remove(name: string): boolean {
    const existed = this.#store.contains(name);
    if (existed) this.#write(() => this.#store.removeConnectorConfig(name));
    return existed;
  }

  /** Runs `fn`, then writes what it asked for in order; resolves once all of it was read back from the topic. */
  async transaction<T>(fn: () => T): Promise<T> {
    if (this.#pending !== null) return fn(); // nested: part of the enclosing transaction
    this.#pending = [];
    let writes: Write[];
    let result: T;
    try {
      result = fn();
    } finally {
      writes = this.#pending;
      this.#pending = null;
    }
    for (const write of writes) await write();
    return result;
  }

  putRestartRequest(name: string, request: { readonly onlyFailed: boolean; readonly includeTasks: boolean }): void {
    this.#write(() => this.#store.putRestartRequest(name, request));
  }

  subscribe(listener: ConfigChangeListener): void {
    this.#subscribers.push(listener);
  }

  /** Write failures surface in the request that made them; the topic itself cannot be lost under a worker. */
  problem(): string | null {
    return null;
  }

  /** The KafkaConfigStore has its own owner (the worker's start-up), which stops it after the herder. */
  close(): void {}

  #write(write: Write): void {
    if (this.#pending === null) throw new Error('Config writes happen inside a transaction');
    this.#pending.push(write);
  }
}
