import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newConfigValue, type ConfigValue } from '../../../src/plugin/index.js';
import { convertConfigKey } from '../../../src/runtime/config/config-infos.js';
import { SINK_CONNECTOR_CONFIG_DEF, parseTopicsList, validateSinkTopics } from '../../../src/runtime/config/connector-config.js';

function sinkErrors(props: Record<string, string | null>): Record<string, string[]> {
  const values = new Map<string, ConfigValue>([
    ['topics', newConfigValue('topics')],
    ['topics.regex', newConfigValue('topics.regex')],
  ]);
  validateSinkTopics(props, values);
  return Object.fromEntries([...values].filter(([, v]) => v.errors.length > 0).map(([k, v]) => [k, v.errors]));
}

describe('framework sink keys (SinkConnectorConfig)', () => {
  test('are defined in Kafka 4.1 order with Kafka metadata, the KIP-891 version keys after their class keys', () => {
    const keys = [...SINK_CONNECTOR_CONFIG_DEF.keys.values()].map((k) => convertConfigKey(k));
    assert.deepEqual(
      keys.map((k) => [k.name, k.type, k.required, k.default_value, k.importance, k.group, k.order, k.width, k.display_name]),
      [
        ['name', 'STRING', true, null, 'HIGH', 'Common', 1, 'MEDIUM', 'Connector name'],
        ['connector.class', 'STRING', true, null, 'HIGH', 'Common', 2, 'LONG', 'Connector class'],
        ['connector.plugin.version', 'STRING', false, null, 'MEDIUM', 'Common', 3, 'MEDIUM', 'Connector version'],
        ['tasks.max', 'INT', false, '1', 'HIGH', 'Common', 4, 'SHORT', 'Tasks max'],
        ['tasks.max.enforce', 'BOOLEAN', false, 'true', 'LOW', 'Common', 5, 'SHORT', 'Enforce tasks max'],
        ['key.converter', 'CLASS', false, null, 'LOW', 'Common', 6, 'SHORT', 'Key converter class'],
        ['key.converter.plugin.version', 'STRING', false, null, 'LOW', 'Common', 7, 'SHORT', 'Key converter version'],
        ['value.converter', 'CLASS', false, null, 'LOW', 'Common', 8, 'SHORT', 'Value converter class'],
        ['value.converter.plugin.version', 'STRING', false, null, 'LOW', 'Common', 9, 'SHORT', 'Value converter version'],
        ['header.converter', 'CLASS', false, null, 'LOW', 'Common', 10, 'SHORT', 'Header converter class'],
        ['header.converter.plugin.version', 'STRING', false, null, 'LOW', 'Common', 11, 'SHORT', 'Header converter version'],
        ['transforms', 'LIST', false, '', 'LOW', 'Transforms', 12, 'LONG', 'Transforms'],
        ['predicates', 'LIST', false, '', 'LOW', 'Predicates', 13, 'LONG', 'Predicates'],
        ['config.action.reload', 'STRING', false, 'restart', 'LOW', 'Common', 14, 'MEDIUM', 'Reload Action'],
        ['errors.retry.timeout', 'LONG', false, '0', 'MEDIUM', 'Error Handling', 1, 'MEDIUM', 'Retry Timeout for Errors'],
        ['errors.retry.delay.max.ms', 'LONG', false, '60000', 'MEDIUM', 'Error Handling', 2, 'MEDIUM', 'Maximum Delay Between Retries for Errors'],
        ['errors.tolerance', 'STRING', false, 'none', 'MEDIUM', 'Error Handling', 3, 'SHORT', 'Error Tolerance'],
        ['errors.log.enable', 'BOOLEAN', false, 'false', 'MEDIUM', 'Error Handling', 4, 'SHORT', 'Log Errors'],
        ['errors.log.include.messages', 'BOOLEAN', false, 'false', 'MEDIUM', 'Error Handling', 5, 'SHORT', 'Log Error Details'],
        ['topics', 'LIST', false, '', 'HIGH', 'Common', 4, 'LONG', 'Topics'],
        ['topics.regex', 'STRING', false, '', 'HIGH', 'Common', 4, 'LONG', 'Topics regex'],
        ['errors.deadletterqueue.topic.name', 'STRING', false, '', 'MEDIUM', 'Error Handling', 6, 'MEDIUM', 'Dead Letter Queue Topic Name'],
        [
          'errors.deadletterqueue.topic.replication.factor',
          'SHORT',
          false,
          '3',
          'MEDIUM',
          'Error Handling',
          7,
          'MEDIUM',
          'Dead Letter Queue Topic Replication Factor',
        ],
        ['errors.deadletterqueue.context.headers.enable', 'BOOLEAN', false, 'false', 'MEDIUM', 'Error Handling', 8, 'MEDIUM', 'Enable Error Context Headers'],
      ],
    );
    assert.deepEqual(SINK_CONNECTOR_CONFIG_DEF.groups(), ['Common', 'Transforms', 'Predicates', 'Error Handling']);
    assert.equal(keys[2].documentation, 'Version of the connector.');
    assert.equal(keys[3].documentation, 'Maximum number of tasks to use for this connector.');
    // SinkConnectorConfig still defines topics and topics.regex at a fixed order 4, as Kafka does
    assert.equal(keys[19].documentation, 'List of topics to consume, separated by commas');
    assert.ok(keys.every((k) => k.dependents.length === 0 && k.documentation));
  });
});

