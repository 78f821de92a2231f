import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { SqliteConfigStore } from '../../src/store/sqlite-config-store.js';
import { TargetState, type ConnectorConfig, type ConnectorRecord } from '../../src/store/types.js';
import { tempDbPath } from './temp-db.js';

function openStore(path: string): SqliteConfigStore {
  const db = openDatabase(path);
  migrate(db);
  return new SqliteConfigStore(db);
}

function freshStore(t: TestContext): SqliteConfigStore {
  const store = openStore(':memory:');
  t.after(() => store.close());
  return store;
}

const CONFIG = {
  name: 'milvus',
  'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
  topics: 'vectors',
  'tasks.max': '2',
};

test('a new connector is stored with its config, target STARTED and no task configs', (t) => {
  const store = freshStore(t);
  assert.deepEqual(store.putConnectorConfig('milvus', CONFIG), { created: true });
  assert.deepEqual(store.get('milvus'), { name: 'milvus', config: CONFIG, targetState: 'STARTED', taskConfigs: [] });
});

test('a connector can be created in another initial target state', (t) => {
  const store = freshStore(t);
  store.putConnectorConfig('paused', CONFIG, TargetState.PAUSED);
  store.putConnectorConfig('stopped', CONFIG, TargetState.STOPPED);
  assert.equal(store.get('paused')?.targetState, 'PAUSED');
  assert.equal(store.get('stopped')?.targetState, 'STOPPED');
});

test('config keys come back in the order they were given, not sorted', (t) => {
  const store = freshStore(t);
  const config = { 'z.last.alphabetically': '1', 'connector.class': 'X', a: '2', name: 'ordered', '10': 'numeric-looking' };
  store.putConnectorConfig('ordered', config);
  assert.deepEqual(Object.keys(store.get('ordered')!.config), Object.keys(config));
  store.putTaskConfigs('ordered', [config]);
  assert.deepEqual(Object.keys(store.get('ordered')!.taskConfigs[0]), Object.keys(config));
});

test('values are kept verbatim, including empty strings, unicode and JSON-looking text', (t) => {
  const store = freshStore(t);
  const config = { name: 'v', empty: '', unicode: 'héllo ✓ 向量', json: '{"a":[1,2]}', spaces: '  padded  ' };
  store.putConnectorConfig('v', config);
  assert.deepEqual(store.get('v')!.config, config);
});

test('a non-string value is refused and nothing is written', (t) => {
  const store = freshStore(t);
  assert.throws(() => store.putConnectorConfig('bad', { 'tasks.max': 2 as unknown as string }), /tasks\.max/);
  assert.equal(store.get('bad'), undefined);
});

test('replacing a config keeps the target state and the task configs', (t) => {
  const store = freshStore(t);
  store.putConnectorConfig('milvus', CONFIG);
  store.putTargetState('milvus', TargetState.PAUSED);
  store.putTaskConfigs('milvus', [{ task: '0' }]);
  const replaced = { ...CONFIG, topics: 'other' };
  assert.deepEqual(store.putConnectorConfig('milvus', replaced, TargetState.STOPPED), { created: false });
  assert.deepEqual(store.get('milvus'), { name: 'milvus', config: replaced, targetState: 'PAUSED', taskConfigs: [{ task: '0' }] });
});

test('task configs replace the previous list; an empty list means no tasks', (t) => {
  const store = freshStore(t);
  store.putConnectorConfig('milvus', CONFIG);
  store.putTaskConfigs('milvus', [{ task: '0' }, { task: '1' }, { task: '2' }]);
  store.putTaskConfigs('milvus', [{ task: 'a' }]);
  assert.deepEqual(store.get('milvus')!.taskConfigs, [{ task: 'a' }]);
  store.putTaskConfigs('milvus', []);
  assert.deepEqual(store.get('milvus')!.taskConfigs, []);
});

test('target state and task configs cannot be written for an unknown connector', (t) => {
  const store = freshStore(t);
  assert.throws(() => store.putTargetState('ghost', TargetState.PAUSED), /ghost/);
  assert.throws(() => store.putTaskConfigs('ghost', [{}]), /ghost/);
  assert.deepEqual(store.names(), []);
});

test('names() and all() list connectors sorted by name, each with its own task configs', (t) => {
  const store = freshStore(t);
  for (const name of ['b', 'c', 'a']) store.putConnectorConfig(name, { name });
  store.putTaskConfigs('c', [{ t: 'c0' }, { t: 'c1' }]);
  store.putTaskConfigs('a', [{ t: 'a0' }]);
  assert.deepEqual(store.names(), ['a', 'b', 'c']);
  assert.deepEqual(
    store.all().map((r) => [r.name, r.taskConfigs]),
    [
      ['a', [{ t: 'a0' }]],
      ['b', []],
      ['c', [{ t: 'c0' }, { t: 'c1' }]],
    ],
  );
});

