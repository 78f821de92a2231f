import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConnectorTaskId } from '../../../src/runtime/status/status.js';
import { herderFixture, sinkConfig } from '../../helpers/herder-fixture.js';

describe('Converger: the tasks follow the latest stored state, in the background', () => {
  test('configs written while a task is still stopping are never started: only the latest one is', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { topics: 'v0' }) });
    await herder.idle();

    // the running task takes its time to stop
    let release!: () => void;
    const stopping = new Promise<void>((resolve) => (release = resolve));
    const stopTask = worker.stopTask.bind(worker);
    worker.stopTask = async (id: ConnectorTaskId) => {
      await stopping;
      return stopTask(id);
    };
    worker.calls.length = 0;
    for (const version of ['v1', 'v2', 'v3']) {
      // every write answers at once, with its own task configs
      const { result } = await herder.putConnectorConfig('a', sinkConfig('a', { topics: version }));
      assert.deepEqual(result.tasks, [{ connector: 'a', task: 0 }]);
    }
    release();
    await herder.idle();

    assert.deepEqual(
      worker.calls.filter((call) => call.startsWith('startTask') || call.startsWith('stopTask')),
      ['stopTask a-0', 'startTask a-0 STARTED'],
      'one stop (in flight when the writes came) and one start, of the latest config',
    );
    assert.equal(worker.tasks.get('a-0')?.config.topics, 'v3');
    assert.equal((await herder.taskStatus('a', 0)).state, 'RUNNING');
  });

  test("a report from a task instance that was replaced does not overwrite its successor's state", async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    await herder.idle();
    const replaced = worker.tasks.get('a-0')!;
    await herder.putConnectorConfig('a', sinkConfig('a', { topics: 'other' }));
    await herder.idle();
    replaced.listener.onTaskState({ connector: 'a', task: 0 }, 'FAILED', 'late failure of the old instance');
    assert.equal((await herder.taskStatus('a', 0)).state, 'RUNNING');
  });
});
