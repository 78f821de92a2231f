import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtinConverters } from '../../../src/converters/index.js';
import { ConfigDef, ConfigType, Importance, type SinkConnector } from '../../../src/plugin/index.js';
import { configErrorsMessage } from '../../../src/runtime/config/config-infos.js';
import { loadConfigProviders } from '../../../src/runtime/config/config-providers.js';
import { ConfigTransformer } from '../../../src/runtime/config/config-transformer.js';
import { CLIENT_PASSWORD_KEYS } from '../../../src/runtime/config/connector-client-config.js';
import { validateConnectorConfig } from '../../../src/runtime/config/connector-validation.js';
import { BadRequestError } from '../../../src/runtime/errors.js';
import { Plugins } from '../../../src/runtime/plugins.js';
import type { ConfigInfo, ConfigInfos } from '../../../src/runtime/types.js';
import {
  TEST_CONVERTER_CLASS,
  TEST_KEY_ONLY_CONVERTER_CLASS,
  TEST_SINK_CLASS,
  createTestConnector,
  testConverterPlugins,
  testSinkPlugin,
} from '../../helpers/test-sink-plugin.js';

const plugins = new Plugins({ connectors: [testSinkPlugin()], converters: testConverterPlugins() });
const validate = (props: Record<string, string | null>, clientOverridePolicy?: string): Promise<ConfigInfos> =>
  validateConnectorConfig(props, { plugins, clientOverridePolicy });

const entry = (infos: ConfigInfos, name: string): ConfigInfo => {
  const found = infos.configs.filter((c) => (c.definition?.name ?? c.value?.name) === name);
  assert.equal(found.length, 1, `exactly one entry for ${name}`);
  return found[0];
};
const names = (infos: ConfigInfos): string[] => infos.configs.map((c) => c.definition?.name ?? `(undefined) ${c.value!.name}`);

const FRAMEWORK_KEYS = [
  'name',
  'connector.class',
  'connector.plugin.version',
  'tasks.max',
  'tasks.max.enforce',
  'key.converter',
  'key.converter.plugin.version',
  'value.converter',
  'value.converter.plugin.version',
  'header.converter',
  'header.converter.plugin.version',
  'transforms',
  'predicates',
  'config.action.reload',
  'errors.retry.timeout',
  'errors.retry.delay.max.ms',
  'errors.tolerance',
  'errors.log.enable',
  'errors.log.include.messages',
  'topics',
  'topics.regex',
  'errors.deadletterqueue.topic.name',
  'errors.deadletterqueue.topic.replication.factor',
  'errors.deadletterqueue.context.headers.enable',
];
const PLUGIN_KEYS = ['test.endpoint', 'test.secret', 'test.batch.size', 'test.task.count'];

