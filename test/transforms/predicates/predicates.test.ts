/** Kafka's HasHeaderKeyTest, TopicNameMatchesTest and RecordIsTombstone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, SchemaType } from '../../../src/plugin/index.js';
import { HasHeaderKey } from '../../../src/transforms/predicates/has-header-key.js';
import { RecordIsTombstone } from '../../../src/transforms/predicates/record-is-tombstone.js';
import { TopicNameMatches } from '../../../src/transforms/predicates/topic-name-matches.js';
import { configured, record, schema } from '../records.js';

describe('HasHeaderKey', () => {
  it('true when some header has the name', () => {
    const predicate = configured(new HasHeaderKey(), { name: 'foo' });
    assert.equal(predicate.test(record()), false);
    assert.equal(predicate.test(record({ headers: [{ key: 'foo', value: null }] })), true);
    assert.equal(
      predicate.test(
        record({
          headers: [
            { key: 'bar', value: null },
            { key: 'foo', value: null },
          ],
        }),
      ),
      true,
    );
    assert.equal(predicate.test(record({ headers: [{ key: 'Foo', value: null }] })), false);
  });

  it('the name is required and not empty', () => {
    assert.throws(() => configured(new HasHeaderKey(), {}), ConfigError);
    assert.throws(() => configured(new HasHeaderKey(), { name: '' }), /String must be non-empty/);
  });
});

describe('TopicNameMatches', () => {
  it('true when the whole topic name matches', () => {
    const predicate = configured(new TopicNameMatches(), { pattern: 'my-prefix-.*' });
    assert.equal(predicate.test(record({ topic: 'my-prefix-' })), true);
    assert.equal(predicate.test(record({ topic: 'my-prefix-foo' })), true);
    assert.equal(predicate.test(record({ topic: 'x-my-prefix-' })), false);
    assert.equal(predicate.test(record({ topic: 'your-prefix-' })), false);
  });

  it('the pattern must be a non-empty valid regex', () => {
    assert.throws(() => configured(new TopicNameMatches(), { pattern: '' }), /String must be non-empty/);
    assert.throws(() => configured(new TopicNameMatches(), { pattern: '[' }), /Invalid regex/);
  });
});

describe('RecordIsTombstone', () => {
  it('true when the value is null, whatever the schema', () => {
    const predicate = configured(new RecordIsTombstone(), {});
    assert.equal(predicate.test(record({ value: null })), true);
    assert.equal(predicate.test(record({ valueSchema: schema(SchemaType.STRING), value: null })), true);
    assert.equal(predicate.test(record({ value: 'x' })), false);
  });
});
