import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestError, ForbiddenError, NotFoundError, ServerError } from '../../../src/runtime/errors.js';
import { herderFixture, sinkConfig } from '../../helpers/herder-fixture.js';
import { TEST_SINK_CLASS } from '../../helpers/test-sink-plugin.js';

const ALTERED =
  'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.';
const RESET =
  'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.';
const NOT_STOPPED =
  "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/a/stop' endpoint";

const partition = (topic: unknown, p: unknown): Record<string, unknown> => ({ kafka_topic: topic, kafka_partition: p });

describe('StandaloneHerder: offsets', () => {
  test('GET works in any state; unknown connector is 404', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    worker.offsets.set('a', new Map([['orders/0', 42]]));
    assert.deepEqual(await herder.connectorOffsets('a'), {
      offsets: [{ partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 42 } }],
    });
    await assert.rejects(herder.connectorOffsets('x'), new NotFoundError('Connector x not found'));
  });

  test('PATCH and DELETE check, in order: empty request, unknown connector, not STOPPED (PAUSED is not enough)', async (t) => {
    const { herder, worker } = await herderFixture(t);
    const some = { offsets: [{ partition: partition('t', 0), offset: { kafka_offset: 1 } }] };
    await assert.rejects(
      herder.alterConnectorOffsets('x', { offsets: [] }),
      new BadRequestError('Partitions / offsets need to be provided for an alter offsets request'),
    );
    await assert.rejects(herder.alterConnectorOffsets('x', some), new NotFoundError('Connector x not found'));
    await assert.rejects(herder.resetConnectorOffsets('x'), new NotFoundError('Connector x not found'));

    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    await assert.rejects(herder.alterConnectorOffsets('a', some), new BadRequestError(NOT_STOPPED));
    await herder.pauseConnector('a');
    await herder.idle();
    await assert.rejects(herder.alterConnectorOffsets('a', some), new BadRequestError(NOT_STOPPED));
    await assert.rejects(herder.resetConnectorOffsets('a'), new BadRequestError(NOT_STOPPED));
    assert.equal(
      worker.calls.some((c) => c.includes('Offsets')),
      false,
    );
  });

  test('a STOPPED connector: alter commits, null resets a partition, the last duplicate wins; reset drops the group', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a'), initial_state: 'STOPPED' });
    worker.offsets.set('a', new Map([['t/1', 5]]));
    const altered = await herder.alterConnectorOffsets('a', {
      offsets: [
        { partition: partition('t', '0'), offset: { kafka_offset: '10' } },
        { partition: partition('t', 0), offset: { kafka_offset: 12 } },
        { partition: partition('t', 1), offset: null },
      ],
    });
    assert.deepEqual(altered, { message: ALTERED });
    assert.deepEqual(worker.offsets.get('a'), new Map([['t/0', 12]]));

    assert.deepEqual(await herder.resetConnectorOffsets('a'), { message: RESET });
    assert.equal(worker.offsets.has('a'), false);
  });

  test('sink offset requests are parsed with Kafka messages', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a'), initial_state: 'STOPPED' });
    const alter = (p: Record<string, unknown> | null, o: Record<string, unknown> | null = { kafka_offset: 1 }) =>
      herder.alterConnectorOffsets('a', { offsets: [{ partition: p, offset: o }] });
    await assert.rejects(alter(null), new BadRequestError('The partition for a sink connector offset cannot be null or missing'));
    await assert.rejects(
      alter({ kafka_topic: 't' }),
      new BadRequestError("The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'"),
    );
    await assert.rejects(alter(partition(null, 0)), new BadRequestError('Kafka topic names must be valid strings and may not be null'));
    await assert.rejects(alter(partition('t', null)), new BadRequestError('Kafka partitions must be valid numbers and may not be null'));
    await assert.rejects(
      alter(partition('t', 'x')),
      new BadRequestError(
        "Failed to parse the following Kafka partition value in the provided offsets: 'x'. Partition values for sink connectors need to be integers.",
      ),
    );
    await assert.rejects(
      alter(partition('t', 1.5)),
      new BadRequestError(
        "Failed to parse the following Kafka partition value in the provided offsets: '1.5'. Partition values for sink connectors need to be integers.",
      ),
    );
    await assert.rejects(
      alter(partition('t', 0), {}),
      new BadRequestError("The offset for a sink connector should either be null or contain the key 'kafka_offset'"),
    );
    await assert.rejects(
      alter(partition('t', 0), { kafka_offset: '9223372036854775808' }),
      new BadRequestError(
        "Failed to parse the following Kafka offset value in the provided offsets: '9223372036854775808'. Offset values for sink connectors need to be integers.",
      ),
    );
    // a bad entry anywhere means nothing is altered
    await assert.rejects(
      herder.alterConnectorOffsets('a', {
        offsets: [
          { partition: partition('t', 0), offset: { kafka_offset: 1 } },
          { partition: null, offset: null },
        ],
      }),
      BadRequestError,
    );
    assert.equal(worker.calls.includes('alterSinkConnectorOffsets a'), false);
  });

  test('worker failures come through unchanged', async (t) => {
    const { herder, worker } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a'), initial_state: 'STOPPED' });
    worker.offsetError = new ServerError("Failed to reset consumer group offsets for connector a either because its tasks haven't stopped completely yet");
    await assert.rejects(herder.resetConnectorOffsets('a'), ServerError);
  });
});

