import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ConnectError } from '../../../src/plugin/index.js';
import { CollectionRouter, parseTopicToCollection, topicForCollectionName } from '../../../src/connectors/milvus/collection-router.js';
import { MILVUS_SINK_CONFIG_DEF, parseMilvusSinkConfig } from '../../../src/connectors/milvus/milvus-sink-config.js';

const route = (collectionName: string, map: Record<string, string> = {}) =>
  new CollectionRouter({ collectionName, topicToCollection: new Map(Object.entries(map)) });

describe('CollectionRouter: which collection a record of a topic goes to', () => {
  it('sends every topic to a fixed collection.name, as the original connector does', () => {
    const router = route('articles');
    assert.equal(router.collectionFor('a'), 'articles');
    assert.equal(router.collectionFor('b'), 'articles');
    assert.equal(router.templated, false);
    assert.deepEqual(router.staticCollections(), ['articles']);
  });

  it('replaces ${topic} in collection.name with the topic', () => {
    const router = route('milvus_${topic}');
    assert.equal(router.collectionFor('orders'), 'milvus_orders');
    assert.equal(router.collectionFor('users'), 'milvus_users');
    assert.equal(router.templated, true);
    assert.deepEqual(router.staticCollections(), []);
  });

  it('turns . and - of a topic into _, so CDC topics name valid collections', () => {
    assert.equal(topicForCollectionName('dbserver1.inventory.customer-events'), 'dbserver1_inventory_customer_events');
    assert.equal(route('${topic}').collectionFor('shop.orders-v2'), 'shop_orders_v2');
  });

  it('takes a topic listed in topic.to.collection to its collection, and any other topic to collection.name', () => {
    const router = route('milvus_${topic}', { clicks: 'click_events' });
    assert.equal(router.collectionFor('clicks'), 'click_events');
    assert.equal(router.collectionFor('views'), 'milvus_views');
    assert.deepEqual(router.staticCollections(), ['click_events']);
  });

  it('refuses a topic whose collection name Milvus would refuse, naming the topic and the rule', () => {
    assert.throws(
      () => route('${topic}').collectionFor('2024_events'),
      (error: unknown) =>
        error instanceof ConnectError &&
        /Topic 2024_events gives the collection name "2024_events"/.test(error.message) &&
        /starts with a letter or an underscore/.test(error.message) &&
        /topic\.to\.collection/.test(error.message),
    );
    assert.throws(() => route('c_${topic}').collectionFor('x'.repeat(260)), /Milvus refuses/);
  });

  it('refuses an unmapped topic when collection.name is empty', () => {
    const router = route('', { a: 'coll_a' });
    assert.equal(router.collectionFor('a'), 'coll_a');
    assert.throws(() => router.collectionFor('b'), /Topic b is not in topic\.to\.collection and collection\.name is empty/);
  });
});

describe('topic.to.collection: the explicit map', () => {
  it('reads topic:collection pairs, trimming blanks around names', () => {
    assert.deepEqual(
      [...parseTopicToCollection(['a:coll_a', ' b : coll_b '])],
      [
        ['a', 'coll_a'],
        ['b', 'coll_b'],
      ],
    );
  });

  for (const [entries, reason] of [
    [['a'], /entry "a" is not of the form topic:collection/],
    [['a:b:c'], /entry "a:b:c" is not of the form topic:collection/],
    [[':coll'], /entry ":coll" names no topic/],
    [['a:'], /entry "a:" names no collection/],
    [['a:my-coll'], /collection "my-coll" of topic a: a Milvus collection name starts with a letter/],
    [['a:x', 'a:y'], /topic a is listed twice/],
  ] as const) {
    it(`refuses ${JSON.stringify(entries)} with an error naming the key`, () => {
      assert.throws(
        () => parseTopicToCollection(entries),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith('Invalid value') &&
          /configuration topic\.to\.collection/.test(error.message) &&
          reason.test(error.message),
      );
    });
  }

  it('shows its errors under its own key in the validate output, and parses into the config', () => {
    const values = MILVUS_SINK_CONFIG_DEF.validateAll({ 'collection.name': 'c', 'topic.to.collection': 'a:ok,b' });
    assert.equal(values.get('topic.to.collection')!.errors.length, 1);
    assert.match(values.get('topic.to.collection')!.errors[0], /entry "b" is not of the form topic:collection/);
    const config = parseMilvusSinkConfig({ 'collection.name': 'c_${topic}', 'topic.to.collection': 'a:coll_a' });
    assert.deepEqual([...config.topicToCollection], [['a', 'coll_a']]);
    assert.deepEqual([...parseMilvusSinkConfig({}).topicToCollection], []);
  });

  it('is declared in the Milvus group after auto.load', () => {
    const key = MILVUS_SINK_CONFIG_DEF.keys.get('topic.to.collection')!;
    const autoLoad = MILVUS_SINK_CONFIG_DEF.keys.get('auto.load')!;
    assert.equal(key.group, autoLoad.group);
    assert.equal(key.orderInGroup, autoLoad.orderInGroup! + 1);
  });
});
