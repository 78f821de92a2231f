import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STRING_CONVERTER_CONFIG_DEF, StringConverter, stringConverterPlugin } from '../../src/converters/string-converter.js';

function converter(props: Record<string, string> = {}): StringConverter {
  const c = new StringConverter();
  c.configure(props, false);
  return c;
}

const OPTIONAL_STRING = { type: 'string', optional: true };

describe('StringConverter', () => {
  it("is registered under Kafka's class name and usable for headers", () => {
    assert.equal(stringConverterPlugin.className, 'org.apache.kafka.connect.storage.StringConverter');
    assert.equal(stringConverterPlugin.isHeaderConverter, true);
  });

  it('declares converter.type and converter.encoding (default UTF-8, ungrouped) like Kafka', () => {
    assert.deepEqual([...STRING_CONVERTER_CONFIG_DEF.keys.keys()], ['converter.type', 'converter.encoding']);
    const encoding = STRING_CONVERTER_CONFIG_DEF.keys.get('converter.encoding')!;
    assert.equal(encoding.defaultValue, 'UTF-8');
    assert.equal(encoding.group, null);
    assert.equal(encoding.orderInGroup, -1);
    assert.equal(encoding.displayName, 'Encoding');
  });

  it('decodes UTF-8 by default, with an optional string schema', () => {
    assert.deepEqual(converter().toConnectData('t', [], new TextEncoder().encode('héllo')), { schema: OPTIONAL_STRING, value: 'héllo' });
  });

  it('turns a null message into a null value with the optional string schema', () => {
    assert.deepEqual(converter().toConnectData('t', [], null), { schema: OPTIONAL_STRING, value: null });
  });

  it("replaces malformed UTF-8 with U+FFFD, as Java's String constructor does", () => {
    assert.equal(converter().toConnectData('t', [], new Uint8Array([0x61, 0xff, 0x62])).value, 'a\uFFFDb');
  });

  it('honours converter.encoding with Java charset names', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x80]);
    assert.equal(converter({ 'converter.encoding': 'ISO-8859-1' }).toConnectData('t', [], latin1).value, 'caf\u00e9\u0080');
    assert.equal(converter({ 'converter.encoding': 'US-ASCII' }).toConnectData('t', [], latin1).value, 'caf\uFFFD\uFFFD');
    const utf16 = new Uint8Array([0xfe, 0xff, 0x00, 0x41, 0x00, 0x42]);
    assert.equal(converter({ 'converter.encoding': 'UTF-16' }).toConnectData('t', [], utf16).value, 'AB');
    assert.equal(converter({ 'converter.encoding': 'utf-16le' }).toConnectData('t', [], new Uint8Array([0x41, 0x00])).value, 'A');
    assert.equal(converter({ 'converter.encoding': 'UTF8' }).toConnectData('t', [], new Uint8Array([0xc3, 0xa9])).value, 'é');
  });

  it('reports an unknown encoding when validated and when configured, not on every record', () => {
    const values = STRING_CONVERTER_CONFIG_DEF.validateAll({ 'converter.type': 'value', 'converter.encoding': 'EBCDIC-XYZ' });
    assert.match(values.get('converter.encoding')!.errors[0], /^Invalid value EBCDIC-XYZ for configuration converter.encoding: Unsupported character set/);
    assert.throws(() => converter({ 'converter.encoding': 'EBCDIC-XYZ' }), /Unsupported character set/);
  });
});
