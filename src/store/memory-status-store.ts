import type { StatusRecord, StatusStore } from './types.js';

/**
 * Observed statuses, in memory (Kafka's MemoryStatusBackingStore): after a restart the herder
 * re-derives every status from running the stored configs, so nothing here needs to survive.
 */
export class MemoryStatusStore implements StatusStore {
  readonly #connectors = new Map<string, StatusRecord>();
  /** connector → task id → status */
  readonly #tasks = new Map<string, Map<number, StatusRecord>>();

  getConnector(name: string): StatusRecord | undefined {
    return this.#connectors.get(name);
  }

  putConnector(name: string, status: StatusRecord): void {
    this.#connectors.set(name, Object.freeze({ ...status }));
  }

  getTask(connector: string, task: number): StatusRecord | undefined {
    return this.#tasks.get(connector)?.get(task);
  }

  putTask(connector: string, task: number, status: StatusRecord): void {
    let tasks = this.#tasks.get(connector);
    if (!tasks) this.#tasks.set(connector, (tasks = new Map()));
    tasks.set(task, Object.freeze({ ...status }));
  }

  tasks(connector: string): Array<{ task: number; status: StatusRecord }> {
    const tasks = this.#tasks.get(connector);
    if (!tasks) return [];
    return [...tasks.entries()].sort(([a], [b]) => a - b).map(([task, status]) => ({ task, status }));
  }

  removeTask(connector: string, task: number): void {
    const tasks = this.#tasks.get(connector);
    if (!tasks) return;
    tasks.delete(task);
    if (tasks.size === 0) this.#tasks.delete(connector);
  }

  removeConnector(name: string): void {
    this.#connectors.delete(name);
    this.#tasks.delete(name);
  }
}