describe('validateConnectorConfig', () => {
  test('a valid config: framework keys then plugin keys, defaults rendered, no errors, 200-style result', async () => {
    const infos = await validate({ 'connector.class': 'TestSink', name: 'orders', topics: 'a, b', 'tasks.max': ' 2 ' });
    assert.equal(infos.name, 'TestSink');
    assert.equal(infos.error_count, 0);
    assert.deepEqual(infos.groups, ['Common', 'Transforms', 'Predicates', 'Error Handling', 'Test']);
    assert.deepEqual(names(infos), [...FRAMEWORK_KEYS, ...PLUGIN_KEYS]);
    assert.deepEqual(entry(infos, 'tasks.max'), {
      definition: {
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
        order: 4,
      },
      value: { name: 'tasks.max', value: '2', recommended_values: [], errors: [], visible: true },
    });
    // parsed values rendered back: lists without spaces, defaults substituted
    assert.equal(entry(infos, 'topics').value!.value, 'a,b');
    assert.equal(entry(infos, 'transforms').value!.value, '');
    assert.equal(entry(infos, 'errors.tolerance').value!.value, 'none');
    assert.equal(entry(infos, 'key.converter').value!.value, null);
    assert.deepEqual(entry(infos, 'test.batch.size'), {
      definition: {
        name: 'test.batch.size',
        type: 'INT',
        required: false,
        default_value: '10',
        importance: 'LOW',
        documentation: 'Records per batch.',
        group: 'Test',
        width: 'NONE',
        display_name: 'test.batch.size',
        dependents: [],
        order: 2,
      },
      value: { name: 'test.batch.size', value: '10', recommended_values: [], errors: [], visible: true },
    });
  });

  test('PASSWORD keys show [hidden] as default and value', async () => {
    const infos = await validate({ 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't', 'test.secret': 'hunter2' });
    const secret = entry(infos, 'test.secret');
    assert.equal(secret.definition!.default_value, '[hidden]');
    assert.equal(secret.value!.value, '[hidden]');
    assert.equal(JSON.stringify(infos).includes('hunter2'), false);
  });

  test('errors are counted per message; an absent name is just an error here', async () => {
    const infos = await validate({ 'connector.class': TEST_SINK_CLASS, 'tasks.max': '0', 'test.batch.size': 'x' });
    assert.equal(infos.error_count, 6);
    assert.deepEqual(entry(infos, 'name').value!.errors, ['Missing required configuration "name" which has no default value.']);
    assert.deepEqual(entry(infos, 'tasks.max').value!.errors, ['Invalid value 0 for configuration tasks.max: Value must be at least 1']);
    assert.deepEqual(entry(infos, 'topics').value!.errors, ['Must configure one of topics or topics.regex']);
    assert.deepEqual(entry(infos, 'test.batch.size').value!.errors, [
      'Invalid value x for configuration test.batch.size: Not a number of type INT',
      'Invalid value null for configuration test.batch.size: Value must be non-null',
    ]);
    assert.equal(
      configErrorsMessage(infos),
      [
        'Connector configuration is invalid and contains the following 6 error(s):',
        'Missing required configuration "name" which has no default value.',
        'Invalid value 0 for configuration tasks.max: Value must be at least 1',
        'Must configure one of topics or topics.regex',
        'Must configure one of topics or topics.regex',
        'Invalid value x for configuration test.batch.size: Not a number of type INT',
        'Invalid value null for configuration test.batch.size: Value must be non-null',
        'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
      ].join('\n'),
    );
  });

  test('undefined keys are ignored silently; null values are errors, undefined ones listed first without definition', async () => {
    const infos = await validate({ 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't', 'whatever.key': 'x', 'null.key': null, 'tasks.max': null });
    assert.equal(names(infos).includes('whatever.key'), false);
    assert.deepEqual(infos.configs[0], {
      definition: null,
      value: { name: 'null.key', value: null, recommended_values: [], errors: ['Null value can not be supplied as the configuration value.'], visible: true },
    });
    assert.deepEqual(entry(infos, 'tasks.max').value!.errors, [
      'Invalid value null for configuration tasks.max: Value must be non-null',
      'Null value can not be supplied as the configuration value.',
    ]);
    assert.equal(infos.error_count, 3);
  });

  test('a plugin key given as null is an error too (Kafka loses it; we keep it so nulls never get stored)', async () => {
    const infos = await validate({ 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't', 'test.endpoint': null });
    assert.deepEqual(entry(infos, 'test.endpoint').value!.errors, ['Null value can not be supplied as the configuration value.']);
    assert.equal(infos.error_count, 1);
  });

  test("the plugin's validate() adds errors, and its value for a framework key replaces the framework's", async () => {
    const overriding = testSinkPlugin({
      createConnector: (): SinkConnector => ({
        ...createTestConnector(),
        config: () =>
          new ConfigDef([{ name: 'tasks.max', type: ConfigType.INT, defaultValue: 1, importance: Importance.HIGH, documentation: 'Only one task.' }]),
        validate: async (_props, values) => {
          values.get('tasks.max')!.errors.push('This connector supports a single task');
          return values;
        },
      }),
    });
    const own = new Plugins({ connectors: [overriding], converters: [] });
    const infos = await validateConnectorConfig({ 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't', 'tasks.max': '0' }, { plugins: own });
    // same position as the framework key (after connector.plugin.version), the plugin's definition and value
    assert.equal(names(infos).indexOf('tasks.max'), 3);
    assert.equal(entry(infos, 'tasks.max').definition!.documentation, 'Only one task.');
    assert.deepEqual(entry(infos, 'tasks.max').value!.errors, ['This connector supports a single task']);
    assert.equal(infos.error_count, 1);

    const unreachable = await validate({ 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't', 'test.endpoint': 'unreachable' });
    assert.deepEqual(entry(unreachable, 'test.endpoint').value!.errors, ['Cannot reach the endpoint unreachable']);
  });

  test('transforms: a class that is not installed is an error of its type key; its version key follows, nothing else', async () => {
    const infos = await validate({ 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't', transforms: 'x', 'transforms.x.type': 'Nope' });
    assert.deepEqual(infos.groups, ['Common', 'Transforms', 'Predicates', 'Error Handling', 'Transforms: x', 'Test']);
    assert.deepEqual(names(infos), [...FRAMEWORK_KEYS, 'transforms.x.type', 'transforms.x.plugin.version', ...PLUGIN_KEYS]);
    assert.deepEqual(entry(infos, 'transforms.x.type').value, {
      name: 'transforms.x.type',
      value: null,
      recommended_values: [],
      errors: ['Invalid value Nope for configuration transforms.x.type: Class Nope could not be found.'],
      visible: true,
    });
  });

  test('converters: aliases resolve to the class name; the sub-config is validated and appended, prefixed', async () => {
    const infos = await validate({
      'connector.class': TEST_SINK_CLASS,
      name: 'a',
      topics: 't',
      'value.converter': 'TestJson',
      'value.converter.schemas.enable': 'maybe',
      'key.converter': TEST_KEY_ONLY_CONVERTER_CLASS,
    });
    assert.equal(entry(infos, 'value.converter').value!.value, TEST_CONVERTER_CLASS);
    // appended sections come after the plugin keys, key converter before value converter
    assert.deepEqual(names(infos).slice(FRAMEWORK_KEYS.length + PLUGIN_KEYS.length), [
      'key.converter.converter.type',
      'key.converter.schemas.enable',
      'value.converter.converter.type',
      'value.converter.schemas.enable',
    ]);
    assert.deepEqual(entry(infos, 'value.converter.schemas.enable'), {
      definition: {
        name: 'value.converter.schemas.enable',
        type: 'BOOLEAN',
        required: false,
        default_value: 'true',
        importance: 'HIGH',
        documentation: 'Include schemas within each of the serialized values and keys.',
        group: 'Schemas',
        width: 'MEDIUM',
        display_name: 'Enable Schemas',
        dependents: [],
        order: 1,
      },
      value: {
        name: 'value.converter.schemas.enable',
        value: null,
        recommended_values: [],
        errors: ['Invalid value maybe for configuration schemas.enable: Expected value to be either true or false'],
        visible: true,
      },
    });
    assert.equal(entry(infos, 'key.converter.converter.type').value!.value, 'key');
    assert.deepEqual(infos.groups.at(-1), 'Schemas');
    // appended sections count entries with errors
    assert.equal(infos.error_count, 1);
  });

  test('converter classes: unknown, not a converter, not a header converter', async () => {
    const infos = await validate({
      'connector.class': TEST_SINK_CLASS,
      name: 'a',
      topics: 't',
      'key.converter': 'com.example.Missing',
      'value.converter': TEST_SINK_CLASS,
      'header.converter': TEST_KEY_ONLY_CONVERTER_CLASS,
    });
    assert.deepEqual(entry(infos, 'key.converter').value!.errors, [
      'Invalid value com.example.Missing for configuration key.converter: Class com.example.Missing could not be found.',
    ]);
    assert.deepEqual(entry(infos, 'value.converter').value!.errors, [`Class class ${TEST_SINK_CLASS} does not implement the Converter interface`]);
    assert.deepEqual(entry(infos, 'header.converter').value!.errors, [
      `Class class ${TEST_KEY_ONLY_CONVERTER_CLASS} does not implement the HeaderConverter interface`,
    ]);
    // no sub-config validation for converters with errors
    assert.equal(names(infos).length, FRAMEWORK_KEYS.length + PLUGIN_KEYS.length);
    assert.equal(infos.error_count, 3);
  });

  test('client overrides: consumer always, producer/admin only with a DLQ; the All policy allows everything', async () => {
    const props = {
      'connector.class': TEST_SINK_CLASS,
      name: 'a',
      topics: 't',
      'consumer.override.max.poll.records': ' 50',
      'consumer.override.some.unknown': 'x',
      'producer.override.acks': 'all',
    };
    const noDlq = await validate(props);
    assert.deepEqual(names(noDlq).slice(-2), ['consumer.override.max.poll.records', '(undefined) consumer.override.some.unknown']);
    assert.deepEqual(entry(noDlq, 'consumer.override.max.poll.records'), {
      definition: {
        name: 'consumer.override.max.poll.records',
        type: 'INT',
        required: false,
        default_value: '500',
        importance: 'MEDIUM',
        documentation:
          'The maximum number of records returned in a single call to poll(). Note, that <code>max.poll.records</code> does not impact the underlying fetching behavior. ' +
          'The consumer will cache the records from each fetch request and returns them incrementally from each poll.',
        group: null,
        width: 'NONE',
        display_name: 'max.poll.records',
        dependents: [],
        order: -1,
      },
      value: { name: 'consumer.override.max.poll.records', value: '50', recommended_values: [], errors: [], visible: true },
    });
    assert.equal(entry(noDlq, 'consumer.override.some.unknown').value!.value, 'x');
    assert.equal(noDlq.error_count, 0);

    const withDlq = await validate({ ...props, 'errors.deadletterqueue.topic.name': 'dlq' });
    assert.deepEqual(names(withDlq).slice(-3), [
      '(undefined) producer.override.acks',
      'consumer.override.max.poll.records',
      '(undefined) consumer.override.some.unknown',
    ]);

    const none = await validate(props, 'org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy');
    assert.deepEqual(entry(none, 'consumer.override.max.poll.records').value!.errors, [
      "The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.",
    ]);
    assert.equal(none.error_count, 2);
  });

  test('every PASSWORD-type Kafka client key is [hidden] under consumer., producer. and admin.override., with its definition', async () => {
    const props: Record<string, string> = { 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't', 'errors.deadletterqueue.topic.name': 'dlq' };
    const secrets = new Map<string, string>();
    for (const prefix of ['consumer.override.', 'producer.override.', 'admin.override.']) {
      for (const { name } of CLIENT_PASSWORD_KEYS) {
        const secret = `s3cr3t-${secrets.size}-value`;
        props[prefix + name] = secret;
        secrets.set(prefix + name, secret);
      }
    }
    const infos = await validate(props);
    for (const key of secrets.keys()) {
      const found = entry(infos, key);
      assert.equal(found.definition?.type, 'PASSWORD', key);
      assert.equal(found.value?.value, '[hidden]', key);
    }
    const shown = JSON.stringify(infos);
    for (const secret of secrets.values()) assert.ok(!shown.includes(secret), secret);
    assert.deepEqual(CLIENT_PASSWORD_KEYS.map((k) => k.name).sort(), [
      'sasl.jaas.config',
      'sasl.oauthbearer.assertion.private.key.passphrase',
      'sasl.oauthbearer.client.credentials.client.secret',
      'ssl.key.password',
      'ssl.keystore.certificate.chain',
      'ssl.keystore.key',
      'ssl.keystore.password',
      'ssl.truststore.certificates',
      'ssl.truststore.password',
    ]);
  });

  test('a config without connector.class is refused naming its keys only, never a value', async () => {
    await assert.rejects(validate({ name: 'a', 'consumer.override.ssl.key.password': 'k3y', 'some.setting': 'plain-but-private' }), (e: Error) => {
      assert.ok(e instanceof BadRequestError);
      assert.equal(e.message, 'Connector config {name, consumer.override.ssl.key.password, some.setting} contains no connector type');
      return true;
    });
  });

  test('a client override that does not parse is an error (Kafka answers 500)', async () => {
    const infos = await validate({ 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't', 'consumer.override.max.poll.records': 'many' });
    assert.deepEqual(entry(infos, 'consumer.override.max.poll.records').value!.errors, [
      'Invalid value many for configuration consumer.override.max.poll.records: Not a number of type INT',
    ]);
    assert.equal(infos.error_count, 1);
  });

  test('connector.class absent or unknown is thrown, not returned', async () => {
    await assert.rejects(validate({ name: 'a', topics: 't' }), new BadRequestError('Connector config {name, topics} contains no connector type'));
    await assert.rejects(validate({ 'connector.class': null }), /contains no connector type/);
    await assert.rejects(
      validate({ 'connector.class': 'Nope' }),
      /^BadRequestError: Failed to find any class that implements Connector and which name matches Nope, available connectors are: PluginDesc/,
    );
  });

  test('with the shipped JsonConverter: the Milvus quick-start converter settings validate cleanly', async () => {
    const shipped = new Plugins({ connectors: [testSinkPlugin()], converters: builtinConverters });
    const infos = await validateConnectorConfig(
      {
        'connector.class': TEST_SINK_CLASS,
        name: 'a',
        topics: 't',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
      },
      { plugins: shipped },
    );
    assert.equal(infos.error_count, 0);
    assert.equal(entry(infos, 'value.converter.schemas.enable').value!.value, 'false');
    assert.equal(entry(infos, 'value.converter.converter.type').value!.value, 'value');
    assert.equal(entry(infos, 'key.converter.converter.type').value!.value, 'key');
  });

  describe('Kafka 4.1: primitive converters and plugin versions (KIP-891)', () => {
    const shipped = new Plugins({ connectors: [testSinkPlugin()], converters: builtinConverters });
    const LONG = 'org.apache.kafka.connect.converters.LongConverter';
    const base = { 'connector.class': TEST_SINK_CLASS, name: 'a', topics: 't' };

    test('value.converter=LongConverter validates with no errors and adds its value.converter.converter.type', async () => {
      const infos = await validateConnectorConfig({ ...base, 'value.converter': LONG }, { plugins: shipped });
      assert.equal(infos.error_count, 0);
      assert.equal(entry(infos, 'value.converter').value!.value, LONG);
      assert.equal(entry(infos, 'value.converter.plugin.version').value!.value, '4.1.1');
      assert.deepEqual(names(infos).slice(FRAMEWORK_KEYS.length + PLUGIN_KEYS.length), ['value.converter.converter.type']);
      assert.equal(entry(infos, 'value.converter.converter.type').value!.value, 'value');
    });

    test('the default header converter is shown with its version when the worker has one', async () => {
      const infos = await validateConnectorConfig(base, {
        plugins: shipped,
        workerConverters: { key: null, value: null, header: 'org.apache.kafka.connect.storage.SimpleHeaderConverter' },
      });
      assert.equal(infos.error_count, 0);
      assert.equal(entry(infos, 'header.converter').definition!.default_value, 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
      assert.equal(entry(infos, 'header.converter.plugin.version').value!.value, '4.1.1');
    });

    test('a converter version the installed one does not satisfy is an error on the class and the version key', async () => {
      const infos = await validateConnectorConfig({ ...base, 'value.converter': LONG, 'value.converter.plugin.version': '[3.0,4.0)' }, { plugins: shipped });
      const message = `Plugin ${LONG} has version 4.1.1 which does not match the required version range [3.0,4.0)`;
      assert.deepEqual(entry(infos, 'value.converter').value!.errors, [message]);
      assert.deepEqual(entry(infos, 'value.converter.plugin.version').value!.errors, [message]);
      assert.equal(infos.error_count, 2);
      // no sub-config for a converter that will not load
      assert.equal(names(infos).includes('value.converter.converter.type'), false);
    });

    test('a connector version mismatch ends validation after the framework keys, the installed version recommended', async () => {
      const infos = await validateConnectorConfig({ ...base, 'connector.plugin.version': '2.0' }, { plugins: shipped });
      const message = `Plugin ${TEST_SINK_CLASS} has version 1.2.3 which does not match the required version range [2.0,2.0]`;
      assert.deepEqual(entry(infos, 'connector.class').value!.errors, [message]);
      assert.deepEqual(entry(infos, 'connector.plugin.version').value!.errors, [message]);
      assert.deepEqual(entry(infos, 'connector.plugin.version').value!.recommended_values, ['1.2.3']);
      assert.deepEqual(names(infos), FRAMEWORK_KEYS);
      assert.equal(infos.error_count, 2);
    });

    test('a malformed version range is an invalid value of its key', async () => {
      const infos = await validateConnectorConfig({ ...base, 'key.converter.plugin.version': '[1.0' }, { plugins: shipped });
      assert.match(entry(infos, 'key.converter.plugin.version').value!.errors[0], /^Invalid value \[1\.0 for configuration key\.converter\.plugin\.version: /);
    });

    test("a connector class that fails to load again gets the ConnectException prefix Kafka's CachedConnectors adds", async () => {
      const failedConnectorClasses = new Set<string>();
      const options = { plugins: shipped, failedConnectorClasses };
      const first = await validateConnectorConfig({ ...base, 'connector.class': 'com.example.Missing' }, options).catch((e: Error) => e);
      const second = await validateConnectorConfig({ ...base, 'connector.class': 'com.example.Missing' }, options).catch((e: Error) => e);
      assert.ok(first instanceof BadRequestError && second instanceof BadRequestError);
      assert.match(first.message, /^Failed to find any class that implements Connector and which name matches com\.example\.Missing/);
      assert.equal(second.message, `org.apache.kafka.connect.errors.ConnectException: ${first.message}`);
    });
  });

  describe('with config providers', () => {
    const SECRET = 'endpoint-with-secret-1234';
    const transformer = new ConfigTransformer(
      loadConfigProviders(
        { 'config.providers': 'env', 'config.providers.env.class': 'EnvVarConfigProvider' },
        { TEST_ENDPOINT: SECRET, UNREACHABLE: 'unreachable', BATCH: 'lots-of-records' },
      ),
    );
    const validateResolved = (props: Record<string, string | null>) => validateConnectorConfig(props, { plugins, configTransformer: transformer });

    test('the plugin validates the resolved values; the answer shows the placeholders', async () => {
      const shipped = { 'connector.class': 'TestSink', name: 'a', topics: 't', 'test.endpoint': '${env:UNREACHABLE}', 'test.batch.size': '${env:BATCH}' };
      const infos = await validateResolved(shipped);
      // the test plugin's validate() fails only for the value "unreachable", so it saw the resolved value;
      // its message quoted that value, which the answer shows as the placeholder
      assert.deepEqual(entry(infos, 'test.endpoint').value, {
        name: 'test.endpoint',
        value: '${env:UNREACHABLE}',
        recommended_values: [],
        errors: ['Cannot reach the endpoint ${env:UNREACHABLE}'],
        visible: true,
      });
      // "lots-of-records" is no INT: the message quotes the placeholder that produced it
      assert.equal(entry(infos, 'test.batch.size').value!.errors[0], 'Invalid value ${env:BATCH} for configuration test.batch.size: Not a number of type INT');
      assert.equal(entry(infos, 'test.batch.size').value!.value, null, 'an unparsable value shows as null, as in Kafka');
      assert.ok(!JSON.stringify(infos).includes('lots-of-records'), 'no resolved value in the answer');
    });

    test('a value that resolved cleanly shows its placeholder, never the value', async () => {
      const infos = await validateResolved({
        'connector.class': 'TestSink',
        name: 'a',
        topics: 't',
        'test.endpoint': 'https://${env:TEST_ENDPOINT}/x',
        'test.secret': '${env:TEST_ENDPOINT}',
      });
      assert.equal(infos.error_count, 0);
      assert.equal(entry(infos, 'test.endpoint').value!.value, 'https://${env:TEST_ENDPOINT}/x');
      assert.equal(entry(infos, 'test.secret').value!.value, '[hidden]');
      assert.ok(!JSON.stringify(infos).includes(SECRET));
    });

    test('an unresolvable placeholder is the error of its key, counted once, saying what to fix', async () => {
      const infos = await validateResolved({
        'connector.class': 'TestSink',
        name: 'a',
        topics: 't',
        'test.batch.size': '${env:NOT_SET}',
        'custom.key': '${file:/nowhere.properties:k}',
      });
      assert.deepEqual(entry(infos, 'test.batch.size').value!.errors, [
        "Could not resolve ${env:NOT_SET}: the environment variable NOT_SET is not set in the worker's environment",
      ]);
      assert.match(
        entry(infos, 'custom.key').value!.errors[0],
        /^Could not resolve \$\{file:\/nowhere\.properties:k\}: no config provider named 'file' is configured on this worker \(config\.providers=env\)/,
      );
      assert.equal(infos.error_count, 2);
      assert.match(configErrorsMessage(infos)!, /contains the following 2 error\(s\):\nCould not resolve/);
    });
  });
});
