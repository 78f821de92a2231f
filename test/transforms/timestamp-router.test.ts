import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/plugin/index.js';
import { TimestampRouter } from '../../src/transforms/timestamp-router.js';
import { configured, record } from './records.js';

describe('TimestampRouter (Kafka TimestampRouterTest)', () => {
  it('by default the topic becomes <topic>-<yyyyMMdd of the record timestamp in UTC>; offsets stay those consumed', () => {
    const out = configured(new TimestampRouter(), {}).apply(record({ topic: 'test', kafkaOffset: 5, timestamp: 1483425001864 }));
    assert.equal(out.topic, 'test-20170103');
    assert.deepEqual([out.originalTopic, out.originalKafkaOffset], ['test', 5]);
  });

  it('topic.format and timestamp.format are configurable; ${topic} may appear more than once', () => {
    const router = configured(new TimestampRouter(), { 'topic.format': '${topic}_${timestamp}_${topic}', 'timestamp.format': 'yyyy-MM' });
    assert.equal(router.apply(record({ topic: 't', timestamp: 1483425001864 })).topic, 't_2017-01_t');
  });

  it('a record without timestamp is refused', () => {
    assert.throws(() => configured(new TimestampRouter(), {}).apply(record({ topic: 't' })), DataError);
  });
});