test('remove deletes config, target state and task configs, and says whether there was one', (t) => {
  const store = freshStore(t);
  store.putConnectorConfig('milvus', CONFIG, TargetState.PAUSED);
  store.putTaskConfigs('milvus', [{ task: '0' }]);
  assert.equal(store.remove('milvus'), true);
  assert.equal(store.get('milvus'), undefined);
  assert.equal(store.remove('milvus'), false);
  // re-creating starts from scratch: no leftover target state or tasks
  store.putConnectorConfig('milvus', CONFIG);
  assert.deepEqual(store.get('milvus'), { name: 'milvus', config: CONFIG, targetState: 'STARTED', taskConfigs: [] });
});

test('records returned earlier are snapshots that later writes do not change', (t) => {
  const store = freshStore(t);
  store.putConnectorConfig('milvus', CONFIG);
  const before = store.get('milvus')!;
  store.putConnectorConfig('milvus', { ...CONFIG, topics: 'changed' });
  assert.equal(before.config.topics, 'vectors');
  assert.ok(Object.isFrozen(before) && Object.isFrozen(before.config));
});

test('configs, target states and task configs survive closing and reopening the database', (t) => {
  const path = tempDbPath(t);
  const first = openStore(path);
  first.putConnectorConfig('paused', { name: 'paused', b: '1', a: '2' });
  first.putTaskConfigs('paused', [{ task: '0' }]);
  first.putTargetState('paused', TargetState.PAUSED);
  first.putConnectorConfig('stopped', { name: 'stopped' });
  first.putTargetState('stopped', TargetState.STOPPED);
  first.putTaskConfigs('stopped', []);
  first.putConnectorConfig('running', { name: 'running' });
  first.close();

  const reopened = openStore(path);
  t.after(() => reopened.close());
  assert.deepEqual(reopened.all(), [
    { name: 'paused', config: { name: 'paused', b: '1', a: '2' }, targetState: 'PAUSED', taskConfigs: [{ task: '0' }] },
    { name: 'running', config: { name: 'running' }, targetState: 'STARTED', taskConfigs: [] },
    { name: 'stopped', config: { name: 'stopped' }, targetState: 'STOPPED', taskConfigs: [] },
  ]);
  assert.deepEqual(Object.keys(reopened.get('paused')!.config), ['name', 'b', 'a']);
});

test('a transaction that throws leaves nothing of its writes behind', (t) => {
  const store = freshStore(t);
  store.putConnectorConfig('existing', CONFIG);
  assert.throws(
    () =>
      store.transaction(() => {
        store.putConnectorConfig('new', CONFIG);
        store.putTargetState('existing', TargetState.STOPPED);
        store.putTaskConfigs('existing', []);
        store.remove('existing');
        throw new Error('validation failed halfway');
      }),
    /halfway/,
  );
  assert.deepEqual(store.names(), ['existing']);
  assert.equal(store.get('existing')?.targetState, 'STARTED');
});

test('a transaction commits every write inside it together and returns fn’s result', (t) => {
  const store = freshStore(t);
  const result = store.transaction(() => {
    store.putConnectorConfig('milvus', CONFIG, TargetState.STOPPED);
    store.putTaskConfigs('milvus', []);
    return 'done';
  });
  assert.equal(result, 'done');
  assert.equal(store.get('milvus')?.targetState, 'STOPPED');
});

test('nested transactions roll back only the inner part when the inner one throws and is caught', (t) => {
  const store = freshStore(t);
  store.transaction(() => {
    store.putConnectorConfig('outer', CONFIG);
    assert.throws(() =>
      store.transaction(() => {
        store.putConnectorConfig('inner', CONFIG);
        throw new Error('inner failed');
      }),
    );
  });
  assert.deepEqual(store.names(), ['outer']);
});

test('a failing outer transaction also rolls back a nested one that had succeeded', (t) => {
  const store = freshStore(t);
  assert.throws(() =>
    store.transaction(() => {
      store.transaction(() => store.putConnectorConfig('inner', CONFIG));
      throw new Error('outer failed');
    }),
  );
  assert.deepEqual(store.names(), []);
});

test('an async function handed to transaction is refused and its synchronous writes rolled back', async (t) => {
  const store = freshStore(t);
  assert.throws(
    () =>
      store.transaction(async () => {
        store.putConnectorConfig('too-early', CONFIG);
      }),
    /synchronous/,
  );
  assert.deepEqual(store.names(), []);
});

