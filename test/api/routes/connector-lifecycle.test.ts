import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ForbiddenError, NotFoundError } from '../../../src/runtime/errors.js';
import { buildTestApp, connectorStatus, envelope } from '../../helpers/build-app.js';

describe('status and tasks', () => {
  test('status keeps a present trace and adds none where the herder gave none', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const status = connectorStatus('c', {
      tasks: [
        { id: 0, state: 'FAILED', worker_id: 'w:8083', trace: 'org.apache.kafka.connect.errors.ConnectException: boom\n\tat x' },
        { id: 1, state: 'RUNNING', worker_id: 'w:8083' },
      ],
    });
    herder.stub('connectorStatus', async () => status);
    const res = await app.inject({ url: '/connectors/c/status' });
    assert.equal(res.statusCode, 200);
    assert.equal(
      res.body,
      '{"name":"c","connector":{"state":"RUNNING","worker_id":"localhost:8083"},"tasks":[' +
        '{"id":0,"state":"FAILED","worker_id":"w:8083","trace":"org.apache.kafka.connect.errors.ConnectException: boom\\n\\tat x"},' +
        '{"id":1,"state":"RUNNING","worker_id":"w:8083"}],"type":"sink"}',
    );
  });

  test("status of a connector without status is the herder's 404", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorStatus', async (name) => {
      throw new NotFoundError(`No status found for connector ${name}`);
    });
    const res = await app.inject({ url: '/connectors/c/status' });
    assert.deepEqual(envelope(res.body), { error_code: 404, message: 'No status found for connector c' });
  });

  test('tasks lists task configs; a stopped connector has []', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('taskConfigs', async (name) =>
      name === 'stopped' ? [] : [{ id: { connector: name, task: 0 }, config: { 'task.class': 'MilvusSinkTask', topics: 't' } }],
    );
    const running = await app.inject({ url: '/connectors/c/tasks' });
    assert.equal(running.body, '[{"id":{"connector":"c","task":0},"config":{"task.class":"MilvusSinkTask","topics":"t"}}]');
    const stopped = await app.inject({ url: '/connectors/stopped/tasks' });
    assert.equal(stopped.body, '[]');
  });

  test('tasks-config (deprecated) is still served', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('tasksConfig', async (name) => ({ [`${name}-0`]: { 'task.class': 'MilvusSinkTask' } }));
    const res = await app.inject({ url: '/connectors/c/tasks-config' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '{"c-0":{"task.class":"MilvusSinkTask"}}');
  });

  test('task status takes an int task id', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('taskStatus', async (_name, task) => ({ id: task, state: 'RUNNING', worker_id: 'w:8083' }));
    for (const [path, task] of [
      ['0', 0],
      ['+2', 2],
      ['-1', -1],
      ['007', 7],
    ] as const) {
      const res = await app.inject({ url: `/connectors/c/tasks/${path}/status` });
      assert.equal(res.statusCode, 200, path);
      assert.equal(res.body, `{"id":${task},"state":"RUNNING","worker_id":"w:8083"}`);
    }
    assert.deepEqual(herder.argsOf('taskStatus'), [
      ['c', 0],
      ['c', 2],
      ['c', -1],
      ['c', 7],
    ]);
  });

  test('a task id that is not a Java int is an unknown path (404) and reaches no herder', async (t) => {
    const { app, herder } = await buildTestApp(t);
    for (const task of ['abc', '1.0', '1e0', '0x1', '%201', '2147483648', '']) {
      const res = await app.inject({ url: `/connectors/c/tasks/${task}/status` });
      assert.equal(res.statusCode, 404, task);
      assert.deepEqual(envelope(res.body), { error_code: 404, message: 'HTTP 404 Not Found' });
      const restart = await app.inject({ method: 'POST', url: `/connectors/c/tasks/${task}/restart` });
      assert.equal(restart.statusCode, 404, task);
    }
    assert.deepEqual(herder.calls, []);
  });
});

