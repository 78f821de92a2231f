import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlreadyExistsError, BadRequestError, NotFoundError } from '../../../src/runtime/errors.js';
import { herderFixture, sinkConfig } from '../../helpers/herder-fixture.js';
import { TEST_SINK_CLASS, TEST_SINK_TASK_CLASS } from '../../helpers/test-sink-plugin.js';

describe('StandaloneHerder: create', () => {
  test('POST creates a RUNNING connector whose tasks are generated from the plugin, up to tasks.max', async (t) => {
    const { herder, worker } = await herderFixture(t);
    const info = await herder.createConnector({ name: 'orders', config: sinkConfig('orders', { 'tasks.max': '2' }) });

    assert.deepEqual(info, {
      name: 'orders',
      config: sinkConfig('orders', { 'tasks.max': '2' }),
      tasks: [
        { connector: 'orders', task: 0 },
        { connector: 'orders', task: 1 },
      ],
      type: 'sink',
    });
    const status = await herder.connectorStatus('orders');
    assert.deepEqual(status, {
      name: 'orders',
      connector: { state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '1.2.3' },
      tasks: [
        { id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '1.2.3' },
        { id: 1, state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '1.2.3' },
      ],
      type: 'sink',
    });
    assert.deepEqual(worker.calls, [
      'startConnector orders STARTED',
      'connectorTaskConfigs orders 2',
      'startTask orders-0 STARTED',
      'startTask orders-1 STARTED',
    ]);
  });

  test('task configs are the plugin map plus task.class and the connector topics', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'test.endpoint': 'http://x' }) });
    assert.deepEqual(await herder.taskConfigs('a'), [
      {
        id: { connector: 'a', task: 0 },
        config: { 'test.endpoint': 'http://x', 'test.task.index': '0', 'task.class': TEST_SINK_TASK_CLASS, topics: 'orders' },
      },
    ]);
    await herder.createConnector({ name: 'b', config: { name: 'b', 'connector.class': TEST_SINK_CLASS, 'topics.regex': 'orders-.*' } });
    assert.equal((await herder.taskConfigs('b'))[0].config['topics.regex'], 'orders-.*');
    assert.equal(Object.hasOwn((await herder.taskConfigs('b'))[0].config, 'topics'), false);
    assert.deepEqual(await herder.tasksConfig('b'), {
      'b-0': { 'test.endpoint': '', 'test.task.index': '0', 'task.class': TEST_SINK_TASK_CLASS, 'topics.regex': 'orders-.*' },
    });
  });

  test('the POST name is trimmed, injected into the config, and must match config.name', async (t) => {
    const { herder } = await herderFixture(t);
    const info = await herder.createConnector({ name: '  padded ', config: { 'connector.class': 'TestSink', topics: 't' } });
    assert.equal(info.name, 'padded');
    assert.deepEqual(info.config, { 'connector.class': 'TestSink', topics: 't', name: 'padded' });

    await assert.rejects(
      herder.createConnector({ name: ' x ', config: sinkConfig(' x ') }),
      new BadRequestError("Connector name configuration ( x ) doesn't match connector name in the URL (x)"),
    );
    assert.deepEqual(await herder.connectors(), ['padded']);
  });

  test('initial_state PAUSED and STOPPED create connectors with zero tasks', async (t) => {
    const { herder, worker } = await herderFixture(t);
    const paused = await herder.createConnector({ name: 'p', config: sinkConfig('p'), initial_state: 'PAUSED' });
    const stopped = await herder.createConnector({ name: 's', config: sinkConfig('s'), initial_state: 'STOPPED' });
    assert.deepEqual(paused.tasks, []);
    assert.deepEqual(stopped.tasks, []);
    assert.deepEqual(await herder.connectorStatus('p'), {
      name: 'p',
      connector: { state: 'PAUSED', worker_id: '127.0.0.1:8083', version: '1.2.3' },
      tasks: [],
      type: 'sink',
    });
    assert.equal((await herder.connectorStatus('s')).connector.state, 'STOPPED');
    assert.deepEqual(await herder.taskConfigs('s'), []);
    assert.equal(
      worker.calls.some((c) => c.startsWith('connectorTaskConfigs')),
      false,
    );
  });

  test('validation comes before the existence check: invalid config for an existing name is 400, valid is 409', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    await assert.rejects(herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '0' }) }), BadRequestError);
    await assert.rejects(herder.createConnector({ name: 'a', config: sinkConfig('a') }), new AlreadyExistsError('Connector a already exists'));
  });

  test('an invalid config is refused with the aggregated message and writes nothing', async (t) => {
    const { herder, worker, configStore, statusStore } = await herderFixture(t);
    await assert.rejects(
      herder.createConnector({ name: 'bad', config: { name: 'bad', 'connector.class': TEST_SINK_CLASS, 'tasks.max': 'x' } }),
      new BadRequestError(
        [
          'Connector configuration is invalid and contains the following 4 error(s):',
          'Invalid value x for configuration tasks.max: Not a number of type INT',
          'Invalid value null for configuration tasks.max: Value must be non-null',
          'Must configure one of topics or topics.regex',
          'Must configure one of topics or topics.regex',
          'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
        ].join('\n'),
      ),
    );
    assert.deepEqual(configStore.names(), []);
    assert.equal(statusStore.getConnector('bad'), undefined);
    assert.deepEqual(worker.calls, []);
  });

  test('connector names: empty and control characters get Kafka errors, "/" and over-long names are refused, Unicode is fine', async (t) => {
    const { herder } = await herderFixture(t);
    await assert.rejects(herder.createConnector({ name: '   ', config: sinkConfig('') }), (e: Error) => {
      assert.ok(e instanceof BadRequestError);
      assert.match(e.message, /\nInvalid value {2}for configuration name: String may not be empty\n/);
      return true;
    });
    await assert.rejects(herder.createConnector({ name: 'a\u0007b', config: { 'connector.class': TEST_SINK_CLASS, topics: 't' } }), (e: Error) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the message must quote the BEL of the name
      assert.match(e.message, /Invalid value a\u0007b for configuration name: String may not contain control sequences but had the following ASCII chars: 7/);
      return true;
    });
    await assert.rejects(
      herder.putConnectorConfig('a/b', sinkConfig('a/b')),
      new BadRequestError("Connector name a/b is invalid: it may not contain '/', because the connector could not be addressed in REST API URLs"),
    );
    await assert.rejects(
      herder.createConnector({ name: 'x'.repeat(1025), config: { 'connector.class': TEST_SINK_CLASS, topics: 't' } }),
      /too long \(1025 characters\)/,
    );

    const unicode = 'café-änderungen-日本-🚀';
    await herder.createConnector({ name: unicode, config: { 'connector.class': TEST_SINK_CLASS, topics: 't' } });
    await herder.createConnector({ name: 'y'.repeat(1024), config: { 'connector.class': TEST_SINK_CLASS, topics: 't' } });
    assert.deepEqual(
      (await herder.connectors()).map((n) => n.length),
      ['café-änderungen-日本-🚀'.length, 1024].sort((a, b) => a - b),
    );
    assert.equal((await herder.connectorStatus(unicode)).connector.state, 'RUNNING');
  });

  test('an unknown connector.class is a BadRequestError with Kafka text listing the installed connectors', async (t) => {
    const { herder } = await herderFixture(t);
    await assert.rejects(herder.createConnector({ name: 'a', config: { 'connector.class': 'com.example.Nope', topics: 't' } }), (e: Error) => {
      assert.ok(e instanceof BadRequestError);
      assert.equal(
        e.message,
        'Failed to find any class that implements Connector and which name matches com.example.Nope, available connectors are: ' +
          `PluginDesc{klass=class ${TEST_SINK_CLASS}, name='${TEST_SINK_CLASS}', version='1.2.3', encodedVersion=1.2.3, type=sink, typeName='sink', location='classpath'}`,
      );
      return true;
    });
  });

  test('a config without connector.class is refused naming its keys, never their values', async (t) => {
    const { herder } = await herderFixture(t);
    await assert.rejects(
      herder.createConnector({ name: 'a', config: { topics: 't', 'test.secret': 's3cr3t', token: 'abc' } }),
      new BadRequestError('Connector config {topics, test.secret, token, name} contains no connector type'),
    );
  });
});

