/**
 * The file under an open SQLite database, watched. SQLite writes through its open descriptor: when the
 * file is deleted or renamed away, commits succeed into an inode nobody will open again, and a file
 * replaced or overwritten under it shows only when a page that is not cached is read. Either way the
 * API would answer 201/204 for changes the next start has lost.
 *
 * DatabaseFile remembers which file was opened (device and inode) and checks cheaply — a stat and the
 * first 16 bytes — that the path still names that file and that it still reads as SQLite; now and then
 * (health checks) a second, read-only connection runs `PRAGMA quick_check`, which sees the file as it
 * is on disk rather than the pages this process has cached. A problem, once found, stays: what was lost
 * cannot be known from here, so writes are refused until an operator restarts the worker.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './db.js';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** How often a health check may run the full `quick_check` (it reads every page; `/health` may be public). */
const DEEP_CHECK_INTERVAL_MS = 30_000;

/** SQLite result codes that mean the file itself is gone, moved or damaged (extended codes start with them). */
const LOST = ['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_READONLY_DBMOVED'];
/** Failures reading or writing the file; named, but maybe transient (a full disk frees up). */
const IO = ['SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN'];

interface Identity {
  readonly dev: number;
  readonly ino: number;
}

function sqliteCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

/** `PRAGMA quick_check` on `path` through a connection of its own; the problems found, or null. */
export function quickCheck(path: string): string | null {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    const problems = rows.map((row) => row.quick_check).filter((text) => text !== 'ok');
    return problems.length === 0 ? null : problems.slice(0, 3).join('; ');
  } finally {
    db.close();
  }
}

export class DatabaseFile {
  /** The file's path; null for an in-memory database, which has nothing to watch. */
  readonly path: string | null;
  readonly #opened: Identity | null;
  readonly #now: () => number;
  #lastDeepCheck = -Infinity;
  #problem: string | null = null;

  /** Call right after opening `db`: the file found at its path now is the one it writes to. */
  constructor(db: Db, options: { now?: () => number } = {}) {
    this.path = db.memory ? null : db.name;
    this.#opened = this.path === null ? null : statSync(this.path);
    this.#now = options.now ?? Date.now;
  }

  /** Throws an Error naming the file when it was removed, replaced or damaged. Cheap: before each write. */
  verify(): void {
    const problem = this.#check();
    if (problem !== null) throw new Error(problem);
  }

  /**
   * Why the file can no longer be trusted, or null. Adds the `quick_check` at most every 30 s, so a
   * health check polled often stays cheap.
   */
  problem(): string | null {
    if (this.#check() !== null || this.path === null) return this.#problem;
    if (this.#now() - this.#lastDeepCheck >= DEEP_CHECK_INTERVAL_MS) {
      this.#lastDeepCheck = this.#now();
      try {
        const found = quickCheck(this.path);
        if (found !== null) this.#lose(`is corrupted (${found})`);
      } catch (err) {
        const code = sqliteCode(err);
        this.#lose(`${code !== null && LOST.some((lost) => code.startsWith(lost)) ? 'is corrupted' : 'cannot be checked'} (${(err as Error).message})`);
      }
    }
    return this.#problem;
  }

  /** `err` from SQLite, rethrown naming the file when it is about the file; other errors unchanged. */
  failure(err: unknown): unknown {
    const code = sqliteCode(err);
    if (code === null || this.path === null) return err;
    if (LOST.some((lost) => code.startsWith(lost))) {
      this.#lose(`is corrupted or was moved: ${(err as Error).message}`);
      return new Error(this.#problem!, { cause: err });
    }
    if (IO.some((io) => code.startsWith(io))) return new Error(`The SQLite database ${this.path} cannot be written: ${(err as Error).message}`, { cause: err });
    return err;
  }

  #check(): string | null {
    if (this.#problem !== null || this.path === null || this.#opened === null) return this.#problem;
    let now: Identity;
    try {
      now = statSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.#lose('was removed while the worker was running');
      return this.#lose(`cannot be read: ${(err as Error).message}`);
    }
    if (now.dev !== this.#opened.dev || now.ino !== this.#opened.ino) return this.#lose('was replaced by another file while the worker was running');
    try {
      if (!hasSqliteHeader(this.path)) return this.#lose('was overwritten: it no longer starts with the SQLite header');
    } catch (err) {
      return this.#lose(`cannot be read: ${(err as Error).message}`);
    }
    return null;
  }

  #lose(what: string): string {
    this.#problem ??=
      `The SQLite database ${this.path} ${what}. Changes are refused from now on: restart the worker, ` +
      'after restoring the file from a backup if it was lost.';
    return this.#problem;
  }
}
