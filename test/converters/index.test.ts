import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinConverters } from '../../src/converters/index.js';

/** Confluent's Schema Registry converters (their deserialising half) */
const CONFLUENT_CONVERTERS = [
  'io.confluent.connect.avro.AvroConverter',
  'io.confluent.connect.json.JsonSchemaConverter',
  'io.confluent.connect.protobuf.ProtobufConverter',
];

describe('builtinConverters', () => {
  it("ships every converter and header converter Kafka 4.1 ships, and Confluent's Schema Registry converters, under their class names", () => {
    assert.deepEqual(builtinConverters.map((p) => p.className).sort(), [
      ...CONFLUENT_CONVERTERS,
      'org.apache.kafka.connect.converters.BooleanConverter',
      'org.apache.kafka.connect.converters.ByteArrayConverter',
      'org.apache.kafka.connect.converters.DoubleConverter',
      'org.apache.kafka.connect.converters.FloatConverter',
      'org.apache.kafka.connect.converters.IntegerConverter',
      'org.apache.kafka.connect.converters.LongConverter',
      'org.apache.kafka.connect.converters.ShortConverter',
      'org.apache.kafka.connect.json.JsonConverter',
      'org.apache.kafka.connect.storage.SimpleHeaderConverter',
      'org.apache.kafka.connect.storage.StringConverter',
    ]);
  });

  it('gives SimpleHeaderConverter an empty ConfigDef, as Kafka does', () => {
    const simple = builtinConverters.find((p) => p.className.endsWith('SimpleHeaderConverter'))!;
    assert.equal(simple.isConverter, false);
    assert.equal(simple.create().config().keys.size, 0);
  });

  it('gives each converter a ConfigDef that starts with the framework-set converter.type key', () => {
    for (const plugin of builtinConverters.filter((p) => p.isConverter !== false)) {
      const converter = plugin.create();
      assert.equal([...converter.config().keys.keys()][0], 'converter.type', plugin.className);
      const values = converter.config().validateAll({ 'converter.type': 'header' });
      assert.deepEqual(values.get('converter.type')!.errors, [], plugin.className);
    }
  });
});
