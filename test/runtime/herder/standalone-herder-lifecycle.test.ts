import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from '../../../src/runtime/errors.js';
import { herderFixture, sinkConfig } from '../../helpers/herder-fixture.js';

const states = async (
  herder: { connectorStatus(n: string): Promise<{ connector: { state: string }; tasks: { id: number; state: string }[] }> },
  name: string,
) => {
  const status = await herder.connectorStatus(name);
  return [status.connector.state, ...status.tasks.map((t) => `${t.id}:${t.state}`)];
};

describe('StandaloneHerder: pause, resume, stop', () => {
  test('pause resolves once persisted; connector and tasks then become PAUSED; resume brings them back', async (t) => {
    const { herder, configStore } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }) });
    await herder.pauseConnector('a');
    assert.equal(configStore.get('a')!.targetState, 'PAUSED');
    await herder.idle();
    assert.deepEqual(await states(herder, 'a'), ['PAUSED', '0:PAUSED', '1:PAUSED']);
    await herder.pauseConnector('a');
    await herder.idle();
    assert.deepEqual(await states(herder, 'a'), ['PAUSED', '0:PAUSED', '1:PAUSED']);

    await herder.resumeConnector('a');
    await herder.idle();
    assert.equal(configStore.get('a')!.targetState, 'STARTED');
    assert.deepEqual(await states(herder, 'a'), ['RUNNING', '0:RUNNING', '1:RUNNING']);
  });

  test('a FAILED task stays FAILED across pause and resume', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }) });
    worker.failTask({ connector: 'a', task: 1 });
    await herder.pauseConnector('a');
    await herder.resumeConnector('a');
    await herder.idle();
    assert.deepEqual(await states(herder, 'a'), ['RUNNING', '0:RUNNING', '1:FAILED']);
  });

  test('stop writes an empty task list then STOPPED; tasks are gone everywhere; stop is idempotent', async (t) => {
    const { herder, worker, configStore } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }) });
    await herder.idle();
    worker.calls.length = 0;
    await herder.stopConnector('a');
    // the answer comes once the stop is recorded; the tasks stop in the background
    assert.deepEqual(configStore.get('a')!.taskConfigs, []);
    await herder.idle();

    assert.equal(configStore.get('a')!.targetState, 'STOPPED');
    assert.deepEqual(await states(herder, 'a'), ['STOPPED']);
    assert.deepEqual((await herder.connectorInfo('a')).tasks, []);
    assert.deepEqual(await herder.taskConfigs('a'), []);
    await assert.rejects(herder.taskStatus('a', 0), new NotFoundError('No status found for task a-0'));
    assert.deepEqual(worker.calls, ['stopConnector a', 'startConnector a STOPPED', 'stopTask a-0', 'stopTask a-1']);

    worker.calls.length = 0;
    await herder.stopConnector('a');
    assert.deepEqual(worker.calls, []);
  });

  test('resume of a STOPPED connector starts it and regenerates its tasks; pause of one keeps zero tasks', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }), initial_state: 'STOPPED' });
    await herder.pauseConnector('a');
    await herder.idle();
    assert.deepEqual(await states(herder, 'a'), ['PAUSED']);
    await herder.resumeConnector('a');
    await herder.idle();
    assert.deepEqual(await states(herder, 'a'), ['RUNNING', '0:RUNNING', '1:RUNNING']);
    assert.equal((await herder.connectorInfo('a')).tasks.length, 2);
  });

  test('created PAUSED, resumed later: tasks are generated only then', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a'), initial_state: 'PAUSED' });
    assert.deepEqual(await herder.taskConfigs('a'), []);
    await herder.resumeConnector('a');
    await herder.idle();
    assert.deepEqual(await states(herder, 'a'), ['RUNNING', '0:RUNNING']);
  });

  test('unknown connectors: pause/resume/stop say "Unknown connector <c>" and write nothing', async (t) => {
    const { herder, worker, configStore } = await herderFixture(t);
    await assert.rejects(herder.pauseConnector('x'), new NotFoundError('Unknown connector x'));
    await assert.rejects(herder.resumeConnector('x'), new NotFoundError('Unknown connector x'));
    await assert.rejects(herder.stopConnector('x'), new NotFoundError('Unknown connector x'));
    await herder.idle();
    assert.deepEqual(configStore.names(), []);
    assert.deepEqual(worker.calls, []);
  });

  test('stop is one transaction: if writing STOPPED fails, the task configs are not emptied either', async (t) => {
    const { herder, configStore, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    configStore.putTargetState = () => {
      throw new Error('disk full');
    };
    worker.calls.length = 0;
    await assert.rejects(herder.stopConnector('a'), /disk full/);
    assert.equal(configStore.get('a')!.taskConfigs.length, 1);
    assert.equal(configStore.get('a')!.targetState, 'STARTED');
    assert.deepEqual(worker.calls, []);
  });
});

