import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/**
 * Resolved against this module so that it works from `src/store` (tsx) and `dist/store` (tsc with
 * rootDir src → outDir dist): both sit two levels below the repository root, beside `migrations/`.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  readonly id: number;
  /** the file name, e.g. `0001_init.sql` */
  readonly name: string;
  readonly sql: string;
}

/** The schema cannot be brought to (or trusted at) the version this build expects. */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Reads `NNNN_name.sql` files in id order; anything else ending in `.sql` is a packaging mistake. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationError(`Migration file ${file} in ${dir} is not named NNNN_lower_snake_case.sql`);
    const id = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous?.id === id) throw new MigrationError(`Migrations ${previous.name} and ${file} share the id ${match[1]}`);
    migrations.push({ id, name: file, sql: readFileSync(`${dir}/${file}`, 'utf8') });
  }
  return migrations;
}

interface AppliedRow {
  id: number;
  name: string;
}

/**
 * Brings the schema to the latest version this build knows: applies each migration not yet
 * recorded in `schema_migrations`, in id order, each in its own IMMEDIATE transaction (so two
 * processes starting together cannot both apply one). Refuses — before changing anything — a
 * database that has a migration this build does not know, or a known id under another file name:
 * it was written by a newer (or a different) build and running against it could lose data.
 * Returns the names of the migrations applied now.
 */
export function migrate(db: Db, migrations: readonly Migration[] = loadMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
  id          INTEGER PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL,
  applied_at  INTEGER NOT NULL
) STRICT`);
  checkApplied(db, migrations);

  const isApplied = db.prepare<[number], { one: number }>('SELECT 1 AS one FROM schema_migrations WHERE id = ?');
  const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  const appliedNow: string[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (isApplied.get(migration.id)) return false;
      db.exec(migration.sql);
      record.run(migration.id, migration.name, Date.now());
      return true;
    });
    try {
      if (apply.immediate()) appliedNow.push(migration.name);
    } catch (e) {
      throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(e as Error).message}`, { cause: e });
    }
  }
  return appliedNow;
}

function checkApplied(db: Db, migrations: readonly Migration[]): void {
  const known = new Map(migrations.map((m) => [m.id, m.name]));
  const latest = migrations.at(-1)?.name ?? 'none';
  const rows = db.prepare<[], AppliedRow>('SELECT id, name FROM schema_migrations ORDER BY id').all();
  for (const row of rows) {
    const name = known.get(row.id);
    if (name === undefined) {
      throw new MigrationError(
        `The database ${db.name} has migration ${row.name} applied, which this build does not know ` +
          `(its latest is ${latest}): the database was written by a newer version of milvus-connect. ` +
          'Run that version (or a newer one) against it, or set sqlite.path to another database file. ' +
          'Nothing was changed.',
      );
    }
    if (name !== row.name) {
      throw new MigrationError(
        `The database ${db.name} records migration ${row.id} as ${row.name}, but this build's migration ${row.id} is ${name}: ` +
          'the database was written by a different build of milvus-connect. Run that build against it, ' +
          'or set sqlite.path to another database file. Nothing was changed.',
      );
    }
  }
}