describe('reads are served from memory, kept current by the writes', () => {
  /** A store over a database that records every SELECT it runs: what reaching SQLite for a read costs. */
  function countingStore(t: TestContext): { store: SqliteConfigStore; db: Db; selects: string[] } {
    const selects: string[] = [];
    const db = new Database(':memory:', { verbose: (sql) => void (/^\s*SELECT/i.test(String(sql)) && selects.push(String(sql))) });
    db.pragma('foreign_keys = ON');
    migrate(db);
    selects.length = 0;
    const store = new SqliteConfigStore(db);
    t.after(() => store.close());
    return { store, db, selects };
  }

  /** What a store opened afresh on the same database reads from SQLite. */
  function reloaded(db: Db): ConnectorRecord[] {
    return new SqliteConfigStore(db).all();
  }

  test('repeated reads hit SQLite once', (t) => {
    const { db, selects } = countingStore(t);
    const writer = new SqliteConfigStore(db);
    writer.putConnectorConfig('a', CONFIG);
    writer.putTaskConfigs('a', [{ task: '0' }, { task: '1' }]);
    writer.putConnectorConfig('b', CONFIG, TargetState.PAUSED);

    const store = new SqliteConfigStore(db);
    selects.length = 0;
    assert.deepEqual(store.names(), ['a', 'b']);
    const firstRead = selects.length;
    assert.ok(firstRead > 0, 'the first read loads from SQLite');
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(store.names(), ['a', 'b']);
      assert.equal(store.get('a')?.taskConfigs.length, 2);
      assert.equal(store.get('b')?.targetState, 'PAUSED');
      assert.equal(store.get('missing'), undefined);
      assert.equal(store.all().length, 2);
    }
    assert.equal(selects.length, firstRead, `25 more reads ran ${selects.length - firstRead} more SELECTs`);
  });

  test('every write is seen by the next read, without reading SQLite again, and matches what SQLite holds', (t) => {
    const { store, db, selects } = countingStore(t);
    assert.deepEqual(store.names(), []);
    const loaded = selects.length;
    const steps: Array<[string, () => unknown, ConnectorRecord[]]> = [
      ['create', () => store.putConnectorConfig('a', CONFIG), [{ name: 'a', config: CONFIG, targetState: 'STARTED', taskConfigs: [] }]],
      [
        'update the config',
        () => store.putConnectorConfig('a', { ...CONFIG, topics: 'other' }),
        [{ name: 'a', config: { ...CONFIG, topics: 'other' }, targetState: 'STARTED', taskConfigs: [] }],
      ],
      [
        'task configs',
        () => store.putTaskConfigs('a', [{ task: '0' }]),
        [{ name: 'a', config: { ...CONFIG, topics: 'other' }, targetState: 'STARTED', taskConfigs: [{ task: '0' }] }],
      ],
      [
        'target state',
        () => store.putTargetState('a', TargetState.PAUSED),
        [{ name: 'a', config: { ...CONFIG, topics: 'other' }, targetState: 'PAUSED', taskConfigs: [{ task: '0' }] }],
      ],
      [
        'several writes in one transaction',
        () =>
          store.transaction(() => {
            store.putConnectorConfig('b', CONFIG, TargetState.STOPPED);
            store.putTargetState('a', TargetState.STOPPED);
            store.putTaskConfigs('a', []);
          }),
        [
          { name: 'a', config: { ...CONFIG, topics: 'other' }, targetState: 'STOPPED', taskConfigs: [] },
          { name: 'b', config: CONFIG, targetState: 'STOPPED', taskConfigs: [] },
        ],
      ],
      ['delete', () => store.remove('a'), [{ name: 'b', config: CONFIG, targetState: 'STOPPED', taskConfigs: [] }]],
      [
        're-create under the same name',
        () => store.putConnectorConfig('a', CONFIG),
        [
          { name: 'a', config: CONFIG, targetState: 'STARTED', taskConfigs: [] },
          { name: 'b', config: CONFIG, targetState: 'STOPPED', taskConfigs: [] },
        ],
      ],
    ];
    for (const [step, write, expected] of steps) {
      write();
      assert.deepEqual(store.all(), expected, step);
      assert.deepEqual(
        store.names(),
        expected.map((r) => r.name),
        step,
      );
      for (const record of expected) assert.deepEqual(store.get(record.name), record, step);
      assert.equal(selects.length, loaded, `${step}: read SQLite again`);
      assert.deepEqual(reloaded(db), expected, `${step}: SQLite holds something else`);
      selects.length = loaded;
    }
  });

  test('a write that throws leaves the previous value readable', (t) => {
    const { store, db } = countingStore(t);
    store.putConnectorConfig('a', CONFIG);
    store.putTaskConfigs('a', [{ task: '0' }]);
    const before = store.get('a');
    const unchanged = () => {
      assert.equal(store.get('a'), before);
      assert.deepEqual(store.names(), ['a']);
      assert.deepEqual(reloaded(db), [before]);
    };

    assert.throws(() => store.putConnectorConfig('a', { ...CONFIG, 'tasks.max': 3 as unknown as string }), /tasks\.max/);
    unchanged();
    assert.throws(() => store.putTargetState('missing', TargetState.PAUSED), /missing/);
    assert.throws(() => store.putTaskConfigs('missing', []), /missing/);
    unchanged();

    assert.throws(
      () =>
        store.transaction(() => {
          store.putConnectorConfig('a', { ...CONFIG, topics: 'other' });
          store.putTargetState('a', TargetState.STOPPED);
          store.putTaskConfigs('a', []);
          store.putConnectorConfig('b', CONFIG);
          assert.equal(store.get('a')?.targetState, 'STOPPED', 'a transaction reads its own writes');
          assert.deepEqual(store.names(), ['a', 'b'], 'a transaction reads its own writes');
          store.remove('a');
          throw new Error('failed halfway');
        }),
      /halfway/,
    );
    unchanged();

    // SQLite itself refusing the write, after an earlier write of the same transaction succeeded
    db.exec(`CREATE TEMP TRIGGER refuse_state BEFORE UPDATE OF target_state ON connectors BEGIN SELECT RAISE(ABORT, 'disk is full'); END`);
    assert.throws(
      () =>
        store.transaction(() => {
          store.putConnectorConfig('a', { ...CONFIG, topics: 'other' });
          store.putTargetState('a', TargetState.PAUSED);
        }),
      /disk is full/,
    );
    unchanged();
  });

  test('a nested transaction that fails and is caught drops only its own writes', (t) => {
    const { store, db } = countingStore(t);
    store.putConnectorConfig('a', CONFIG);
    store.transaction(() => {
      store.putTargetState('a', TargetState.PAUSED);
      assert.throws(() =>
        store.transaction(() => {
          store.putTaskConfigs('a', [{ task: '0' }]);
          store.putConnectorConfig('inner', CONFIG);
          throw new Error('inner failed');
        }),
      );
      store.transaction(() => store.putConnectorConfig('kept', CONFIG));
    });
    const expected = [
      { name: 'a', config: CONFIG, targetState: 'PAUSED', taskConfigs: [] },
      { name: 'kept', config: CONFIG, targetState: 'STARTED', taskConfigs: [] },
    ];
    assert.deepEqual(store.all(), expected);
    assert.deepEqual(reloaded(db), expected);
  });

  test('returned records are frozen and names() a copy: a caller cannot change what the next read sees', (t) => {
    const { store } = countingStore(t);
    store.putConnectorConfig('a', CONFIG);
    store.putTaskConfigs('a', [{ task: '0' }]);
    const record = store.get('a')!;
    assert.throws(() => ((record.config as Record<string, string>).topics = 'changed'), TypeError);
    assert.throws(() => ((record.taskConfigs[0] as Record<string, string>).task = '9'), TypeError);
    assert.throws(() => (record.taskConfigs as ConnectorConfig[]).push({}), TypeError);
    assert.throws(() => ((record as { targetState: string }).targetState = 'STOPPED'), TypeError);
    store.names().push('injected');
    store.all().pop();
    assert.deepEqual(store.get('a'), { name: 'a', config: CONFIG, targetState: 'STARTED', taskConfigs: [{ task: '0' }] });
    assert.deepEqual(store.names(), ['a']);
    assert.equal(store.all().length, 1);
  });

  test('the config given to a write is copied: changing it afterwards changes nothing stored', (t) => {
    const { store } = countingStore(t);
    const config: Record<string, string> = { ...CONFIG };
    const tasks = [{ task: '0' }];
    store.putConnectorConfig('a', config);
    store.putTaskConfigs('a', tasks);
    config.topics = 'changed';
    tasks[0]!.task = '9';
    assert.equal(store.get('a')?.config.topics, 'vectors');
    assert.deepEqual(store.get('a')?.taskConfigs, [{ task: '0' }]);
  });

  test('names are listed in the order SQLite sorts them, byte by byte in UTF-8', (t) => {
    const { store, db } = countingStore(t);
    // UTF-16 order would put the emoji (a surrogate pair) before the full-width letter
    for (const name of ['\uFF21', '\u{1F600}', 'b', 'B', 'a-1', 'a']) store.putConnectorConfig(name, { name });
    const sqliteOrder = db.prepare('SELECT name FROM connectors ORDER BY name').pluck().all();
    assert.deepEqual(store.names(), sqliteOrder);
    assert.deepEqual(store.names(), ['B', 'a', 'a-1', 'b', '\uFF21', '\u{1F600}']);
    assert.deepEqual(
      reloaded(db).map((r) => r.name),
      sqliteOrder,
    );
  });
});
