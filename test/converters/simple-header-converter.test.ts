import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIMPLE_HEADER_CONVERTER_CONFIG_DEF, SimpleHeaderConverter, simpleHeaderConverterPlugin } from '../../src/converters/simple-header-converter.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('SimpleHeaderConverter', () => {
  it("is registered under Kafka's class name as a header converter only, with an empty ConfigDef", () => {
    assert.equal(simpleHeaderConverterPlugin.className, 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
    assert.equal(simpleHeaderConverterPlugin.isHeaderConverter, true);
    assert.equal(simpleHeaderConverterPlugin.isConverter, false);
    assert.equal(SIMPLE_HEADER_CONVERTER_CONFIG_DEF.keys.size, 0);
  });

  it('decodes the header bytes as UTF-8 and infers a typed value from the text', () => {
    const c = new SimpleHeaderConverter();
    c.configure();
    assert.deepEqual(c.toConnectHeader('t', 'h', utf8('42')), { schema: { type: 'int8', optional: false }, value: 42 });
    assert.deepEqual(c.toConnectHeader('t', 'h', utf8('true')).value, true);
    assert.deepEqual(c.toConnectHeader('t', 'h', utf8('[1,2]')).value, [1, 2]);
    assert.deepEqual(c.toConnectHeader('t', 'h', utf8('héllo')), { schema: { type: 'string', optional: false }, value: 'héllo' });
  });

  it("reads Kafka's ISO timestamps as Timestamp headers, as Values.parseString does", () => {
    assert.deepEqual(new SimpleHeaderConverter().toConnectHeader('t', 'h', utf8('2024-01-31T10:15:30.000Z')), {
      schema: { type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 },
      value: new Date(Date.UTC(2024, 0, 31, 10, 15, 30)),
    });
  });

  it('gives a null header value as null without schema', () => {
    assert.deepEqual(new SimpleHeaderConverter().toConnectHeader('t', 'h', null), { schema: null, value: null });
  });
});
