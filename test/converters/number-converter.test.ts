import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NUMBER_CONVERTER_CONFIG_DEF, numberConverterPlugins } from '../../src/converters/number-converter.js';
import { DataError, type Converter } from '../../src/plugin/index.js';

function converter(name: string): Converter {
  const plugin = numberConverterPlugins.find((p) => p.className === `org.apache.kafka.connect.converters.${name}Converter`);
  assert.ok(plugin, `${name}Converter is registered`);
  const c = plugin.create();
  c.configure({}, false);
  return c;
}

/** `size` bytes written big-endian by `write`, as Kafka's serializers do. */
function bytes(size: number, write: (view: DataView) => void): Uint8Array {
  const buffer = new ArrayBuffer(size);
  write(new DataView(buffer));
  return new Uint8Array(buffer);
}

const schema = (type: string) => ({ type, optional: true });

describe('NumberConverter (Short/Integer/Long/Float/Double)', () => {
  it("is registered under Kafka's class names, with short aliases, usable for headers", () => {
    assert.deepEqual(
      numberConverterPlugins.map((p) => [p.className, p.aliases, p.isHeaderConverter]),
      ['Short', 'Integer', 'Long', 'Float', 'Double'].map((n) => [`org.apache.kafka.connect.converters.${n}Converter`, [`${n}Converter`, n], true]),
    );
  });

  it('declares only converter.type, like NumberConverterConfig', () => {
    assert.deepEqual([...NUMBER_CONVERTER_CONFIG_DEF.keys.keys()], ['converter.type']);
  });

  it('reads each type big-endian at its fixed width, with an optional schema of that type', () => {
    const cases: Array<[string, Uint8Array, string, number]> = [
      ['Short', bytes(2, (v) => v.setInt16(0, -2)), 'int16', -2],
      ['Integer', bytes(4, (v) => v.setInt32(0, 0x01020304)), 'int32', 0x01020304],
      ['Long', bytes(8, (v) => v.setBigInt64(0, -42n)), 'int64', -42],
      ['Float', bytes(4, (v) => v.setFloat32(0, 1.5)), 'float32', 1.5],
      ['Double', bytes(8, (v) => v.setFloat64(0, Math.PI)), 'float64', Math.PI],
    ];
    for (const [name, data, type, value] of cases) {
      assert.deepEqual(converter(name).toConnectData('t', [], data), { schema: schema(type), value }, name);
    }
    // big-endian: the first byte is the most significant one
    assert.equal(converter('Integer').toConnectData('t', [], Uint8Array.of(0, 0, 1, 0)).value, 256);
  });

  it('reads from a view into a larger buffer at its offset', () => {
    const backing = Uint8Array.of(9, 9, 0, 0, 0, 7, 9);
    assert.equal(converter('Integer').toConnectData('t', [], backing.subarray(2, 6)).value, 7);
  });

  it('gives a long as a number while it is exact, and as a bigint beyond 2^53', () => {
    const long = converter('Long');
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    assert.equal(
      long.toConnectData(
        't',
        [],
        bytes(8, (v) => v.setBigInt64(0, max)),
      ).value,
      Number.MAX_SAFE_INTEGER,
    );
    assert.equal(
      long.toConnectData(
        't',
        [],
        bytes(8, (v) => v.setBigInt64(0, max + 1n)),
      ).value,
      max + 1n,
    );
    assert.equal(
      long.toConnectData(
        't',
        [],
        bytes(8, (v) => v.setBigInt64(0, -(2n ** 63n))),
      ).value,
      -(2n ** 63n),
    );
  });

  it('turns null bytes into a null value with the schema', () => {
    for (const [name, type] of [
      ['Short', 'int16'],
      ['Long', 'int64'],
      ['Double', 'float64'],
    ]) {
      assert.deepEqual(converter(name).toConnectData('t', [], null), { schema: schema(type), value: null });
    }
  });

  it("rejects bytes of the wrong size with Kafka's DataError, the deserializer's message as cause", () => {
    const cases: Array<[string, number, string]> = [
      ['Short', 3, 'Size of data received by ShortDeserializer is not 2'],
      ['Integer', 2, 'Size of data received by IntegerDeserializer is not 4'],
      ['Long', 4, 'Size of data received by LongDeserializer is not 8'],
      ['Float', 8, 'Size of data received by FloatDeserializer is not 4'],
      ['Double', 0, 'Size of data received by DoubleDeserializer is not 8'],
    ];
    for (const [name, size, cause] of cases) {
      assert.throws(
        () => converter(name).toConnectData('t', [], new Uint8Array(size)),
        (e: unknown) => e instanceof DataError && e.message === `Failed to deserialize ${name.toLowerCase()}: ` && (e.cause as Error).message === cause,
        name,
      );
    }
  });

  it('converts a header value the same way', () => {
    const header = converter('Long').toConnectHeader!(
      't',
      'h',
      bytes(8, (v) => v.setBigInt64(0, 5n)),
    );
    assert.deepEqual(header, { schema: schema('int64'), value: 5 });
  });
});