describe('StandaloneHerder: restarts', () => {
  test('plain restart restarts the connector instance only, into its target state', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a'), initial_state: 'PAUSED' });
    worker.calls.length = 0;
    assert.equal(await herder.restartConnector('a', { includeTasks: false, onlyFailed: false }), null);
    assert.deepEqual(worker.calls, ['stopConnector a', 'startConnector a PAUSED']);
    await assert.rejects(herder.restartConnector('x', { includeTasks: false, onlyFailed: false }), new NotFoundError('Unknown connector: x'));
  });

  test('includeTasks: the plan shows everything RESTARTING, and everything is restarted', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }) });
    await herder.idle();
    worker.calls.length = 0;
    const plan = await herder.restartConnector('a', { includeTasks: true, onlyFailed: false });
    assert.deepEqual(plan, {
      name: 'a',
      connector: { state: 'RESTARTING', worker_id: '127.0.0.1:8083', version: '1.2.3' },
      tasks: [
        { id: 0, state: 'RESTARTING', worker_id: '127.0.0.1:8083', version: '1.2.3' },
        { id: 1, state: 'RESTARTING', worker_id: '127.0.0.1:8083', version: '1.2.3' },
      ],
      type: 'sink',
    });
    // the connector restarts before the answer, its tasks right after it, in the background
    await herder.idle();
    assert.deepEqual(worker.calls, [
      'stopConnector a',
      'startConnector a STARTED',
      'stopTask a-0',
      'stopTask a-1',
      'startTask a-0 STARTED',
      'startTask a-1 STARTED',
    ]);
    assert.deepEqual(await states(herder, 'a'), ['RUNNING', '0:RUNNING', '1:RUNNING']);
  });

  test('onlyFailed: a RUNNING connector restarts nothing; with includeTasks only FAILED instances restart', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }) });
    await herder.idle();
    worker.failTask({ connector: 'a', task: 1 }, 'boom-trace');
    worker.calls.length = 0;

    const nothing = await herder.restartConnector('a', { includeTasks: false, onlyFailed: true });
    assert.deepEqual(nothing?.connector, { state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '1.2.3' });
    assert.deepEqual(
      nothing?.tasks.map((t) => t.state),
      ['RUNNING', 'FAILED'],
    );
    assert.equal(nothing?.tasks[1].trace, 'boom-trace');
    assert.deepEqual(worker.calls, []);

    const failedOnly = await herder.restartConnector('a', { includeTasks: true, onlyFailed: true });
    assert.deepEqual(
      failedOnly?.tasks.map((t) => t.state),
      ['RUNNING', 'RESTARTING'],
    );
    assert.equal(failedOnly?.connector.state, 'RUNNING');
    await herder.idle();
    assert.deepEqual(worker.calls, ['stopTask a-1', 'startTask a-1 STARTED']);
    assert.deepEqual(await states(herder, 'a'), ['RUNNING', '0:RUNNING', '1:RUNNING']);
  });

  test('a FAILED connector restarts with onlyFailed; a restart never changes the target state', async (t) => {
    const { herder, worker, configStore } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    await herder.pauseConnector('a');
    await herder.idle();
    worker.failConnector('a');
    const plan = await herder.restartConnector('a', { includeTasks: false, onlyFailed: true });
    assert.equal(plan?.connector.state, 'RESTARTING');
    assert.equal(configStore.get('a')!.targetState, 'PAUSED');
    assert.deepEqual(await states(herder, 'a'), ['PAUSED', '0:PAUSED']);
  });

  test('restart with params: unknown connector, and connector without status', async (t) => {
    const { herder, statusStore } = await herderFixture(t);
    await assert.rejects(herder.restartConnector('x', { includeTasks: true, onlyFailed: false }), new NotFoundError('Unknown connector: x'));
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    statusStore.removeConnector('a');
    await assert.rejects(herder.restartConnector('a', { includeTasks: true, onlyFailed: false }), new NotFoundError('Status for connector a not found'));
  });

  test('task restart: 404s with the Kafka 4.1 texts (Unknown connector: c, Unknown task: c-t); a task that fails to start is FAILED, the restart still succeeds', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    await herder.idle();
    worker.failTask({ connector: 'a', task: 0 });
    await herder.restartTask('a', 0);
    await herder.idle();
    assert.equal((await herder.taskStatus('a', 0)).state, 'RUNNING');

    await assert.rejects(herder.restartTask('x', 0), new NotFoundError('Unknown connector: x'));
    await assert.rejects(herder.restartTask('a', 1), new NotFoundError('Unknown task: a-1'));
    worker.failStart.add('a-0');
    // Kafka answers 204 and shows the failure in the status, with its trace
    await herder.restartTask('a', 0);
    await herder.idle();
    const status = await herder.taskStatus('a', 0);
    assert.equal(status.state, 'FAILED');
    assert.match(status.trace ?? '', /a-0 refused to start/);
  });
});