describe('sink cross-field rules (SinkConnectorConfig.validate)', () => {
  test('exactly one of topics and topics.regex; blank counts as unset', () => {
    assert.deepEqual(sinkErrors({ topics: 'a' }), {});
    assert.deepEqual(sinkErrors({ 'topics.regex': 'a.*' }), {});
    assert.deepEqual(sinkErrors({ topics: ' ', 'topics.regex': '' }), {
      topics: ['Must configure one of topics or topics.regex'],
      'topics.regex': ['Must configure one of topics or topics.regex'],
    });
    const both = 'topics and topics.regex are mutually exclusive options, but both are set.';
    assert.deepEqual(sinkErrors({ topics: 'a', 'topics.regex': 'b' }), { topics: [both], 'topics.regex': [both] });
  });

  test('the dead letter queue topic may not be consumed by the connector itself', () => {
    assert.deepEqual(sinkErrors({ topics: 'a, dlq,a,', 'errors.deadletterqueue.topic.name': ' dlq ' }), {
      topics: ["The DLQ topic 'dlq' may not be included in the list of topics ('topics=[a, dlq]') consumed by the connector"],
    });
    assert.deepEqual(sinkErrors({ 'topics.regex': 'd.*', 'errors.deadletterqueue.topic.name': 'dlq' }), {
      'topics.regex': ["The DLQ topic 'dlq' may not be matched by the regex for the topics ('topics.regex=d.*') consumed by the connector"],
    });
    // the regex must match the whole name, as Java's Matcher.matches()
    assert.deepEqual(sinkErrors({ 'topics.regex': 'd', 'errors.deadletterqueue.topic.name': 'dlq' }), {});
    assert.deepEqual(sinkErrors({ 'topics.regex': '(', 'errors.deadletterqueue.topic.name': 'dlq' }), {});
    // read as Java reads it: a possessive quantifier and a POSIX class
    assert.deepEqual(sinkErrors({ 'topics.regex': 'd\\p{Lower}*+', 'errors.deadletterqueue.topic.name': 'dlq' }), {
      'topics.regex': ["The DLQ topic 'dlq' may not be matched by the regex for the topics ('topics.regex=d\\p{Lower}*+') consumed by the connector"],
    });
  });

  test('topics.regex is validated as a Java regex: Java syntax passes, Java syntax errors say what Java says', () => {
    const errors = (regex: string) => SINK_CONNECTOR_CONFIG_DEF.validateAll({ 'topics.regex': regex }).get('topics.regex')!.errors;
    assert.deepEqual(errors('embeddings-\\p{Alnum}++'), []);
    assert.deepEqual(errors('a{'), ['Invalid value a{ for configuration topics.regex: Invalid regex: Illegal repetition near index 2\na{']);
    assert.match(errors('[a-z&&[^x]]')[0], /Invalid regex: it uses character class intersections/);
  });

  test('parseTopicsList trims, drops empties and duplicates', () => {
    assert.deepEqual(parseTopicsList({ topics: ' b, a ,,b ' }), ['b', 'a']);
    assert.deepEqual(parseTopicsList({}), []);
  });
});

describe('transforms and predicates lists', () => {
  test('duplicate and null alias lists are errors of the list key', () => {
    const values = SINK_CONNECTOR_CONFIG_DEF.validateAll({ transforms: 'a,a', predicates: null });
    assert.deepEqual(values.get('transforms')!.errors, ['Invalid value [a, a] for configuration transforms: Duplicate alias provided.']);
    assert.deepEqual(values.get('predicates')!.errors, ['Invalid value null for configuration predicates: entry must be non null']);
  });
});
