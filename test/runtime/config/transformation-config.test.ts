/**
 * The transforms.* / predicates.* keys of the validate endpoint, as a Kafka 4.1.1 worker answers them
 * (the expectations were taken from a Kafka Connect 4.1.1 worker's PUT …/config/validate).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtinConverters } from '../../../src/converters/index.js';
import { validateConnectorConfig } from '../../../src/runtime/config/connector-validation.js';
import { transformationStageSpecs } from '../../../src/runtime/config/transformation-config.js';
import { Plugins } from '../../../src/runtime/plugins.js';
import type { ConfigInfo, ConfigInfos } from '../../../src/runtime/types.js';
import { builtinPredicates, builtinTransformations } from '../../../src/transforms/index.js';
import { TEST_SINK_CLASS, testSinkPlugin } from '../../helpers/test-sink-plugin.js';

const plugins = new Plugins({
  connectors: [testSinkPlugin()],
  converters: builtinConverters,
  transformations: builtinTransformations,
  predicates: builtinPredicates,
});
const validate = (props: Record<string, string>): Promise<ConfigInfos> =>
  validateConnectorConfig({ 'connector.class': TEST_SINK_CLASS, name: 'x', topics: 't', ...props }, { plugins });

const entries = (infos: ConfigInfos): ConfigInfo[] => infos.configs.filter((c) => /^(transforms|predicates)\./.test(c.definition?.name ?? c.value?.name ?? ''));
const brief = (c: ConfigInfo) => ({
  name: c.definition!.name,
  type: c.definition!.type,
  default: c.definition!.default_value,
  order: c.definition!.order,
  group: c.definition!.group,
  display: c.definition!.display_name,
  value: c.value!.value,
  errors: c.value!.errors,
});
const errorsOf = (infos: ConfigInfos, name: string): string[] => infos.configs.find((c) => c.value?.name === name)!.value!.errors;

const ALL_TRANSFORMATIONS = [
  'Cast$Key',
  'Cast$Value',
  'DropHeaders',
  'ExtractField$Key',
  'ExtractField$Value',
  'Filter',
  'Flatten$Key',
  'Flatten$Value',
  'HeaderFrom$Key',
  'HeaderFrom$Value',
  'HoistField$Key',
  'HoistField$Value',
  'InsertField$Key',
  'InsertField$Value',
  'InsertHeader',
  'MaskField$Key',
  'MaskField$Value',
  'RegexRouter',
  'ReplaceField$Key',
  'ReplaceField$Value',
  'SetSchemaMetadata$Key',
  'SetSchemaMetadata$Value',
  'TimestampConverter$Key',
  'TimestampConverter$Value',
  'TimestampRouter',
  'ValueToKey',
].map((c) => `org.apache.kafka.connect.transforms.${c}`);

describe('validate: transforms and predicates as Kafka 4.1 shows them', () => {
  test('a transformation: type, plugin.version, then its own keys with predicate and negate, sorted and grouped', async () => {
    const infos = await validate({
      transforms: 'cast,filt',
      'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value',
      'transforms.cast.spec': 'a:int32',
      'transforms.filt.type': 'Filter',
      'transforms.filt.predicate': 'tomb',
      'transforms.filt.negate': 'true',
      predicates: 'tomb',
      'predicates.tomb.type': 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
    });
    assert.equal(infos.error_count, 0);
    assert.deepEqual(infos.groups, [
      'Common',
      'Transforms',
      'Predicates',
      'Error Handling',
      'Transforms: cast',
      'Transforms: filt',
      'Predicates: tomb',
      'Test',
    ]);
    const g = 'Transforms: cast';
    const f = 'Transforms: filt';
    assert.deepEqual(entries(infos).map(brief), [
      {
        name: 'transforms.cast.type',
        type: 'CLASS',
        default: null,
        order: 0,
        group: g,
        display: 'Transformation type for cast',
        value: 'org.apache.kafka.connect.transforms.Cast$Value',
        errors: [],
      },
      {
        name: 'transforms.cast.plugin.version',
        type: 'STRING',
        default: '4.1.1',
        order: 1,
        group: g,
        display: 'Transformation version for cast',
        value: '4.1.1',
        errors: [],
      },
      { name: 'transforms.cast.spec', type: 'LIST', default: null, order: 2, group: g, display: 'spec', value: 'a:int32', errors: [] },
      { name: 'transforms.cast.negate', type: 'BOOLEAN', default: 'false', order: 3, group: g, display: 'negate', value: 'false', errors: [] },
      { name: 'transforms.cast.predicate', type: 'STRING', default: null, order: 4, group: g, display: 'predicate', value: null, errors: [] },
      {
        name: 'transforms.cast.replace.null.with.default',
        type: 'BOOLEAN',
        default: 'true',
        order: 5,
        group: g,
        display: 'replace.null.with.default',
        value: 'true',
        errors: [],
      },
      {
        name: 'transforms.filt.type',
        type: 'CLASS',
        default: null,
        order: 0,
        group: f,
        display: 'Transformation type for filt',
        value: 'org.apache.kafka.connect.transforms.Filter',
        errors: [],
      },
      {
        name: 'transforms.filt.plugin.version',
        type: 'STRING',
        default: '4.1.1',
        order: 1,
        group: f,
        display: 'Transformation version for filt',
        value: '4.1.1',
        errors: [],
      },
      { name: 'transforms.filt.negate', type: 'BOOLEAN', default: 'false', order: 2, group: f, display: 'negate', value: 'true', errors: [] },
      { name: 'transforms.filt.predicate', type: 'STRING', default: null, order: 3, group: f, display: 'predicate', value: 'tomb', errors: [] },
      {
        name: 'predicates.tomb.type',
        type: 'CLASS',
        default: null,
        order: 0,
        group: 'Predicates: tomb',
        display: 'Predicate type for tomb',
        value: 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
        errors: [],
      },
      {
        name: 'predicates.tomb.plugin.version',
        type: 'STRING',
        default: '4.1.1',
        order: 1,
        group: 'Predicates: tomb',
        display: 'Predicate version for tomb',
        value: '4.1.1',
        errors: [],
      },
    ]);
    const type = infos.configs.find((c) => c.value?.name === 'transforms.cast.type')!;
    assert.deepEqual(type.value!.recommended_values, ALL_TRANSFORMATIONS);
    assert.equal(type.definition!.documentation, "Class for the 'cast' transformation.");
    assert.deepEqual(infos.configs.find((c) => c.value?.name === 'transforms.cast.plugin.version')!.value!.recommended_values, ['4.1.1']);
    assert.deepEqual(infos.configs.find((c) => c.value?.name === 'predicates.tomb.type')!.value!.recommended_values, [
      'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
      'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
      'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    ]);
  });

  test("a missing, unknown or wrong-kind type is an error of the type key, and the class's keys are not shown", async () => {
    const infos = await validate({
      transforms: 'a,b,c,d',
      'transforms.b.type': 'Nope',
      'transforms.c.type': 'org.apache.kafka.connect.json.JsonConverter',
      'transforms.d.type': 'Filter',
      'transforms.d.negate': 'true',
    });
    assert.equal(infos.error_count, 4);
    assert.deepEqual(
      entries(infos).map((c) => [c.value!.name, c.value!.value, c.value!.errors]),
      [
        ['transforms.a.type', null, ['Missing required configuration "transforms.a.type" which has no default value.']],
        ['transforms.a.plugin.version', null, []],
        ['transforms.b.type', null, ['Invalid value Nope for configuration transforms.b.type: Class Nope could not be found.']],
        ['transforms.b.plugin.version', null, []],
        [
          'transforms.c.type',
          'org.apache.kafka.connect.json.JsonConverter',
          ['Class class org.apache.kafka.connect.json.JsonConverter does not implement the Transformation interface'],
        ],
        ['transforms.c.plugin.version', null, []],
        [
          'transforms.d.type',
          'org.apache.kafka.connect.transforms.Filter',
          ["Config 'transforms.d.negate' was provided but there is no config 'transforms.d.predicate' defining a predicate to be negated."],
        ],
        ['transforms.d.plugin.version', '4.1.1', []],
        ['transforms.d.negate', 'true', []],
        ['transforms.d.predicate', null, []],
      ],
    );
  });

  test("the class's own keys are validated, messages naming the key without its prefix, as Kafka's embedded validators do", async () => {
    const infos = await validate({
      transforms: 'a,b',
      'transforms.a.type': 'org.apache.kafka.connect.transforms.Cast$Value',
      'transforms.a.spec': 'x:foo',
      'transforms.b.type': 'org.apache.kafka.connect.transforms.Cast$Value',
      predicates: 'p,q,r',
      'predicates.p.type': 'Filter',
      'predicates.q.type': 'TopicNameMatches',
      'predicates.r.type': 'HasHeaderKey',
      'predicates.r.name': '',
    });
    assert.deepEqual(errorsOf(infos, 'transforms.a.spec'), [
      'Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.FOO for configuration Invalid type found in casting spec: foo',
    ]);
    assert.deepEqual(errorsOf(infos, 'transforms.b.spec'), [
      'Missing required configuration "transforms.b.spec" which has no default value.',
      'Must specify at least one field to cast.',
    ]);
    assert.deepEqual(errorsOf(infos, 'predicates.p.type'), [
      'Class class org.apache.kafka.connect.transforms.Filter does not implement the Predicate interface',
    ]);
    assert.deepEqual(errorsOf(infos, 'predicates.q.pattern'), [
      'Missing required configuration "predicates.q.pattern" which has no default value.',
      'Invalid value null for configuration pattern: Invalid regex: Cannot invoke "String.isEmpty()" because "this.pattern" is null',
    ]);
    assert.deepEqual(errorsOf(infos, 'predicates.r.name'), ['Invalid value  for configuration name: String must be non-empty']);
    assert.equal(infos.error_count, 7);
  });

  test('a plugin.version the installed class does not satisfy is an error of type and version, and hides the keys', async () => {
    const infos = await validate({
      transforms: 'c',
      'transforms.c.type': 'RegexRouter',
      'transforms.c.regex': '(',
      'transforms.c.replacement': 'x',
      'transforms.c.plugin.version': '[9.0]',
    });
    const message = 'Plugin org.apache.kafka.connect.transforms.RegexRouter not found that matches the version range [9.0,9.0], available versions: [4.1.1]';
    assert.deepEqual(
      entries(infos).map((c) => [c.value!.name, c.value!.errors]),
      [
        ['transforms.c.type', [message]],
        ['transforms.c.plugin.version', [message]],
      ],
    );
  });

  test('beyond Kafka: an undefined predicate alias and a configuration the class refuses as a whole are errors before any task starts', async () => {
    const infos = await validate({
      transforms: 'f,ins',
      'transforms.f.type': 'Filter',
      'transforms.f.predicate': 'nope',
      'transforms.ins.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      predicates: 'p',
      'predicates.p.type': 'RecordIsTombstone',
    });
    assert.deepEqual(errorsOf(infos, 'transforms.f.predicate'), [
      "Invalid value nope for configuration transforms.f.predicate: there is no predicate 'nope' in 'predicates' [p]",
    ]);
    assert.deepEqual(errorsOf(infos, 'transforms.ins.type'), ['No field insertion configured']);
    assert.equal(infos.error_count, 2);
  });
});

describe('the stages the worker builds', () => {
  const checks = {
    component: (kind: 'Transformation' | 'Predicate', c: string) => (kind === 'Transformation' ? plugins.findTransformation(c) : plugins.findPredicate(c)),
  };

  test('in transforms order, each with its own keys (prefix and framework keys stripped) and its predicate', () => {
    const specs = transformationStageSpecs(
      {
        transforms: 'drop, route',
        'transforms.drop.type': 'Filter',
        'transforms.drop.predicate': 'tomb',
        'transforms.drop.negate': 'TRUE',
        'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
        'transforms.route.regex': '(.*)',
        'transforms.route.replacement': 'x_$1',
        'transforms.route.plugin.version': '4.1.1',
        predicates: 'tomb',
        'predicates.tomb.type': 'RecordIsTombstone',
      },
      checks,
    );
    assert.deepEqual(
      specs.map((s) => [
        s.alias,
        s.transformation.className,
        s.props,
        s.predicate && [s.predicate.alias, s.predicate.plugin.className, s.predicate.props],
        s.negate,
      ]),
      [
        ['drop', 'org.apache.kafka.connect.transforms.Filter', {}, ['tomb', 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone', {}], true],
        ['route', 'org.apache.kafka.connect.transforms.RegexRouter', { regex: '(.*)', replacement: 'x_$1' }, null, false],
      ],
    );
  });

  test('a predicate alias that is not defined fails, naming both aliases', () => {
    assert.throws(
      () => transformationStageSpecs({ transforms: 'f', 'transforms.f.type': 'Filter', 'transforms.f.predicate': 'nope' }, checks),
      /Transformation 'f' names the predicate 'nope', which is not one of 'predicates'/,
    );
  });
});