describe('StandaloneHerder: config updates', () => {
  test('PUT creates (created=true) then replaces (created=false), restarting connector and tasks on change', async (t) => {
    const { herder, worker } = await herderFixture(t);
    const first = await herder.putConnectorConfig('a', { 'connector.class': TEST_SINK_CLASS, topics: 't' });
    assert.equal(first.created, true);
    assert.deepEqual(first.result.config, { 'connector.class': TEST_SINK_CLASS, topics: 't', name: 'a' });
    await herder.idle();

    worker.calls.length = 0;
    const second = await herder.putConnectorConfig('a', { 'connector.class': TEST_SINK_CLASS, topics: 'u', 'tasks.max': '2' });
    assert.equal(second.created, false);
    // the answer carries the new task configs; the task instances follow in the background
    assert.deepEqual(second.result.tasks, [
      { connector: 'a', task: 0 },
      { connector: 'a', task: 1 },
    ]);
    await herder.idle();
    assert.deepEqual(worker.calls, [
      'stopConnector a',
      'startConnector a STARTED',
      'connectorTaskConfigs a 2',
      'stopTask a-0',
      'startTask a-0 STARTED',
      'startTask a-1 STARTED',
    ]);
    // keys absent from the PUT body are gone
    assert.deepEqual(await herder.connectorConfig('a'), { 'connector.class': TEST_SINK_CLASS, topics: 'u', 'tasks.max': '2', name: 'a' });
  });

  test('PUT with an identical config restarts the connector but keeps the tasks', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.putConnectorConfig('a', sinkConfig('a'));
    worker.calls.length = 0;
    await herder.putConnectorConfig('a', sinkConfig('a'));
    assert.deepEqual(worker.calls, ['stopConnector a', 'startConnector a STARTED', 'connectorTaskConfigs a 1']);
  });

  test('PUT name must equal the URL name exactly', async (t) => {
    const { herder, configStore } = await herderFixture(t);
    await assert.rejects(
      herder.putConnectorConfig('a', sinkConfig(' a')),
      new BadRequestError("Connector name configuration ( a) doesn't match connector name in the URL (a)"),
    );
    assert.deepEqual(configStore.names(), []);
  });

  test('PUT keeps a PAUSED connector paused and a STOPPED one stopped', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'p', config: sinkConfig('p'), initial_state: 'PAUSED' });
    await herder.createConnector({ name: 's', config: sinkConfig('s'), initial_state: 'STOPPED' });
    await herder.putConnectorConfig('p', sinkConfig('p', { 'tasks.max': '3' }));
    await herder.putConnectorConfig('s', sinkConfig('s', { 'tasks.max': '3' }));
    assert.equal((await herder.connectorStatus('p')).connector.state, 'PAUSED');
    assert.equal((await herder.connectorStatus('s')).connector.state, 'STOPPED');
    assert.deepEqual((await herder.connectorInfo('s')).tasks, []);
  });

  test('PATCH merges: null removes a key, other keys are upserted, then the result is validated', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'test.endpoint': 'e1', 'test.batch.size': '5' }) });
    const patched = await herder.patchConnectorConfig('a', { 'test.batch.size': null, 'test.endpoint': 'e2', 'tasks.max': '2' });
    assert.deepEqual(patched.config, { ...sinkConfig('a'), 'test.endpoint': 'e2', 'tasks.max': '2' });
    assert.equal(patched.tasks.length, 2);

    await assert.rejects(herder.patchConnectorConfig('a', { topics: null }), /Must configure one of topics or topics.regex/);
    assert.equal((await herder.connectorConfig('a')).topics, 'orders');
    await assert.rejects(herder.patchConnectorConfig('missing', { topics: 'x' }), new NotFoundError('Connector missing not found'));
    await assert.rejects(
      herder.patchConnectorConfig('a', { name: 'b' }),
      new BadRequestError("Connector name configuration (b) doesn't match connector name in the URL (a)"),
    );
  });

  test('a null value in a PUT config is a validation error, never stored', async (t) => {
    const { herder, configStore } = await herderFixture(t);
    await assert.rejects(herder.putConnectorConfig('a', { ...sinkConfig('a'), 'test.endpoint': null, 'no.such.key': null }), (e: Error) => {
      assert.match(
        e.message,
        /contains the following 2 error\(s\):\nNull value can not be supplied as the configuration value\.\nNull value can not be supplied/,
      );
      return true;
    });
    assert.equal(configStore.get('a'), undefined);
  });

  test('a plugin validate() error refuses the config', async (t) => {
    const { herder } = await herderFixture(t);
    await assert.rejects(
      herder.createConnector({ name: 'a', config: sinkConfig('a', { 'test.endpoint': 'unreachable' }) }),
      /Cannot reach the endpoint unreachable/,
    );
  });
});

