import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { TargetState, type ConfigStore, type ConnectorConfig, type ConnectorRecord } from './types.js';

interface ConnectorRow {
  name: string;
  config: string;
  target_state: string;
}

interface TaskRow {
  connector: string;
  task: number;
  config: string;
}

/** Configs are stored as `[[key, value], …]` so that the user's key order survives a round trip. */
function encodeConfig(config: ConnectorConfig): string {
  const pairs = Object.entries(config);
  for (const [key, value] of pairs) {
    if (typeof value !== 'string') throw new TypeError(`Config value of '${key}' must be a string, got ${typeof value}`);
  }
  return JSON.stringify(pairs);
}

function decodeConfig(json: string): ConnectorConfig {
  return Object.freeze(Object.fromEntries(JSON.parse(json) as Array<[string, string]>));
}

function toTargetState(value: string): TargetState {
  if (!Object.hasOwn(TargetState, value)) throw new Error(`Stored target state '${value}' is not one of ${Object.keys(TargetState).join(', ')}`);
  return value as TargetState;
}

/**
 * ConfigStore on SQLite (Kafka's config backing store, standalone flavour, but durable).
 * Every mutating method is one transaction; `transaction(fn)` groups several, nesting as savepoints.
 * Returned records are frozen snapshots: later writes never change them.
 */
export class SqliteConfigStore implements ConfigStore {
  readonly #db: Db;
  readonly #clock: () => number;
  readonly #sql: {
    names: Statement<[], { name: string }>;
    get: Statement<[string], ConnectorRow>;
    all: Statement<[], ConnectorRow>;
    tasksOf: Statement<[string], TaskRow>;
    allTasks: Statement<[], TaskRow>;
    insert: Statement<[string, string, string, number, number]>;
    updateConfig: Statement<[string, number, string]>;
    updateState: Statement<[string, number, string]>;
    touch: Statement<[number, string]>;
    deleteTasks: Statement<[string]>;
    insertTask: Statement<[string, number, string]>;
    delete: Statement<[string]>;
  };

  /** `db` must be migrated; the store does not own it unless `close()` is called. */
  constructor(db: Db, options: { clock?: () => number } = {}) {
    this.#db = db;
    this.#clock = options.clock ?? Date.now;
    this.#sql = {
      names: db.prepare('SELECT name FROM connectors ORDER BY name'),
      get: db.prepare('SELECT name, config, target_state FROM connectors WHERE name = ?'),
      all: db.prepare('SELECT name, config, target_state FROM connectors ORDER BY name'),
      tasksOf: db.prepare('SELECT connector, task, config FROM task_configs WHERE connector = ? ORDER BY task'),
      allTasks: db.prepare('SELECT connector, task, config FROM task_configs ORDER BY connector, task'),
      insert: db.prepare(
        'INSERT INTO connectors (name, config, target_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      ),
      updateConfig: db.prepare('UPDATE connectors SET config = ?, updated_at = ? WHERE name = ?'),
      updateState: db.prepare('UPDATE connectors SET target_state = ?, updated_at = ? WHERE name = ?'),
      touch: db.prepare('UPDATE connectors SET updated_at = ? WHERE name = ?'),
      deleteTasks: db.prepare('DELETE FROM task_configs WHERE connector = ?'),
      insertTask: db.prepare('INSERT INTO task_configs (connector, task, config) VALUES (?, ?, ?)'),
      delete: db.prepare('DELETE FROM connectors WHERE name = ?'),
    };
  }

  names(): string[] {
    return this.#sql.names.all().map((row) => row.name);
  }

  get(name: string): ConnectorRecord | undefined {
    const row = this.#sql.get.get(name);
    return row && this.#record(row, this.#sql.tasksOf.all(name));
  }

  all(): ConnectorRecord[] {
    // two statements, one read snapshot
    return this.transaction(() => {
      const tasks = new Map<string, TaskRow[]>();
      for (const task of this.#sql.allTasks.all()) {
        const list = tasks.get(task.connector);
        if (list) list.push(task);
        else tasks.set(task.connector, [task]);
      }
      return this.#sql.all.all().map((row) => this.#record(row, tasks.get(row.name) ?? []));
    });
  }

  putConnectorConfig(
    name: string,
    config: ConnectorConfig,
    initialState: TargetState = TargetState.STARTED,
  ): { created: boolean } {
    const encoded = encodeConfig(config);
    return this.transaction(() => {
      const now = this.#clock();
      if (this.#sql.updateConfig.run(encoded, now, name).changes > 0) return { created: false };
      this.#sql.insert.run(name, encoded, toTargetState(initialState), now, now);
      return { created: true };
    });
  }

  putTargetState(name: string, state: TargetState): void {
    this.transaction(() => {
      if (this.#sql.updateState.run(toTargetState(state), this.#clock(), name).changes === 0) throw unknownConnector(name);
    });
  }

  putTaskConfigs(name: string, taskConfigs: readonly ConnectorConfig[]): void {
    const encoded = taskConfigs.map(encodeConfig);
    this.transaction(() => {
      if (this.#sql.touch.run(this.#clock(), name).changes === 0) throw unknownConnector(name);
      this.#sql.deleteTasks.run(name);
      encoded.forEach((config, task) => this.#sql.insertTask.run(name, task, config));
    });
  }

  remove(name: string): boolean {
    // task_configs rows go with it (ON DELETE CASCADE)
    return this.transaction(() => this.#sql.delete.run(name).changes > 0);
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(() => {
      const result = fn();
      if (typeof (result as { then?: unknown } | null)?.then === 'function') {
        // better-sqlite3 would commit before the promise settles: refuse, which rolls back
        throw new TypeError('ConfigStore.transaction(fn) needs a synchronous fn; it returned a promise');
      }
      return result;
    })();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #record(row: ConnectorRow, tasks: readonly TaskRow[]): ConnectorRecord {
    return Object.freeze({
      name: row.name,
      config: decodeConfig(row.config),
      targetState: toTargetState(row.target_state),
      taskConfigs: Object.freeze(tasks.map((task) => decodeConfig(task.config))),
    });
  }
}

function unknownConnector(name: string): Error {
  return new Error(`No connector named '${name}' in the config store`);
}