describe('StandaloneHerder: tasks.max enforcement', () => {
  const message =
    "The connector a has generated 3 tasks, which is greater than 2, the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the connector with 'tasks.max.enforce' set to false; however, this option will be removed in a future release of Kafka Connect.";

  test('a connector generating more than tasks.max task configs is FAILED with Kafka message, and no task starts', async (t) => {
    const { herder, worker } = await herderFixture(t);
    const info = await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2', 'test.task.count': '3' }) });
    assert.deepEqual(info.tasks, []);
    const status = await herder.connectorStatus('a');
    assert.equal(status.connector.state, 'FAILED');
    assert.ok(status.connector.trace!.startsWith(`org.apache.kafka.connect.runtime.TooManyTasksException: ${message}\n\tat `));
    assert.equal(
      worker.calls.some((c) => c.startsWith('startTask')),
      false,
    );
  });

  test('with tasks.max.enforce=false the extra tasks run', async (t) => {
    const { herder } = await herderFixture(t);
    const info = await herder.createConnector({
      name: 'a',
      config: sinkConfig('a', { 'tasks.max': '2', 'test.task.count': '3', 'tasks.max.enforce': 'false' }),
    });
    assert.equal(info.tasks.length, 3);
    assert.deepEqual(await states(herder, 'a'), ['RUNNING', '0:RUNNING', '1:RUNNING', '2:RUNNING']);
  });
});

describe('StandaloneHerder: start-up reconciliation', () => {
  test('each stored connector comes back in its target state, tasks from the stored task configs', async (t) => {
    const first = await herderFixture(t);
    await first.herder.createConnector({ name: 'run', config: sinkConfig('run', { 'tasks.max': '2' }) });
    await first.herder.createConnector({ name: 'paused', config: sinkConfig('paused') });
    await first.herder.pauseConnector('paused');
    await first.herder.createConnector({ name: 'stopped', config: sinkConfig('stopped'), initial_state: 'STOPPED' });
    await first.herder.idle();

    const second = await first.restart();
    assert.equal(first.worker.stopped, true);
    assert.deepEqual(await states(second.herder, 'run'), ['RUNNING', '0:RUNNING', '1:RUNNING']);
    assert.deepEqual(await states(second.herder, 'paused'), ['PAUSED', '0:PAUSED']);
    assert.deepEqual(await states(second.herder, 'stopped'), ['STOPPED']);
    assert.deepEqual(second.worker.calls.filter((c) => c.startsWith('startTask')).sort(), [
      'startTask paused-0 PAUSED',
      'startTask run-0 STARTED',
      'startTask run-1 STARTED',
    ]);
    assert.deepEqual((await second.herder.health()).status, 'healthy');
  });

  test('a connector whose stored task configs no longer match what it generates gets new ones', async (t) => {
    const first = await herderFixture(t);
    await first.herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }) });
    first.configStore.putTaskConfigs('a', [{ 'task.class': 'stale' }]);
    const second = await first.restart();
    assert.equal((await second.herder.taskConfigs('a')).length, 2);
    assert.deepEqual(await states(second.herder, 'a'), ['RUNNING', '0:RUNNING', '1:RUNNING']);
  });
});

describe('StandaloneHerder: serialisation', () => {
  test('concurrent mutations of one connector apply in arrival order', async (t) => {
    const { herder, configStore } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    const results = await Promise.allSettled([
      herder.patchConnectorConfig('a', { 'tasks.max': '2' }),
      herder.stopConnector('a'),
      herder.patchConnectorConfig('a', { 'test.endpoint': 'e' }),
      herder.resumeConnector('a'),
      herder.deleteConnector('a'),
      herder.patchConnectorConfig('a', { 'tasks.max': '3' }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
    );
    await herder.idle();
    assert.deepEqual(configStore.names(), []);
  });

  test('task reconfiguration requested by a connector regenerates its tasks', async (t) => {
    const { herder, configStore } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    configStore.putTaskConfigs('a', []);
    herder.onTaskReconfigurationRequested('a');
    await herder.idle();
    assert.equal((await herder.taskConfigs('a')).length, 1);
  });

  test('late reports from deleted connectors or removed tasks are ignored', async (t) => {
    const { herder, statusStore } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    herder.onTaskState({ connector: 'a', task: 5 }, 'RUNNING');
    assert.equal(statusStore.getTask('a', 5), undefined);
    await herder.deleteConnector('a');
    herder.onConnectorState('a', 'RUNNING');
    herder.onTaskState({ connector: 'a', task: 0 }, 'RUNNING');
    assert.equal(statusStore.getConnector('a'), undefined);
    assert.deepEqual(statusStore.tasks('a'), []);
  });
});
