import assert from 'node:assert/strict';
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { SqliteConfigStore } from '../../src/store/sqlite-config-store.js';
import { tempDbPath } from './temp-db.js';

const CONFIG = { name: 'milvus', 'connector.class': 'MilvusSink', topics: 'vectors' };

function storeAt(t: TestContext, path: string): SqliteConfigStore {
  const db = openDatabase(path);
  migrate(db);
  const store = new SqliteConfigStore(db);
  t.after(() => store.close());
  return store;
}

/** Overwrites `length` bytes at `position` without replacing the file (same inode). */
function scribble(path: string, position: number, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, position);
  } finally {
    closeSync(fd);
  }
}

const escaped = (path: string) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the config store watches its SQLite file', () => {
  test('after the file is removed, writes throw naming the file and health reports it; committed reads still answer', (t) => {
    const path = tempDbPath(t);
    const store = storeAt(t, path);
    store.putConnectorConfig('milvus', CONFIG);
    assert.equal(store.problem(), null);
    rmSync(path);
    const lost = new RegExp(`The SQLite database ${escaped(path)} was removed while the worker was running`);
    assert.throws(() => store.putConnectorConfig('other', { ...CONFIG, name: 'other' }), lost);
    assert.throws(() => store.putTargetState('milvus', 'PAUSED'), lost);
    assert.throws(() => store.remove('milvus'), lost);
    assert.match(store.problem()!, lost);
    assert.deepEqual(store.names(), ['milvus']);
    assert.equal(store.get('milvus')?.targetState, 'STARTED');
  });

  test('a file replaced by another database is noticed before the next write, which never reaches the newcomer', (t) => {
    const path = tempDbPath(t);
    const store = storeAt(t, path);
    store.putConnectorConfig('milvus', CONFIG);
    const other = `${path}.other`;
    const newcomer = openDatabase(other);
    migrate(newcomer);
    newcomer.close();
    renameSync(other, path);
    assert.throws(() => store.putConnectorConfig('new', { ...CONFIG, name: 'new' }), /was replaced by another file/);
    store.close();
    assert.ok(!storeAt(t, path).names().includes('new'));
  });

  test('a header overwritten in place is noticed before the next write', (t) => {
    const path = tempDbPath(t);
    const store = storeAt(t, path);
    store.putConnectorConfig('milvus', CONFIG);
    scribble(path, 0, 100);
    assert.throws(() => store.putTargetState('milvus', 'PAUSED'), /no longer starts with the SQLite header/);
  });

  test('damage beyond the header, in pages this process has cached, is found by the health check', (t) => {
    const path = tempDbPath(t);
    const db = openDatabase(path);
    migrate(db);
    const store = new SqliteConfigStore(db);
    t.after(() => store.close());
    for (let i = 0; i < 20; i++) store.putConnectorConfig(`c${i}`, { ...CONFIG, name: `c${i}`, padding: 'x'.repeat(500) });
    db.pragma('wal_checkpoint(TRUNCATE)');
    scribble(path, 4096, 3 * 4096);
    assert.match(store.problem()!, new RegExp(`The SQLite database ${escaped(path)} is corrupted`));
    assert.throws(() => store.putTargetState('c1', 'PAUSED'), /is corrupted/);
  });

  test('an in-memory store has no file to lose', (t) => {
    const store = storeAt(t, ':memory:');
    store.putConnectorConfig('milvus', CONFIG);
    assert.equal(store.problem(), null);
  });
});

describe('opening a damaged database', () => {
  test('a file that is not SQLite at all is refused with its path', (t) => {
    const path = tempDbPath(t);
    writeFileSync(path, Buffer.alloc(8192, 0x42));
    assert.throws(() => openDatabase(path), new RegExp(`The SQLite database ${escaped(path)} is unusable \\(file is not a database\\)`));
  });

  test('a database with damaged pages is refused with its path at start, before anything reads it', (t) => {
    const path = tempDbPath(t);
    const store = storeAt(t, path);
    for (let i = 0; i < 20; i++) store.putConnectorConfig(`c${i}`, { ...CONFIG, name: `c${i}`, padding: 'x'.repeat(500) });
    store.close();
    scribble(path, 4096, 3 * 4096);
    assert.throws(() => openDatabase(path), new RegExp(`The SQLite database ${escaped(path)} is unusable .*restore it from a backup`));
  });
});
