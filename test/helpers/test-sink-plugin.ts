/**
 * A small sink connector plugin for runtime tests, the way Kafka tests its runtime with test connectors.
 * It is never registered in production code. Its behaviour is steered by its own config keys, so a
 * test reads as a connector configuration.
 */
import {
  ConfigDef,
  ConfigType,
  Importance,
  Validators,
  Width,
  type ConfigValue,
  type ConnectorContext,
  type Converter,
  type ConverterPlugin,
  type SinkConnector,
  type SinkConnectorPlugin,
  type SinkTask,
} from '../../src/plugin/index.js';

export const TEST_SINK_CLASS = 'org.example.connect.test.TestSinkConnector';
export const TEST_SINK_TASK_CLASS = 'org.example.connect.test.TestSinkTask';
export const TEST_SINK_VERSION = '1.2.3';

/** The plugin's own keys (what `GET /connector-plugins/{p}/config` lists before the framework keys). */
export const TEST_SINK_CONFIG = new ConfigDef([
  {
    name: 'test.endpoint',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.HIGH,
    documentation: 'Where the test sink writes.',
    group: 'Test',
    orderInGroup: 1,
    width: Width.LONG,
    displayName: 'Endpoint',
  },
  {
    name: 'test.secret',
    type: ConfigType.PASSWORD,
    defaultValue: 'changeme',
    importance: Importance.MEDIUM,
    documentation: 'A secret that must never be shown.',
  },
  {
    name: 'test.batch.size',
    type: ConfigType.INT,
    defaultValue: 10,
    validator: Validators.atLeast(1),
    importance: Importance.LOW,
    documentation: 'Records per batch.',
    group: 'Test',
    orderInGroup: 2,
  },
  {
    // generate this many task configs whatever tasks.max says (for tasks.max enforcement tests)
    name: 'test.task.count',
    type: ConfigType.INT,
    defaultValue: null,
    importance: Importance.LOW,
    documentation: 'Number of task configs to generate; default tasks.max.',
  },
]);

/** Connectors created by the plugin, newest last, so tests can see what the worker did with them. */
export interface TestSinkConnector extends SinkConnector {
  readonly started: boolean;
  readonly props: Readonly<Record<string, string>> | null;
}

export function createTestConnector(): TestSinkConnector {
  let props: Readonly<Record<string, string>> | null = null;
  let started = false;
  return {
    get started() {
      return started;
    },
    get props() {
      return props;
    },
    version: () => TEST_SINK_VERSION,
    config: () => TEST_SINK_CONFIG,
    async start(p: Readonly<Record<string, string>>, _context: ConnectorContext) {
      props = p;
      started = true;
    },
    taskConfigs(maxTasks: number) {
      const count = props?.['test.task.count'] !== undefined ? Number(props['test.task.count']) : maxTasks;
      return Array.from({ length: count }, (_, i) => ({ 'test.endpoint': props?.['test.endpoint'] ?? '', 'test.task.index': String(i) }));
    },
    async stop() {
      started = false;
    },
    // deeper validation: an endpoint named "unreachable" cannot be reached
    async validate(p: Readonly<Record<string, string>>, values: Map<string, ConfigValue>) {
      if (p['test.endpoint'] === 'unreachable') values.get('test.endpoint')!.errors.push('Cannot reach the endpoint unreachable');
      return values;
    },
  };
}

function unusedTask(): SinkTask {
  throw new Error('The test sink plugin has no task: runtime tests use a fake worker');
}

export function testSinkPlugin(overrides: Partial<SinkConnectorPlugin> = {}): SinkConnectorPlugin {
  return {
    className: TEST_SINK_CLASS,
    aliases: ['TestSinkAlias'],
    type: 'sink',
    version: TEST_SINK_VERSION,
    taskClassName: TEST_SINK_TASK_CLASS,
    createConnector: createTestConnector,
    createTask: unusedTask,
    ...overrides,
  };
}

/**
 * Converter plugins shaped like Kafka's (a `converter.type` key and a key of their own), so converter
 * sub-config validation can be tested without the real converters.
 */
export const TEST_CONVERTER_CLASS = 'org.example.connect.test.TestJsonConverter';
export const TEST_KEY_ONLY_CONVERTER_CLASS = 'org.example.connect.test.TestBytesConverter';

function converterConfig(): ConfigDef {
  return new ConfigDef([
    {
      name: 'converter.type',
      type: ConfigType.STRING,
      validator: Validators.oneOf('key', 'value', 'header'),
      importance: Importance.LOW,
      documentation: 'How this converter will be used.',
    },
    {
      name: 'schemas.enable',
      type: ConfigType.BOOLEAN,
      defaultValue: true,
      importance: Importance.HIGH,
      documentation: 'Include schemas within each of the serialized values and keys.',
      group: 'Schemas',
      orderInGroup: 1,
      width: Width.MEDIUM,
      displayName: 'Enable Schemas',
    },
  ]);
}

export function testConverterPlugins(): ConverterPlugin[] {
  const converter = (): Converter => ({
    configure() {},
    toConnectData: () => ({ schema: null, value: null }),
    config: converterConfig,
  });
  return [
    { className: TEST_CONVERTER_CLASS, aliases: [], version: '3.9.0', isHeaderConverter: true, create: converter },
    { className: TEST_KEY_ONLY_CONVERTER_CLASS, aliases: [], version: '3.9.0', isHeaderConverter: false, create: converter },
  ];
}
