import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from '../../src/store/db.js';
import { loadMigrations, migrate, MigrationError } from '../../src/store/migrate.js';
import { tempDbPath } from './temp-db.js';

const SNAPSHOT = fileURLToPath(new URL('./schema.snapshot.sql', import.meta.url));

/** The schema as SQL text, in a stable order (what `test/store/schema.snapshot.sql` pins). */
function schemaOf(db: Db): string {
  const rows = db
    .prepare<[], { type: string; name: string; sql: string }>(
      `SELECT type, name, sql FROM sqlite_master
       WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
       ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name`,
    )
    .all();
  return rows.map((row) => `${row.sql};\n`).join('\n');
}

function appliedIds(db: Db): number[] {
  return db
    .prepare<[], { id: number }>('SELECT id FROM schema_migrations ORDER BY id')
    .all()
    .map((r) => r.id);
}

test('the shipped migrations are numbered without gaps from 0001', () => {
  const ids = loadMigrations().map((m) => m.id);
  assert.ok(ids.length > 0);
  assert.deepEqual(
    ids,
    ids.map((_, i) => i + 1),
  );
});

test('migrate brings a fresh database to the latest schema and records every migration', (t) => {
  const db = openDatabase(tempDbPath(t));
  t.after(() => db.close());
  const names = loadMigrations().map((m) => m.name);
  assert.deepEqual(migrate(db), names);
  assert.deepEqual(
    appliedIds(db),
    loadMigrations().map((m) => m.id),
  );
});

test('the migrated schema equals test/store/schema.snapshot.sql (UPDATE_SNAPSHOT=1 rewrites it)', (t) => {
  const db = openDatabase(':memory:');
  t.after(() => db.close());
  migrate(db);
  const actual = `-- Schema after all migrations, from sqlite_master. Regenerate: UPDATE_SNAPSHOT=1 node --import tsx --test test/store/migrate.test.ts\n\n${schemaOf(db)}`;
  if (process.env.UPDATE_SNAPSHOT === '1') writeFileSync(SNAPSHOT, actual);
  assert.equal(actual, readFileSync(SNAPSHOT, 'utf8'));
});

test('migrate run again on a migrated database applies nothing and changes nothing', (t) => {
  const path = tempDbPath(t);
  const first = openDatabase(path);
  migrate(first);
  const schema = schemaOf(first);
  first.close();

  const again = openDatabase(path);
  t.after(() => again.close());
  assert.deepEqual(migrate(again), []);
  assert.equal(schemaOf(again), schema);
  assert.deepEqual(
    appliedIds(again),
    loadMigrations().map((m) => m.id),
  );
});

test('migrate applies only the migrations a database is missing, in order', (t) => {
  const db = openDatabase(':memory:');
  t.after(() => db.close());
  const v1 = [{ id: 1, name: '0001_a.sql', sql: 'CREATE TABLE a (x INTEGER);' }];
  const v2 = [...v1, { id: 2, name: '0002_b.sql', sql: 'ALTER TABLE a ADD COLUMN y TEXT;' }];
  assert.deepEqual(migrate(db, v1), ['0001_a.sql']);
  assert.deepEqual(migrate(db, v2), ['0002_b.sql']);
  db.prepare('INSERT INTO a (x, y) VALUES (1, ?)').run('y');
});

test('a failing migration is rolled back entirely and not recorded', (t) => {
  const db = openDatabase(':memory:');
  t.after(() => db.close());
  const broken = [{ id: 1, name: '0001_broken.sql', sql: 'CREATE TABLE a (x INTEGER); INSERT INTO nowhere VALUES (1);' }];
  assert.throws(
    () => migrate(db, broken),
    (e: Error) => e instanceof MigrationError && /0001_broken\.sql failed/.test(e.message),
  );
  assert.equal(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'a'").pluck().get(), 0);
  assert.deepEqual(appliedIds(db), []);
});

test('a database with a migration this build does not know is refused, naming it, before any change', (t) => {
  const db = openDatabase(tempDbPath(t));
  t.after(() => db.close());
  migrate(db);
  db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(9999, '9999_from_the_future.sql', 0);
  const before = schemaOf(db);

  assert.throws(
    () => migrate(db),
    (e: Error) =>
      e instanceof MigrationError && e.message.includes('9999_from_the_future.sql') && e.message.includes('newer version') && e.message.includes('sqlite.path'),
  );
  assert.equal(schemaOf(db), before);
});

test('a database recording a known id under another file name is refused', (t) => {
  const db = openDatabase(':memory:');
  t.after(() => db.close());
  migrate(db, [{ id: 1, name: '0001_a.sql', sql: 'CREATE TABLE a (x INTEGER);' }]);
  assert.throws(
    () => migrate(db, [{ id: 1, name: '0001_other.sql', sql: 'CREATE TABLE b (x INTEGER);' }]),
    (e: Error) => e instanceof MigrationError && e.message.includes('0001_a.sql') && e.message.includes('0001_other.sql'),
  );
});
