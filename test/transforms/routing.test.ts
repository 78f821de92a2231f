/** Kafka's RegexRouterTest, InsertFieldTest and the Filter transformation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, SchemaType } from '../../src/plugin/index.js';
import { Filter } from '../../src/transforms/filter.js';
import { InsertField } from '../../src/transforms/insert-field.js';
import { RegexRouter } from '../../src/transforms/regex-router.js';
import { configured, record, schema, shape, struct, TIMESTAMP } from './records.js';

describe('RegexRouter', () => {
  const apply = (regex: string, replacement: string, topic: string) => configured(new RegexRouter(), { regex, replacement }).apply(record({ topic })).topic;

  it('renames a topic the regex matches as a whole, with Java group references', () => {
    assert.equal(apply('foo', 'bar', 'foo'), 'bar');
    assert.equal(apply('foo', 'bar', 'orig'), 'orig');
    assert.equal(apply('(.*)', '$1', 'orig'), 'orig');
    assert.equal(apply('(.*)', 'prefix-$1', 'orig'), 'prefix-orig');
    assert.equal(apply('(.*)', '$1-suffix', 'orig'), 'orig-suffix');
    assert.equal(apply('(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)', '$1', 'index-20160117'), 'index');
    assert.equal(apply('fo', 'bar', 'foo'), 'foo', 'a partial match is no match');
    assert.equal(apply('(?<name>.*)', 'x_${name}', 'orig'), 'x_orig');
    assert.equal(apply('(.*)', '\\$1', 'orig'), '$1');
  });

  it('keeps the consumed topic as the original one', () => {
    const out = configured(new RegexRouter(), { regex: '.*', replacement: 'new' }).apply(record({ topic: 'old', kafkaPartition: 2, kafkaOffset: 9 }));
    assert.deepEqual([out.topic, out.originalTopic, out.originalKafkaPartition, out.originalKafkaOffset], ['new', 'old', 2, 9]);
  });

  it('an invalid regex is refused when configured', () => {
    assert.throws(() => configured(new RegexRouter(), { regex: '(', replacement: 'x' }), /Invalid value \( for configuration regex: Invalid regex: /);
  });

  it('takes Java-only syntax: possessive quantifiers, POSIX classes, \\Q…\\E', () => {
    assert.equal(apply('(\\p{Alpha}++)\\Q.v1\\E', '$1', 'orders.v1'), 'orders');
  });

  it("refuses a replacement naming a group of a repetition, whose value could differ from Java's", () => {
    assert.throws(() => configured(new RegexRouter(), { regex: '(?:(a)|b)+-(\\d+)', replacement: '$1' }), /refers to group 1, which lies in a repeated part/);
    assert.equal(apply('(?:(a)|b)+-(\\d+)', 'n$2', 'ab-1'), 'n1', 'its other groups are fine');
  });
});

describe('InsertField', () => {
  const props = {
    'topic.field': 'topic_field!',
    'partition.field': 'partition_field',
    'timestamp.field': 'timestamp_field?',
    'static.field': 'instance_id',
    'static.value': 'my-instance-id',
  };

  it('needs something to insert, and a value for a static field', () => {
    assert.throws(() => configured(new InsertField('value'), {}), new ConfigError('No field insertion configured'));
    assert.throws(() => configured(new InsertField('value'), { 'static.field': 'x' }), /No value specified for static field: x/);
  });

  it('with schema: the new fields after the old ones, required when suffixed with !, the timestamp as a Timestamp', () => {
    const s = struct([['magic', schema(SchemaType.INT64)]], { name: 'name', version: 1, doc: 'doc' });
    const out = configured(new InsertField('value'), props).apply(
      record({ topic: 'test', kafkaPartition: 0, timestamp: 1483425001864, valueSchema: s, value: { magic: 42 } }),
    );
    assert.deepEqual([out.valueSchema!.name, out.valueSchema!.version, out.valueSchema!.doc], ['name', 1, 'doc']);
    assert.deepEqual(shape(out.valueSchema), {
      magic: 'int64',
      topic_field: 'string',
      partition_field: 'int32?',
      timestamp_field: `int64?(${TIMESTAMP})`,
      instance_id: 'string?',
    });
    assert.deepEqual(out.value, {
      magic: 42,
      topic_field: 'test',
      partition_field: 0,
      timestamp_field: new Date(1483425001864),
      instance_id: 'my-instance-id',
    });
  });

  it('schemaless: the same into the map, the timestamp as a number; the offset with offset.field', () => {
    const out = configured(new InsertField('value'), { ...props, 'offset.field': 'offset' }).apply(
      record({ topic: 'test', kafkaOffset: 7, timestamp: 1483425001864, value: { magic: 42 } }),
    );
    assert.deepEqual(out.value, {
      magic: 42,
      topic_field: 'test',
      partition_field: 0,
      timestamp_field: 1483425001864,
      instance_id: 'my-instance-id',
      offset: 7,
    });
  });

  it('a null value passes through; the key variant inserts into the key', () => {
    const tombstone = record({ value: null });
    assert.equal(configured(new InsertField('value'), props).apply(tombstone), tombstone);
    assert.deepEqual(configured(new InsertField('key'), { 'topic.field': 't' }).apply(record({ topic: 'x', key: {} })).key, { t: 'x' });
  });
});

describe('Filter', () => {
  it('drops every record it is applied to', () => {
    assert.equal(configured(new Filter(), {}).apply(), null);
  });
});
