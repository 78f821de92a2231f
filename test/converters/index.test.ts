import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinConverters } from '../../src/converters/index.js';

describe('builtinConverters', () => {
  it('ships Kafka\'s three standard converters under their class names', () => {
    assert.deepEqual(builtinConverters.map((p) => p.className).sort(), [
      'org.apache.kafka.connect.converters.ByteArrayConverter',
      'org.apache.kafka.connect.json.JsonConverter',
      'org.apache.kafka.connect.storage.StringConverter',
    ]);
  });

  it('gives each a ConfigDef that starts with the framework-set converter.type key', () => {
    for (const plugin of builtinConverters) {
      const converter = plugin.create();
      assert.equal([...converter.config().keys.keys()][0], 'converter.type', plugin.className);
      const values = converter.config().validateAll({ 'converter.type': 'header' });
      assert.deepEqual(values.get('converter.type')!.errors, [], plugin.className);
    }
  });
});
