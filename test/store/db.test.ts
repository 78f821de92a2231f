import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/db.js';
import { tempDbPath } from './temp-db.js';

test('openDatabase creates missing parent directories', (t) => {
  const path = join(dirname(tempDbPath(t)), 'nested', 'deeper', 'connect.db');
  const db = openDatabase(path);
  t.after(() => db.close());
  assert.ok(existsSync(path));
});

test('openDatabase turns on WAL, a busy timeout and foreign keys', (t) => {
  const db = openDatabase(tempDbPath(t));
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.ok((db.pragma('busy_timeout', { simple: true }) as number) >= 1000);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
});

test('openDatabase accepts :memory: without touching the file system', (t) => {
  const db = openDatabase(':memory:');
  t.after(() => db.close());
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
});