describe('restarts', () => {
  test('task restart answers 204 with no body', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('restartTask', async () => {});
    const res = await app.inject({ method: 'POST', url: '/connectors/c/tasks/1/restart' });
    assert.deepEqual([res.statusCode, res.body, res.headers['content-type']], [204, '', undefined]);
    assert.deepEqual(herder.argsOf('restartTask'), [['c', 1]]);
  });

  test('connector restart without flags (or with both false) is the legacy 204', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('restartConnector', async () => null);
    for (const query of ['', '?includeTasks=false&onlyFailed=false', '?includeTasks=1&onlyFailed=yes', '?forward=false']) {
      const res = await app.inject({ method: 'POST', url: `/connectors/c/restart${query}` });
      assert.deepEqual([res.statusCode, res.body], [204, ''], query);
    }
    assert.deepEqual(
      herder.argsOf('restartConnector').map(([, r]) => r),
      Array(4).fill({ includeTasks: false, onlyFailed: false }),
    );
  });

  test('connector restart with a true flag answers 202 with the plan', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const plan = connectorStatus('c', {
      connector: { state: 'RESTARTING', worker_id: 'w:8083' },
      tasks: [{ id: 0, state: 'RESTARTING', worker_id: 'w:8083' }],
    });
    herder.stub('restartConnector', async () => plan);
    const res = await app.inject({ method: 'POST', url: '/connectors/c/restart?includeTasks=TRUE' });
    assert.equal(res.statusCode, 202);
    assert.deepEqual(JSON.parse(res.body), plan);
    const onlyFailed = await app.inject({ method: 'POST', url: '/connectors/c/restart?onlyFailed=true&onlyFailed=false' });
    assert.equal(onlyFailed.statusCode, 202);
    assert.deepEqual(
      herder.argsOf('restartConnector').map(([, r]) => r),
      [
        { includeTasks: true, onlyFailed: false },
        { includeTasks: false, onlyFailed: true },
      ],
    );
  });

  test("restart of an unknown connector is the herder's 404", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('restartConnector', async (name) => {
      throw new NotFoundError(`Unknown connector: ${name}`);
    });
    const res = await app.inject({ method: 'POST', url: '/connectors/nope/restart?includeTasks=true' });
    assert.deepEqual(envelope(res.body), { error_code: 404, message: 'Unknown connector: nope' });
  });
});

describe('pause, resume, stop', () => {
  for (const [verb, method, status] of [
    ['pause', 'pauseConnector', 202],
    ['resume', 'resumeConnector', 202],
    ['stop', 'stopConnector', 204],
  ] as const) {
    test(`PUT ${verb} answers ${status} with no body and no content type`, async (t) => {
      const { app, herder } = await buildTestApp(t);
      herder.stub(method, async () => {});
      const res = await app.inject({ method: 'PUT', url: `/connectors/c/${verb}?forward=true` });
      assert.deepEqual([res.statusCode, res.body, res.headers['content-type']], [status, '', undefined]);
      assert.deepEqual(herder.argsOf(method), [['c']]);
    });

    test(`PUT ${verb} of an unknown connector is the herder's 404`, async (t) => {
      const { app, herder } = await buildTestApp(t);
      herder.stub(method, async (name) => {
        throw new NotFoundError(`Unknown connector ${name}`);
      });
      const res = await app.inject({ method: 'PUT', url: `/connectors/nope/${verb}` });
      assert.deepEqual(envelope(res.body), { error_code: 404, message: 'Unknown connector nope' });
    });
  }
});

describe('active topics', () => {
  test("GET topics answers the herder's map, even for unknown connectors", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorActiveTopics', async (name) => ({ [name]: { topics: name === 'c' ? ['t1', 't2'] : [] } }));
    assert.equal((await app.inject({ url: '/connectors/c/topics' })).body, '{"c":{"topics":["t1","t2"]}}');
    const unknown = await app.inject({ url: '/connectors/nope/topics' });
    assert.deepEqual([unknown.statusCode, unknown.body], [200, '{"nope":{"topics":[]}}']);
  });

  test('PUT topics/reset answers 202 with no body', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('resetConnectorActiveTopics', async () => {});
    const res = await app.inject({ method: 'PUT', url: '/connectors/c/topics/reset' });
    assert.deepEqual([res.statusCode, res.body, res.headers['content-type']], [202, '', undefined]);
  });

  test('topic tracking disabled is a 403', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorActiveTopics', async () => {
      throw new ForbiddenError('Topic tracking is disabled.');
    });
    herder.stub('resetConnectorActiveTopics', async () => {
      throw new ForbiddenError('Topic tracking reset is disabled.');
    });
    assert.deepEqual(envelope((await app.inject({ url: '/connectors/c/topics' })).body), { error_code: 403, message: 'Topic tracking is disabled.' });
    const reset = await app.inject({ method: 'PUT', url: '/connectors/c/topics/reset' });
    assert.deepEqual(envelope(reset.body), { error_code: 403, message: 'Topic tracking reset is disabled.' });
  });
});

describe('internal endpoints of distributed mode', () => {
  test('POST tasks and PUT fence answer the standalone 500s', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const tasks = await app.inject({
      method: 'POST',
      url: '/connectors/c/tasks?forward=true',
      headers: { 'content-type': 'application/json' },
      payload: '[{"a":"b"}]',
    });
    assert.deepEqual(envelope(tasks.body), {
      error_code: 500,
      message: 'Kafka Connect in standalone mode does not support externally setting task configurations.',
    });
    const fence = await app.inject({ method: 'PUT', url: '/connectors/c/fence' });
    assert.deepEqual(envelope(fence.body), {
      error_code: 500,
      message: 'Kafka Connect in standalone mode does not support exactly-once source connectors.',
    });
    assert.deepEqual(herder.calls, []);
  });
});
