import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { SqliteConfigStore } from '../../src/store/sqlite-config-store.js';
import { TargetState } from '../../src/store/types.js';
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
    [['a', [{ t: 'a0' }]], ['b', []], ['c', [{ t: 'c0' }, { t: 'c1' }]]],
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
