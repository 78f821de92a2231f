import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStatusStore } from '../../src/store/memory-status-store.js';

const running = { state: 'RUNNING', trace: null, workerId: 'w:8083' };
const failed = { state: 'FAILED', trace: 'Error: boom\n    at …', workerId: 'w:8083' };

test('connector statuses are stored, replaced and read back', () => {
  const store = new MemoryStatusStore();
  assert.equal(store.getConnector('c'), undefined);
  store.putConnector('c', running);
  store.putConnector('c', failed);
  assert.deepEqual(store.getConnector('c'), failed);
});

test('task statuses are listed by ascending task id, whatever the order they were written in', () => {
  const store = new MemoryStatusStore();
  for (const task of [10, 2, 0, 1]) store.putTask('c', task, { ...running, state: `S${task}` });
  assert.deepEqual(
    store.tasks('c').map((t) => [t.task, t.status.state]),
    [
      [0, 'S0'],
      [1, 'S1'],
      [2, 'S2'],
      [10, 'S10'],
    ],
  );
  assert.deepEqual(store.getTask('c', 2)?.state, 'S2');
  assert.deepEqual(store.tasks('other'), []);
});

test('removing a task forgets only that task', () => {
  const store = new MemoryStatusStore();
  store.putTask('c', 0, running);
  store.putTask('c', 1, failed);
  store.removeTask('c', 0);
  store.removeTask('c', 7);
  store.removeTask('unknown', 0);
  assert.deepEqual(store.tasks('c'), [{ task: 1, status: failed }]);
});

test('removing a connector forgets its status and all its task statuses, not other connectors’', () => {
  const store = new MemoryStatusStore();
  store.putConnector('c', running);
  store.putTask('c', 0, running);
  store.putConnector('d', running);
  store.putTask('d', 0, failed);
  store.removeConnector('c');
  assert.equal(store.getConnector('c'), undefined);
  assert.deepEqual(store.tasks('c'), []);
  assert.deepEqual(store.getTask('d', 0), failed);
});

test('a stored status is a copy: mutating the caller’s object later does not change it', () => {
  const store = new MemoryStatusStore();
  const status = { ...running };
  store.putConnector('c', status);
  status.state = 'FAILED';
  assert.equal(store.getConnector('c')?.state, 'RUNNING');
});
