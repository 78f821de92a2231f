import { Buffer } from 'node:buffer';
import type { Statement } from 'better-sqlite3';
import { DatabaseFile } from './database-file.js';
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
 *
 * Reads are served from an in-memory copy of every record, as Kafka's KafkaConfigBackingStore serves
 * its snapshot: the herder reads configs on hot REST paths (`GET /connectors`, `…/config`, `…/status`)
 * and at every status report, where a SQLite read and a JSON decode per call were about half the cost.
 * The copy is loaded once and then kept by the writes themselves, which holds as long as this store is
 * the only writer of its tables (main.ts makes one per database). A write changes a working copy that
 * replaces the copy only once the outermost transaction has committed, so a write that throws or rolls
 * back leaves it as it was.
 *
 * Returned records are frozen and shared, not copied: freezing costs once per write where copying
 * would cost at every read, and a record is frozen down to its string values, so no caller can change
 * what the next one reads. Later writes replace records and never change one already handed out.
 *
 * Before each write the store checks that its file is still the one it opened (DatabaseFile): a file
 * removed, replaced or damaged under the running worker makes every later write throw an Error naming
 * the file, instead of committing into a file the next start will not read.
 */
export class SqliteConfigStore implements ConfigStore {
  readonly #db: Db;
  readonly #file: DatabaseFile;
  readonly #clock: () => number;
  readonly #sql: {
    all: Statement<[], ConnectorRow>;
    allTasks: Statement<[], TaskRow>;
    insert: Statement<[string, string, string, number, number]>;
    updateConfig: Statement<[string, number, string]>;
    updateState: Statement<[string, number, string]>;
    touch: Statement<[number, string]>;
    deleteTasks: Statement<[string]>;
    insertTask: Statement<[string, number, string]>;
    delete: Statement<[string]>;
  };
  /** The committed records, loaded at first use. */
  #committed: Map<string, ConnectorRecord> | undefined;
  /** Names of `#committed`, sorted; computed at most once per commit. */
  #committedNames: readonly string[] | undefined;
  /** Inside a transaction: the committed records with this transaction's writes applied. */
  #working: Map<string, ConnectorRecord> | undefined;

  /** `db` must be migrated; the store does not own it unless `close()` is called. */
  constructor(db: Db, options: { clock?: () => number } = {}) {
    this.#db = db;
    this.#file = new DatabaseFile(db);
    this.#clock = options.clock ?? Date.now;
    this.#sql = {
      all: db.prepare('SELECT name, config, target_state FROM connectors ORDER BY name'),
      allTasks: db.prepare('SELECT connector, task, config FROM task_configs ORDER BY connector, task'),
      insert: db.prepare('INSERT INTO connectors (name, config, target_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
      updateConfig: db.prepare('UPDATE connectors SET config = ?, updated_at = ? WHERE name = ?'),
      updateState: db.prepare('UPDATE connectors SET target_state = ?, updated_at = ? WHERE name = ?'),
      touch: db.prepare('UPDATE connectors SET updated_at = ? WHERE name = ?'),
      deleteTasks: db.prepare('DELETE FROM task_configs WHERE connector = ?'),
      insertTask: db.prepare('INSERT INTO task_configs (connector, task, config) VALUES (?, ?, ?)'),
      delete: db.prepare('DELETE FROM connectors WHERE name = ?'),
    };
  }

  names(): string[] {
    if (this.#working) return [...this.#working.keys()].sort(storedOrder);
    this.#committedNames ??= [...this.#records().keys()].sort(storedOrder);
    // the interface hands out a mutable array; a copy of a few names keeps the sorted list intact
    return [...this.#committedNames];
  }

  get(name: string): ConnectorRecord | undefined {
    return this.#records().get(name);
  }

  all(): ConnectorRecord[] {
    const records = this.#records();
    return this.names().map((name) => records.get(name)!);
  }

  putConnectorConfig(name: string, config: ConnectorConfig, initialState: TargetState = TargetState.STARTED): { created: boolean } {
    const encoded = encodeConfig(config);
    return this.transaction(() => {
      const now = this.#clock();
      // the copy is decoded from what was stored, so it equals what a reload would read
      const stored = decodeConfig(encoded);
      const previous = this.#working!.get(name);
      if (this.#sql.updateConfig.run(encoded, now, name).changes > 0) {
        this.#set({ ...previous!, config: stored });
        return { created: false };
      }
      this.#sql.insert.run(name, encoded, toTargetState(initialState), now, now);
      this.#set({ name, config: stored, targetState: initialState, taskConfigs: Object.freeze([]) });
      return { created: true };
    });
  }

  putTargetState(name: string, state: TargetState): void {
    this.transaction(() => {
      if (this.#sql.updateState.run(toTargetState(state), this.#clock(), name).changes === 0) throw unknownConnector(name);
      this.#set({ ...this.#working!.get(name)!, targetState: state });
    });
  }

  putTaskConfigs(name: string, taskConfigs: readonly ConnectorConfig[]): void {
    const encoded = taskConfigs.map(encodeConfig);
    this.transaction(() => {
      if (this.#sql.touch.run(this.#clock(), name).changes === 0) throw unknownConnector(name);
      this.#sql.deleteTasks.run(name);
      encoded.forEach((config, task) => {
        this.#sql.insertTask.run(name, task, config);
      });
      this.#set({ ...this.#working!.get(name)!, taskConfigs: Object.freeze(encoded.map(decodeConfig)) });
    });
  }

  remove(name: string): boolean {
    return this.transaction(() => {
      // task_configs rows go with it (ON DELETE CASCADE)
      if (this.#sql.delete.run(name).changes === 0) return false;
      this.#working!.delete(name);
      return true;
    });
  }

  transaction<T>(fn: () => T): T {
    const enclosing = this.#working;
    // a nested transaction is a savepoint: rolling it back must keep the enclosing one's writes
    this.#working = new Map(enclosing ?? this.#records());
    let result: T;
    try {
      if (!enclosing) this.#file.verify();
      result = this.#db.transaction(() => {
        const value = fn();
        if (typeof (value as { then?: unknown } | null)?.then === 'function') {
          // better-sqlite3 would commit before the promise settles: refuse, which rolls back
          throw new TypeError('ConfigStore.transaction(fn) needs a synchronous fn; it returned a promise');
        }
        return value;
      })();
    } catch (e) {
      this.#working = enclosing;
      throw this.#file.failure(e);
    }
    if (!enclosing) {
      // Invariant: the copy reads are served from changes only once SQLite has committed
      this.#committed = this.#working;
      this.#committedNames = undefined;
      this.#working = undefined;
    }
    return result;
  }

  problem(): string | null {
    return this.#file.problem();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** What reads see: this transaction's writes inside one, the committed records outside. */
  #records(): Map<string, ConnectorRecord> {
    return this.#working ?? (this.#committed ??= this.#load());
  }

  #set(record: ConnectorRecord): void {
    this.#working!.set(record.name, Object.freeze(record));
  }

  #load(): Map<string, ConnectorRecord> {
    // two statements, one read snapshot
    try {
      return this.#readAll();
    } catch (e) {
      throw this.#file.failure(e);
    }
  }

  #readAll(): Map<string, ConnectorRecord> {
    return this.#db.transaction(() => {
      const tasks = new Map<string, TaskRow[]>();
      for (const task of this.#sql.allTasks.all()) {
        const list = tasks.get(task.connector);
        if (list) list.push(task);
        else tasks.set(task.connector, [task]);
      }
      return new Map(this.#sql.all.all().map((row) => [row.name, this.#record(row, tasks.get(row.name) ?? [])]));
    })();
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

/** `ORDER BY name` under SQLite's BINARY collation: by UTF-8 bytes, unlike `sort()` past U+FFFF. */
function storedOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function unknownConnector(name: string): Error {
  return new Error(`No connector named '${name}' in the config store`);
}
