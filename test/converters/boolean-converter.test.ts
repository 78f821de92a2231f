import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOOLEAN_CONVERTER_CONFIG_DEF, BooleanConverter, booleanConverterPlugin } from '../../src/converters/boolean-converter.js';
import { DataError } from '../../src/plugin/index.js';

const OPTIONAL_BOOLEAN = { type: 'boolean', optional: true };
const convert = (data: Uint8Array | null) => new BooleanConverter().toConnectData('t', [], data);

describe('BooleanConverter', () => {
  it("is registered under Kafka's class name, usable for headers, with only converter.type", () => {
    assert.equal(booleanConverterPlugin.className, 'org.apache.kafka.connect.converters.BooleanConverter');
    assert.equal(booleanConverterPlugin.isHeaderConverter, true);
    assert.deepEqual([...BOOLEAN_CONVERTER_CONFIG_DEF.keys.keys()], ['converter.type']);
  });

  it('reads one byte: 1 is true, 0 is false, with an optional boolean schema', () => {
    assert.deepEqual(convert(Uint8Array.of(1)), { schema: OPTIONAL_BOOLEAN, value: true });
    assert.deepEqual(convert(Uint8Array.of(0)), { schema: OPTIONAL_BOOLEAN, value: false });
  });

  it('turns null bytes into a null value', () => {
    assert.deepEqual(convert(null), { schema: OPTIONAL_BOOLEAN, value: null });
  });

  it('rejects any byte other than 0 or 1, naming it as the signed Java byte', () => {
    for (const [byte, shown] of [
      [2, '2'],
      [0xff, '-1'],
      [0x80, '-128'],
    ] as const) {
      assert.throws(
        () => convert(Uint8Array.of(byte)),
        (e: unknown) =>
          e instanceof DataError &&
          e.message === 'Failed to deserialize boolean: ' &&
          (e.cause as Error).message === `Unexpected byte received by BooleanDeserializer: ${shown}`,
      );
    }
  });

  it('rejects anything but exactly one byte', () => {
    for (const size of [0, 2]) {
      assert.throws(
        () => convert(new Uint8Array(size)),
        (e: unknown) => e instanceof DataError && (e.cause as Error).message === 'Size of data received by BooleanDeserializer is not 1',
      );
    }
  });
});
