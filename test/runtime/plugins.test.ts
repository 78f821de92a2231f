import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_CONNECTORS_MODULE, builtinConnectors } from '../../src/connectors/index.js';
import { REGISTRY_CONVERTER_VERSION } from '../../src/converters/registry/plugin-version.js';
import { BUILTIN_CONVERTERS_MODULE, builtinConverters } from '../../src/converters/index.js';
import { ConfigDef, ConfigType, Importance } from '../../src/plugin/index.js';
import { BUILTIN_TRANSFORMS_MODULE } from '../../src/transforms/index.js';
import { SINK_CONNECTOR_CONFIG_DEF } from '../../src/runtime/config/connector-config.js';
import { BadRequestError, NotFoundError } from '../../src/runtime/errors.js';
import { Plugins } from '../../src/runtime/plugins.js';
import { builtinPredicates, builtinTransformations } from '../../src/transforms/index.js';
import { TEST_SINK_CLASS, createTestConnector, testSinkPlugin } from '../helpers/test-sink-plugin.js';

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

describe('Plugins: connector resolution (connector.class)', () => {
  const plugins = new Plugins({ connectors: [testSinkPlugin()], converters: builtinConverters });

  test('by full class name, simple name, simple name minus Connector, or a declared alias', () => {
    for (const name of [TEST_SINK_CLASS, 'TestSinkConnector', 'TestSink', 'TestSinkAlias']) {
      assert.equal(plugins.connector(name).className, TEST_SINK_CLASS, name);
    }
    assert.equal(plugins.connectorType('TestSink'), 'sink');
    assert.equal(plugins.connectorType('Nope'), 'unknown');
    assert.equal(plugins.connectorType(undefined), 'unknown');
  });

  test('an unknown class is a BadRequestError with Kafka text listing every installed connector', () => {
    assert.throws(
      () => plugins.connector(JSON_CONVERTER),
      new BadRequestError(
        `Failed to find any class that implements Connector and which name matches ${JSON_CONVERTER}, available connectors are: ` +
          `PluginDesc{klass=class ${TEST_SINK_CLASS}, name='${TEST_SINK_CLASS}', version='1.2.3', encodedVersion=1.2.3, type=sink, typeName='sink', location='classpath'}`,
      ),
    );
    assert.equal(plugins.findConnector('Nope'), undefined);
  });

  test('an alias shared by two plugins is dropped; the full class names still work', () => {
    const twins = new Plugins({
      connectors: [
        testSinkPlugin({ className: 'org.a.FooSinkConnector', aliases: ['Foo'] }),
        testSinkPlugin({ className: 'org.b.FooSinkConnector', aliases: ['Foo'] }),
      ],
      converters: [],
    });
    assert.equal(twins.connector('org.b.FooSinkConnector').className, 'org.b.FooSinkConnector');
    assert.throws(() => twins.connector('Foo'), /^BadRequestError: Failed to find any class that implements Connector and which name matches Foo,/);
    assert.throws(
      () => twins.connector('FooSink'),
      /^BadRequestError: More than one connector matches alias FooSink\. Please use full package and class name instead\. Classes found: PluginDesc\{klass=class org\.a\.FooSinkConnector/,
    );
  });

  test('a class registered twice is a programming error', () => {
    assert.throws(() => new Plugins({ connectors: [testSinkPlugin(), testSinkPlugin()], converters: [] }), /registered twice/);
  });
});

describe('Plugins: converters', () => {
  const plugins = new Plugins({ connectors: [testSinkPlugin()], converters: builtinConverters });

  test('resolve by class or alias; resolveClass knows every plugin class', () => {
    assert.equal(plugins.converter('Json').className, JSON_CONVERTER);
    assert.equal(plugins.findConverter('JsonConverter')?.className, JSON_CONVERTER);
    assert.equal(plugins.findConverter('TestSink'), undefined);
    assert.equal(plugins.resolveClass('StringConverter'), 'org.apache.kafka.connect.storage.StringConverter');
    assert.equal(plugins.resolveClass('TestSink'), TEST_SINK_CLASS);
    assert.equal(plugins.resolveClass('com.example.Nope'), undefined);
    assert.throws(
      () => plugins.converter('Nope'),
      /^BadRequestError: Failed to find any class that implements Converter and which name matches Nope, available converters are: /,
    );
  });
});

describe('Plugins: listing (GET /connector-plugins)', () => {
  test('connectors only: sinks sorted by class; version omitted when unknown', () => {
    const plugins = new Plugins({
      connectors: [testSinkPlugin(), testSinkPlugin({ className: 'org.a.UnversionedSinkConnector', version: undefined })],
      converters: builtinConverters,
    });
    assert.deepEqual(plugins.connectorPlugins(true), [
      { class: 'org.a.UnversionedSinkConnector', type: 'sink' },
      { class: TEST_SINK_CLASS, type: 'sink', version: '1.2.3' },
    ]);
  });

  test("all plugins: Confluent's and Kafka's 9 converters, then Kafka's 10 header converters (SimpleHeaderConverter only as a header converter), sorted by class as Kafka lists them", () => {
    const plugins = new Plugins({ connectors: [testSinkPlugin()], converters: builtinConverters });
    const v = '4.1.1';
    const converters = [
      'converters.BooleanConverter',
      'converters.ByteArrayConverter',
      'converters.DoubleConverter',
      'converters.FloatConverter',
      'converters.IntegerConverter',
      'converters.LongConverter',
      'converters.ShortConverter',
      'json.JsonConverter',
      'storage.StringConverter',
    ].map((c) => `org.apache.kafka.connect.${c}`);
    const headerConverters = [...converters.slice(0, 8), 'org.apache.kafka.connect.storage.SimpleHeaderConverter', converters[8]];
    // not header converters, as in Confluent's distribution; versioned like this worker
    const confluent = ['avro.AvroConverter', 'json.JsonSchemaConverter', 'protobuf.ProtobufConverter'].map((c) => `io.confluent.connect.${c}`);
    assert.deepEqual(plugins.connectorPlugins(false), [
      { class: TEST_SINK_CLASS, type: 'sink', version: '1.2.3' },
      ...confluent.map((c) => ({ class: c, type: 'converter', version: REGISTRY_CONVERTER_VERSION })),
      ...converters.map((c) => ({ class: c, type: 'converter', version: v })),
      ...headerConverters.map((c) => ({ class: c, type: 'header_converter', version: v })),
    ]);
  });
});

describe('Plugins: plugin config (GET /connector-plugins/{p}/config)', () => {
  test('a connector: its own keys first, then the framework sink keys it does not define', () => {
    const ownTasksMax = testSinkPlugin({
      createConnector: () => ({
        ...createTestConnector(),
        config: () =>
          new ConfigDef([
            { name: 'own.key', type: ConfigType.STRING, defaultValue: 'x', importance: Importance.HIGH, documentation: 'Own.' },
            { name: 'tasks.max', type: ConfigType.INT, defaultValue: 1, importance: Importance.LOW, documentation: 'Only one.' },
          ]),
      }),
    });
    const plugins = new Plugins({ connectors: [ownTasksMax], converters: [] });
    const keys = plugins.pluginConfig('TestSink');
    const framework = [...SINK_CONNECTOR_CONFIG_DEF.keys.keys()].filter((k) => k !== 'tasks.max');
    assert.deepEqual(
      keys.map((k) => k.name),
      ['own.key', 'tasks.max', ...framework],
    );
    assert.deepEqual(keys[1], {
      name: 'tasks.max',
      type: 'INT',
      required: false,
      default_value: '1',
      importance: 'LOW',
      documentation: 'Only one.',
      group: null,
      width: 'NONE',
      display_name: 'tasks.max',
      dependents: [],
      order: -1,
    });
  });

  test('a converter: only its own keys; unknown plugins are 404', () => {
    const plugins = new Plugins({ connectors: [testSinkPlugin()], converters: builtinConverters });
    const json = plugins.pluginConfig('Json');
    assert.deepEqual(
      json.map((k) => k.name),
      [
        ...builtinConverters
          .find((c) => c.className === JSON_CONVERTER)!
          .create()
          .config()
          .keys.keys(),
      ],
    );
    assert.ok(json.some((k) => k.name === 'schemas.enable'));
    assert.throws(() => plugins.pluginConfig('Nope'), new NotFoundError('Unknown plugin Nope.'));
  });

  test('?version= (KIP-891): the installed version or a range holding it answers, anything else is a 400, an unknown plugin still a 404', () => {
    const plugins = new Plugins({ connectors: [testSinkPlugin()], converters: builtinConverters });
    const simple = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';
    assert.deepEqual(plugins.pluginConfig(simple, '4.1.1'), []);
    assert.deepEqual(plugins.pluginConfig(simple, '[4.0,5.0)'), []);
    assert.deepEqual(plugins.pluginConfig(simple, 'latest'), []);
    // the connector's config shows its installed version as connector.plugin.version's default
    assert.equal(plugins.pluginConfig('TestSink', '1.2.3').find((k) => k.name === 'connector.plugin.version')?.default_value, '1.2.3');
    assert.throws(
      () => plugins.pluginConfig(simple, '3.9.0'),
      new BadRequestError(`Plugin ${simple} has version 4.1.1 which does not match the required version range [3.9.0,3.9.0]`),
    );
    assert.throws(
      () => plugins.pluginConfig('TestSink', '(,1.0)'),
      /^BadRequestError: Plugin .* has version 1\.2\.3 which does not match the required version range \(,1\.0\)$/,
    );
    assert.throws(() => plugins.pluginConfig(simple, '[1.0'), BadRequestError);
    assert.throws(() => plugins.pluginConfig('Nope', '1.0'), new NotFoundError('Unknown plugin Nope.'));
  });
});

describe('Plugins: with the shipped Milvus sink and converters', () => {
  const plugins = new Plugins({ connectors: builtinConnectors, converters: builtinConverters });
  const MILVUS = 'com.milvus.io.kafka.MilvusSinkConnector';

  test('the original class name and its aliases resolve; it is listed as a sink', () => {
    for (const name of [MILVUS, 'MilvusSinkConnector', 'MilvusSink']) assert.equal(plugins.connector(name).className, MILVUS);
    assert.deepEqual(
      plugins.connectorPlugins(true).map((p) => [p.class, p.type]),
      [[MILVUS, 'sink']],
    );
  });

  test('its plugin config starts with the original keys and renders the token default as [hidden]', () => {
    const keys = plugins.pluginConfig('MilvusSink');
    assert.deepEqual(
      keys
        .slice(0, 4)
        .map((k) => k.name)
        .sort(),
      ['collection.name', 'database.name', 'public.endpoint', 'token'],
    );
    const token = keys.find((k) => k.name === 'token')!;
    assert.equal(token.type, 'PASSWORD');
    assert.equal(token.default_value, '[hidden]');
    // framework keys follow, each once
    const names = keys.map((k) => k.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.includes('tasks.max') && names.includes('errors.deadletterqueue.topic.name'));
  });
});

describe('Plugins.load: the registry from plugin modules, as each task thread builds it again', () => {
  test('finds the plugins each named export holds and remembers the modules for the task threads', async () => {
    const modules = [BUILTIN_CONNECTORS_MODULE, BUILTIN_CONVERTERS_MODULE];
    const plugins = await Plugins.load(modules);
    assert.deepEqual(plugins.modules, modules);
    assert.equal(plugins.connector('MilvusSink').className, 'com.milvus.io.kafka.MilvusSinkConnector');
    assert.equal(plugins.converter('JsonConverter').className, JSON_CONVERTER);
    assert.deepEqual(
      plugins.connectorPlugins(false).map((p) => p.class),
      new Plugins({ connectors: builtinConnectors, converters: builtinConverters }).connectorPlugins(false).map((p) => p.class),
    );
  });

  test('a plugin built from objects has no modules: nothing a task thread could load', () => {
    assert.deepEqual(new Plugins({ connectors: builtinConnectors, converters: [] }).modules, []);
  });

  test('a missing export, or one that is no plugin, is an error naming the module and the export', async () => {
    const url = BUILTIN_CONVERTERS_MODULE.url;
    await assert.rejects(Plugins.load([{ url, exports: ['noSuchExport'] }]), new Error(`The plugin module ${url} has no export named noSuchExport`));
    await assert.rejects(
      Plugins.load([{ url, exports: ['JSON_CONVERTER_CONFIG_DEF'] }]),
      new Error(`The export JSON_CONVERTER_CONFIG_DEF of ${url} is no connector, converter, transformation or predicate plugin`),
    );
  });

  test("finds transformations and predicates too, which task threads need for the connector's chain", async () => {
    const plugins = await Plugins.load([BUILTIN_CONNECTORS_MODULE, BUILTIN_CONVERTERS_MODULE, BUILTIN_TRANSFORMS_MODULE]);
    assert.equal(plugins.findTransformation('org.apache.kafka.connect.transforms.Cast$Value')?.className, 'org.apache.kafka.connect.transforms.Cast$Value');
    assert.equal(plugins.findPredicate('RecordIsTombstone')?.className, 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone');
  });
});

describe('Plugins: the shipped transformations and predicates (as a Kafka 4.1.1 worker lists them)', () => {
  const plugins = new Plugins({
    connectors: [testSinkPlugin()],
    converters: builtinConverters,
    transformations: builtinTransformations,
    predicates: builtinPredicates,
  });
  const T = 'org.apache.kafka.connect.transforms';

  test('listed after the connectors and before the converters, sorted by class, with Kafka 4.1.1 as version', () => {
    const listed = plugins.connectorPlugins(false);
    const types = listed.map((p) => p.type);
    assert.deepEqual([...new Set(types)], ['sink', 'transformation', 'predicate', 'converter', 'header_converter']);
    const transformations = listed.filter((p) => p.type === 'transformation');
    assert.equal(transformations.length, 26);
    assert.deepEqual(transformations.slice(0, 3), [
      { class: `${T}.Cast$Key`, type: 'transformation', version: '4.1.1' },
      { class: `${T}.Cast$Value`, type: 'transformation', version: '4.1.1' },
      { class: `${T}.DropHeaders`, type: 'transformation', version: '4.1.1' },
    ]);
    assert.deepEqual(
      listed.filter((p) => p.type === 'predicate').map((p) => p.class),
      [`${T}.predicates.HasHeaderKey`, `${T}.predicates.RecordIsTombstone`, `${T}.predicates.TopicNameMatches`],
    );
    assert.deepEqual(plugins.connectorPlugins(true), [listed[0]]);
  });

  test("aliases are Java's simple names: Filter and HasHeaderKey resolve, the nested Key/Value classes have none", () => {
    assert.equal(plugins.findTransformation('Filter')?.className, `${T}.Filter`);
    assert.equal(plugins.findTransformation('RegexRouter')?.className, `${T}.RegexRouter`);
    assert.equal(plugins.findPredicate('HasHeaderKey')?.className, `${T}.predicates.HasHeaderKey`);
    assert.equal(plugins.findTransformation('InsertField$Value'), undefined);
    assert.equal(plugins.findTransformation('Value'), undefined);
    assert.equal(plugins.findTransformation('HasHeaderKey'), undefined, 'a predicate is no transformation');
    assert.throws(() => plugins.pluginConfig('InsertField$Value'), new NotFoundError('Unknown plugin InsertField$Value.'));
  });

  test('GET …/config answers the ConfigDef: Cast$Value has spec and replace.null.with.default, Filter nothing', () => {
    assert.deepEqual(plugins.pluginConfig(`${T}.Cast$Value`), [
      {
        name: 'spec',
        type: 'LIST',
        required: true,
        default_value: null,
        importance: 'HIGH',
        documentation:
          'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
        group: null,
        width: 'NONE',
        display_name: 'spec',
        dependents: [],
        order: -1,
      },
      {
        name: 'replace.null.with.default',
        type: 'BOOLEAN',
        required: false,
        default_value: 'true',
        importance: 'MEDIUM',
        documentation:
          'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
        group: null,
        width: 'NONE',
        display_name: 'replace.null.with.default',
        dependents: [],
        order: -1,
      },
    ]);
    assert.deepEqual(plugins.pluginConfig('Filter'), []);
    assert.deepEqual(
      plugins.pluginConfig(`${T}.TimestampConverter$Value`).map((k) => [k.name, k.type, k.default_value, k.importance]),
      [
        ['field', 'STRING', '', 'HIGH'],
        ['target.type', 'STRING', null, 'HIGH'],
        ['format', 'STRING', '', 'MEDIUM'],
        ['unix.precision', 'STRING', 'milliseconds', 'LOW'],
        ['replace.null.with.default', 'BOOLEAN', 'true', 'MEDIUM'],
      ],
    );
    assert.deepEqual(
      plugins.pluginConfig('TimestampRouter').map((k) => [k.name, k.default_value]),
      [
        ['topic.format', '${topic}-${timestamp}'],
        ['timestamp.format', 'yyyyMMdd'],
      ],
    );
  });
});
