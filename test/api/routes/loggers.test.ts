import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from '../../../src/runtime/errors.js';
import { buildTestApp, envelope, json } from '../../helpers/build-app.js';

describe('GET /admin/loggers', () => {
  test('answers the explicitly set loggers with last_modified present even when null', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('loggers', async () => ({
      'org.apache.kafka.connect': { level: 'DEBUG', last_modified: 1700000000000 },
      root: { level: 'INFO', last_modified: null },
    }));
    const res = await app.inject({ url: '/admin/loggers' });
    assert.equal(res.body, '{"org.apache.kafka.connect":{"level":"DEBUG","last_modified":1700000000000},"root":{"level":"INFO","last_modified":null}}');
  });

  test("GET one logger answers its level; an unknown one is the herder's 404", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('loggerLevel', async (name) => {
      if (name === 'nope') throw new NotFoundError('Logger nope not found.');
      return { level: 'WARN', last_modified: null };
    });
    const res = await app.inject({ url: '/admin/loggers/com.milvus.io.kafka.MilvusSinkTask' });
    assert.equal(res.body, '{"level":"WARN","last_modified":null}');
    assert.deepEqual(envelope((await app.inject({ url: '/admin/loggers/nope' })).body), { error_code: 404, message: 'Logger nope not found.' });
  });
});

describe('PUT /admin/loggers/{logger}', () => {
  test('worker scope (the default) answers 200 with the affected loggers', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('setLoggerLevel', async (name) => [name, `${name}.WorkerSinkTask`]);
    const res = await app.inject(json('PUT', '/admin/loggers/org.apache.kafka.connect', { level: 'DEBUG', ignored: 'x' }));
    assert.deepEqual([res.statusCode, res.body], [200, '["org.apache.kafka.connect","org.apache.kafka.connect.WorkerSinkTask"]']);
    assert.deepEqual(herder.argsOf('setLoggerLevel'), [['org.apache.kafka.connect', 'DEBUG', 'worker']]);
  });

  test('scope=cluster (any case) answers 204; any other scope falls back to worker', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('setLoggerLevel', async () => ['root']);
    const cluster = await app.inject(json('PUT', '/admin/loggers/root?scope=CLUSTER', { level: 'info' }));
    assert.deepEqual([cluster.statusCode, cluster.body, cluster.headers['content-type']], [204, '', undefined]);
    const other = await app.inject(json('PUT', '/admin/loggers/root?scope=everywhere', { level: 'info' }));
    assert.equal(other.statusCode, 200);
    assert.deepEqual(
      herder.argsOf('setLoggerLevel').map((args) => args[2]),
      ['cluster', 'worker'],
    );
  });

  test("a missing or null level is Kafka's 400, and no level is changed", async (t) => {
    const { app, herder } = await buildTestApp(t);
    for (const body of ['{}', '{"level":null}', '{"Level":"DEBUG"}']) {
      const res = await app.inject(json('PUT', '/admin/loggers/root', body));
      assert.deepEqual(envelope(res.body), { error_code: 400, message: "Desired 'level' parameter was not specified in request." }, body);
    }
    const empty = await app.inject(json('PUT', '/admin/loggers/root', ''));
    assert.equal(envelope(empty.body).message, 'Request body is missing: this endpoint expects a JSON object');
    assert.deepEqual(herder.calls, []);
  });

  test("an invalid level is the herder's 404 (sic)", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('setLoggerLevel', async (_name, level) => {
      throw new NotFoundError(`invalid log level '${level}'.`);
    });
    const res = await app.inject(json('PUT', '/admin/loggers/root', '{"level":5}'));
    assert.deepEqual(envelope(res.body), { error_code: 404, message: "invalid log level '5'." });
  });
});