describe('StandaloneHerder: delete', () => {
  test('DELETE stops everything and removes config, tasks and statuses, but keeps offsets', async (t) => {
    const { herder, worker, statusStore } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }) });
    worker.offsets.set('a', new Map([['orders/0', 42]]));
    await herder.deleteConnector('a');

    assert.deepEqual(await herder.connectors(), []);
    assert.equal(statusStore.getConnector('a'), undefined);
    assert.deepEqual(statusStore.tasks('a'), []);
    assert.equal(worker.connectors.size + worker.tasks.size, 0);
    assert.deepEqual(worker.offsets.get('a'), new Map([['orders/0', 42]]));
    await assert.rejects(herder.connectorStatus('a'), new NotFoundError('No status found for connector a'));
    await assert.rejects(herder.deleteConnector('a'), new NotFoundError('Connector a not found'));

    // the same name comes back fresh
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    assert.equal((await herder.connectorInfo('a')).tasks.length, 1);
  });
});

describe('StandaloneHerder: reads', () => {
  test('unknown connectors get Kafka messages', async (t) => {
    const { herder } = await herderFixture(t);
    await assert.rejects(herder.connectorInfo('x'), new NotFoundError('Connector x not found'));
    await assert.rejects(herder.connectorConfig('x'), new NotFoundError('Connector x not found'));
    await assert.rejects(herder.taskConfigs('x'), new NotFoundError('Connector x not found'));
    await assert.rejects(herder.tasksConfig('x'), new NotFoundError('Connector x not found'));
    await assert.rejects(herder.connectorStatus('x'), new NotFoundError('No status found for connector x'));
    await assert.rejects(herder.taskStatus('x', 0), new NotFoundError('No status found for task x-0'));
  });

  test('connectors are listed sorted; a stopped connector has tasks-config 404 (standalone quirk)', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'b', config: sinkConfig('b') });
    await herder.createConnector({ name: 'a', config: sinkConfig('a'), initial_state: 'STOPPED' });
    assert.deepEqual(await herder.connectors(), ['a', 'b']);
    await assert.rejects(herder.tasksConfig('a'), new NotFoundError('Connector a not found'));
  });

  test('a FAILED task shows its trace; other states have none; worker-reported states carry the plugin version', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a', { 'tasks.max': '2' }) });
    worker.failTask({ connector: 'a', task: 1 });
    assert.deepEqual(await herder.taskStatus('a', 1), {
      id: 1,
      state: 'FAILED',
      worker_id: '127.0.0.1:8083',
      trace: 'org.apache.kafka.connect.errors.ConnectException: boom\n\tat test',
      version: '1.2.3',
    });
    assert.deepEqual(await herder.taskStatus('a', 0), { id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '1.2.3' });
  });

  test('a connector that fails to start is FAILED with its trace, and its config is kept', async (t) => {
    const { herder, worker } = await herderFixture(t);
    worker.failStart.add('a');
    const info = await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    assert.deepEqual(info.tasks, []);
    const status = await herder.connectorStatus('a');
    assert.equal(status.connector.state, 'FAILED');
    assert.match(status.connector.trace!, /refused to start/);
  });
});
