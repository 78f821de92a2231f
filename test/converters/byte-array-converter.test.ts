import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BYTE_ARRAY_CONVERTER_CONFIG_DEF, ByteArrayConverter, byteArrayConverterPlugin } from '../../src/converters/byte-array-converter.js';

describe('ByteArrayConverter', () => {
  const c = new ByteArrayConverter();
  c.configure();

  it("is registered under Kafka's class name with only converter.type in its ConfigDef", () => {
    assert.equal(byteArrayConverterPlugin.className, 'org.apache.kafka.connect.converters.ByteArrayConverter');
    assert.deepEqual([...BYTE_ARRAY_CONVERTER_CONFIG_DEF.keys.keys()], ['converter.type']);
  });

  it('passes the bytes through untouched with an optional bytes schema', () => {
    const raw = new Uint8Array([0, 255, 7]);
    const result = c.toConnectData('t', [], raw);
    assert.deepEqual(result.schema, { type: 'bytes', optional: true });
    assert.equal(result.value, raw);
  });

  it('turns a null message into a null value', () => {
    assert.deepEqual(c.toConnectData('t', [], null), { schema: { type: 'bytes', optional: true }, value: null });
  });
});
