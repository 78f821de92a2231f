import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestError, NotFoundError } from '../../../src/runtime/errors.js';
import type { ConfigInfos, ConfigKeyInfo } from '../../../src/runtime/types.js';
import { buildTestApp, envelope, json } from '../../helpers/build-app.js';

const TASKS_MAX: ConfigKeyInfo = {
  name: 'tasks.max',
  type: 'INT',
  required: false,
  default_value: '1',
  importance: 'HIGH',
  documentation: 'Maximum number of tasks to use for this connector.',
  group: 'Common',
  width: 'SHORT',
  display_name: 'Tasks max',
  dependents: [],
  order: 3,
};

describe('GET /connector-plugins', () => {
  test('connectorsOnly defaults to true and is parsed like Boolean.valueOf', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorPlugins', async () => []);
    for (const query of [
      '',
      '?connectorsOnly=false',
      '?connectorsOnly=0',
      '?connectorsOnly=TRUE',
      '?connectorsOnly=yes',
      '?connectorsOnly=true&connectorsOnly=false',
    ]) {
      const res = await app.inject({ url: `/connector-plugins${query}` });
      assert.equal(res.statusCode, 200);
    }
    assert.deepEqual(herder.argsOf('connectorPlugins'), [[true], [false], [false], [true], [false], [true]]);
  });

  test('a plugin without a version has no version field', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorPlugins', async () => [
      { class: 'com.milvus.io.kafka.MilvusSinkConnector', type: 'sink', version: '0.1.0' },
      { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter' },
    ]);
    const res = await app.inject({ url: '/connector-plugins?connectorsOnly=false' });
    assert.equal(
      res.body,
      '[{"class":"com.milvus.io.kafka.MilvusSinkConnector","type":"sink","version":"0.1.0"},{"class":"org.apache.kafka.connect.json.JsonConverter","type":"converter"}]',
    );
  });
});

describe('GET /connector-plugins/{plugin}/config', () => {
  test("answers the config definitions with Kafka's field names (order, not order_in_group)", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorPluginConfig', async () => [
      TASKS_MAX,
      { ...TASKS_MAX, name: 'x', default_value: null, documentation: null, group: null, order: -1 },
    ]);
    const res = await app.inject({ url: '/connector-plugins/MilvusSink/config' });
    assert.equal(res.statusCode, 200);
    // no ?version= is Kafka's default "latest": the installed version, whatever it is
    assert.deepEqual(herder.argsOf('connectorPluginConfig'), [['MilvusSink', undefined]]);
    const [first, second] = JSON.parse(res.body) as ConfigKeyInfo[];
    assert.deepEqual(Object.keys(first), [
      'name',
      'type',
      'required',
      'default_value',
      'importance',
      'documentation',
      'group',
      'width',
      'display_name',
      'dependents',
      'order',
    ]);
    assert.deepEqual(second, { ...TASKS_MAX, name: 'x', default_value: null, documentation: null, group: null, order: -1 });
  });

  test('passes ?version= (KIP-891) to the herder as given', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorPluginConfig', async () => []);
    const res = await app.inject({ url: '/connector-plugins/MilvusSink/config?version=%5B1.0%2C2.0%29' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(herder.argsOf('connectorPluginConfig'), [['MilvusSink', '[1.0,2.0)']]);
  });

  test('unknown plugin 404 and wrong kind 400 come from the herder', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorPluginConfig', async (p) => {
      if (p === 'Nope') throw new NotFoundError('Unknown plugin Nope.');
      throw new BadRequestError(`Invalid plugin class ${p}. Valid types are sink, source, converter, header_converter, transformation, predicate.`);
    });
    assert.equal((await app.inject({ url: '/connector-plugins/Nope/config' })).statusCode, 404);
    assert.equal((await app.inject({ url: '/connector-plugins/java.lang.String/config' })).statusCode, 400);
  });
});

describe('PUT /connector-plugins/{plugin}/config/validate', () => {
  const infos: ConfigInfos = {
    name: 'MilvusSink',
    error_count: 2,
    groups: ['Common'],
    configs: [
      {
        definition: null,
        value: { name: 'x', value: null, recommended_values: [], errors: ['Null value can not be supplied as the configuration value.'], visible: true },
      },
      {
        definition: TASKS_MAX,
        value: {
          name: 'tasks.max',
          value: '0',
          recommended_values: [],
          errors: ['Invalid value 0 for configuration tasks.max: Value must be at least 1'],
          visible: true,
        },
      },
      { definition: { ...TASKS_MAX, name: 'other' }, value: null },
    ],
  };

  test('answers 200 with the errors in the body, nulls kept, and passes the URL plugin along', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('validateConnectorConfig', async () => infos);
    const res = await app.inject(json('PUT', '/connector-plugins/MilvusSink/config/validate', '{"connector.class":"MilvusSink","tasks.max":0,"x":null}'));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(res.body), infos);
    assert.deepEqual(herder.argsOf('validateConnectorConfig'), [[{ 'connector.class': 'MilvusSink', 'tasks.max': '0', x: null }, 'MilvusSink']]);
  });

  test('a nested value is a 400 naming the key, and nothing is validated', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const res = await app.inject(
      json('PUT', '/connector-plugins/MilvusSink/config/validate', { 'connector.class': 'MilvusSink', 'collection.schema': { id: 'int64' } }),
    );
    assert.equal(res.statusCode, 400);
    assert.match(envelope(res.body).message!, /field "collection\.schema" must be a string, a number, a boolean or null, but was an object/);
    assert.deepEqual(herder.calls, []);
  });

  test("a body without connector.class is the herder's 400", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('validateConnectorConfig', async () => {
      throw new BadRequestError('Connector config {tasks.max=1} contains no connector type');
    });
    const res = await app.inject(json('PUT', '/connector-plugins/MilvusSink/config/validate', { 'tasks.max': '1' }));
    assert.deepEqual(envelope(res.body), { error_code: 400, message: 'Connector config {tasks.max=1} contains no connector type' });
  });
});
