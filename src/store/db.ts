import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** How long a writer waits for another connection's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the SQLite database at `path`, creating its parent directory.
 * WAL lets readers proceed during a write; `synchronous=NORMAL` is durable across process
 * crashes in WAL mode (only an OS crash may lose the last commit), which is the trade-off
 * Kafka's own config log makes too. Foreign keys are off by default in SQLite, so turn them on.
 * `:memory:` opens a private in-memory database (tests).
 *
 * A damaged file is refused here, with its path in the message, rather than failing later in some query
 * with SQLite's bare `database disk image is malformed`: `PRAGMA quick_check` reads every page, which
 * for a store of connector configs takes milliseconds.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path);
  } catch (e) {
    throw new Error(`Cannot open the SQLite database ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((row) => row.quick_check).filter((text) => text !== 'ok');
    if (problems.length > 0) throw new Error(problems.slice(0, 3).join('; '));
  } catch (e) {
    db.close();
    throw new Error(
      `The SQLite database ${path} is unusable (${(e as Error).message}): restore it from a backup, or move it away to start with no connectors`,
      { cause: e },
    );
  }
  return db;
}