describe('StandaloneHerder: topic tracking', () => {
  test('records the topics tasks consumed; reset clears them; unknown connectors are never 404', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    herder.onTopicActive('a', 'orders');
    herder.onTopicActive('a', 'refunds');
    herder.onTopicActive('a', 'orders');
    herder.onTopicActive('ghost', 'orders');
    assert.deepEqual(await herder.connectorActiveTopics('a'), { a: { topics: ['orders', 'refunds'] } });
    assert.deepEqual(await herder.connectorActiveTopics('ghost'), { ghost: { topics: [] } });
    await herder.resetConnectorActiveTopics('a');
    await herder.resetConnectorActiveTopics('ghost');
    assert.deepEqual(await herder.connectorActiveTopics('a'), { a: { topics: [] } });
  });

  test('disabled tracking and disabled reset are 403 with Kafka texts', async (t) => {
    const disabled = await herderFixture(t, { workerProps: { 'topic.tracking.enable': 'false' } });
    await assert.rejects(disabled.herder.connectorActiveTopics('a'), new ForbiddenError('Topic tracking is disabled.'));
    await assert.rejects(disabled.herder.resetConnectorActiveTopics('a'), new ForbiddenError('Topic tracking is disabled.'));
    const noReset = await herderFixture(t, { workerProps: { 'topic.tracking.allow.reset': 'false' } });
    await assert.rejects(noReset.herder.resetConnectorActiveTopics('a'), new ForbiddenError('Topic tracking reset is disabled.'));
  });
});

describe('StandaloneHerder: validate endpoint', () => {
  test('the URL plugin name is only a suffix check against connector.class', async (t) => {
    const { herder } = await herderFixture(t);
    const config = { 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't' };
    for (const url of [TEST_SINK_CLASS, 'TestSinkConnector', 'TestSink', 'Sink']) {
      assert.equal((await herder.validateConnectorConfig(config, url)).error_count, 0, url);
    }
    await assert.rejects(
      herder.validateConnectorConfig({ ...config, 'connector.class': 'TestSink' }, TEST_SINK_CLASS),
      new BadRequestError(`Included connector type TestSink does not match request type ${TEST_SINK_CLASS}`),
    );
    // the body's connector.class drives validation and must be there
    await assert.rejects(herder.validateConnectorConfig({ name: 'a' }, 'TestSink'), new BadRequestError('Connector config {name} contains no connector type'));
    const infos = await herder.validateConnectorConfig({ 'connector.class': 'TestSinkAlias', topics: 't' }, 'TestSinkAlias');
    assert.equal(infos.name, 'TestSinkAlias');
    assert.equal(infos.error_count, 1);
  });

  test('validation writes nothing', async (t) => {
    const { herder, configStore, worker } = await herderFixture(t);
    await herder.validateConnectorConfig(sinkConfig('a'));
    assert.deepEqual(configStore.names(), []);
    assert.deepEqual(worker.calls, []);
  });

  test('plugin listing and plugin config come from the registry', async (t) => {
    const { herder } = await herderFixture(t);
    assert.deepEqual(await herder.connectorPlugins(true), [{ class: TEST_SINK_CLASS, type: 'sink', version: '1.2.3' }]);
    assert.equal((await herder.connectorPluginConfig('TestSink'))[0].name, 'test.endpoint');
    await assert.rejects(herder.connectorPluginConfig('Nope'), new NotFoundError('Unknown plugin Nope.'));
  });
});

describe('StandaloneHerder: worker info, health, loggers', () => {
  test('GET / reports the emulated Connect version, our build id and the Kafka cluster id', async (t) => {
    const { herder, worker } = await herderFixture(t);
    assert.deepEqual(await herder.serverInfo(), { version: '4.1.1', commit: '0123456789abcdef', kafka_cluster_id: 'fake-cluster-id' });
    worker.clusterId = null;
    assert.equal((await herder.serverInfo()).kafka_cluster_id, null);
  });

  test('health: starting before start-up, healthy after, and healthy-but-saying-so when Kafka is unreachable', async (t) => {
    const { herder, worker } = await herderFixture(t, { start: false, healthTimeoutMs: 20 });
    assert.deepEqual(await herder.health(), { status: 'starting', message: 'Worker is still starting up.' });
    await herder.start();
    assert.deepEqual(await herder.health(), {
      status: 'healthy',
      message: 'Worker has completed startup and is ready to handle requests.',
    });
    worker.clusterId = null;
    const down = await herder.health();
    assert.equal(down.status, 'healthy');
    assert.match(down.message, /^Worker has completed startup and is ready to handle requests\. However, the Kafka cluster cannot be reached at the moment/);
  });

  test('health: unhealthy when start-up failed', async (t) => {
    const { herder, configStore } = await herderFixture(t, { start: false });
    configStore.names = () => {
      throw new Error('database is locked');
    };
    await assert.rejects(herder.start(), /database is locked/);
    assert.deepEqual(await herder.health(), {
      status: 'unhealthy',
      message: 'Worker was unable to handle this request and may be unable to handle other requests. Start-up failed: database is locked',
    });
  });

  test('loggers delegate to Loggers, with Kafka messages for unknown loggers and invalid levels', async (t) => {
    const { herder, loggers } = await herderFixture(t);
    loggers.logger('com.milvus.io.kafka.MilvusSinkTask');
    assert.deepEqual(await herder.setLoggerLevel('com.milvus', 'debug', 'worker'), ['com.milvus', 'com.milvus.io.kafka.MilvusSinkTask']);
    assert.equal((await herder.loggerLevel('com.milvus.io.kafka.MilvusSinkTask')).level, 'DEBUG');
    assert.ok(Object.hasOwn(await herder.loggers(), 'com.milvus'));
    await assert.rejects(herder.loggerLevel('no.such.logger'), new NotFoundError('Logger no.such.logger not found.'));
    await assert.rejects(herder.setLoggerLevel('x', 'LOUD', 'worker'), new NotFoundError("invalid log level 'LOUD'."));
  });

  test('currentStage names what the herder is doing while it works, and null when idle', async (t) => {
    const { herder, worker } = await herderFixture(t);
    assert.equal(herder.currentStage(), null);
    let seen: string | undefined;
    const original = worker.startConnector.bind(worker);
    worker.startConnector = async (...args) => {
      seen = herder.currentStage()?.description;
      return original(...args);
    };
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    assert.equal(seen, 'starting connector a');
    assert.equal(herder.currentStage(), null);
  });
});
