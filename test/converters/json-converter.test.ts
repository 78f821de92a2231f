import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, type Schema } from '../../src/plugin/index.js';
import { JSON_CONVERTER_CONFIG_DEF, JsonConverter, jsonConverterPlugin } from '../../src/converters/json-converter.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function converter(props: Record<string, string> = {}, isKey = false): JsonConverter {
  const c = new JsonConverter();
  c.configure(props, isKey);
  return c;
}

function read(c: JsonConverter, text: string) {
  return c.toConnectData('topic', [], bytes(text));
}

const envelope = (schema: unknown, payload: unknown) => JSON.stringify({ schema, payload });

const ENVELOPE_ERROR =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

describe('JsonConverter config (Kafka 3.9 JsonConverterConfig)', () => {
  it('declares converter.type, then schemas.enable, schemas.cache.size, decimal.format, replace.null.with.default', () => {
    assert.deepEqual(
      [...JSON_CONVERTER_CONFIG_DEF.keys.keys()],
      ['converter.type', 'schemas.enable', 'schemas.cache.size', 'decimal.format', 'replace.null.with.default'],
    );
    const schemasEnable = JSON_CONVERTER_CONFIG_DEF.keys.get('schemas.enable')!;
    assert.equal(schemasEnable.defaultValue, true);
    assert.equal(schemasEnable.group, 'Schemas');
    assert.equal(schemasEnable.displayName, 'Enable Schemas');
    assert.equal(JSON_CONVERTER_CONFIG_DEF.keys.get('schemas.cache.size')!.defaultValue, 1000);
    assert.equal(JSON_CONVERTER_CONFIG_DEF.keys.get('decimal.format')!.group, 'Serialization');
    assert.equal(JSON_CONVERTER_CONFIG_DEF.keys.get('converter.type')!.defaultValue, undefined);
  });

  it('validates decimal.format case-insensitively and reports other values', () => {
    const ok = JSON_CONVERTER_CONFIG_DEF.validateAll({ 'converter.type': 'value', 'decimal.format': 'numeric' });
    assert.deepEqual(ok.get('decimal.format')!.errors, []);
    const bad = JSON_CONVERTER_CONFIG_DEF.validateAll({ 'converter.type': 'value', 'decimal.format': 'hex' });
    assert.deepEqual(bad.get('decimal.format')!.errors, [
      'Invalid value hex for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC',
    ]);
  });

  it('rejects a non-boolean schemas.enable at configure time', () => {
    assert.throws(() => converter({ 'schemas.enable': 'yes' }), /Invalid value yes for configuration schemas.enable/);
  });

  it("is registered under Kafka's class name and usable for headers", () => {
    assert.equal(jsonConverterPlugin.className, 'org.apache.kafka.connect.json.JsonConverter');
    assert.ok(jsonConverterPlugin.aliases.includes('JsonConverter'));
    assert.equal(jsonConverterPlugin.isHeaderConverter, true);
  });
});

describe('JsonConverter with schemas.enable=false (plain JSON)', () => {
  const c = converter({ 'schemas.enable': 'false' });

  it('yields schemaless data: objects as maps, integers as int64, other numbers as float64', () => {
    const result = read(c, '{"id": 7, "title": "a", "score": 0.5, "tags": ["x"], "ok": true, "none": null}');
    assert.equal(result.schema, null);
    assert.deepEqual(result.value, { id: 7, title: 'a', score: 0.5, tags: ['x'], ok: true, none: null });
  });

  it('keeps int64 values beyond 2^53 exact (bigint)', () => {
    assert.deepEqual(read(c, '{"id": 9007199254740993}').value, { id: 9007199254740993n });
  });

  it('accepts any JSON value at the top level, not only objects', () => {
    assert.deepEqual(read(c, '[1, 2]').value, [1, 2]);
    assert.equal(read(c, '"text"').value, 'text');
    assert.equal(read(c, 'null').value, null);
  });

  it('turns a null message (tombstone) and empty bytes into a null value', () => {
    assert.deepEqual(c.toConnectData('t', [], null), { schema: null, value: null });
    assert.deepEqual(c.toConnectData('t', [], new Uint8Array(0)), { schema: null, value: null });
    assert.deepEqual(read(c, '  \n'), { schema: null, value: null });
  });

  it("throws DataError with Kafka's prefix and the parser's reason for invalid JSON", () => {
    assert.throws(
      () => read(c, '{"id": 1,'),
      (e: unknown) => e instanceof DataError && e.message.startsWith('Converting byte[] to Kafka Connect data failed due to serialization error: '),
    );
  });

  it('rejects malformed UTF-8 rather than storing replacement characters', () => {
    assert.throws(() => c.toConnectData('t', [], new Uint8Array([0x22, 0xff, 0x22])), /serialization error: Invalid UTF-8/);
  });

  it('reads an embedding record exactly as JSON.parse would: 9-decimal floats, -0, an id and a title', () => {
    const vector = Array.from({ length: 768 }, (_, i) => (i === 5 ? -0 : Math.round(Math.cos(i) * 1e8) / 1e9));
    const text = `{"id":42,"title":"Document 42","vector":[${vector.map((v) => (Object.is(v, -0) ? '-0.0' : String(v))).join(',')}]}`;
    const value = read(c, text).value as { id: number; title: string; vector: number[] };
    assert.deepEqual(value, JSON.parse(text));
    assert.ok(Object.is(value.vector[5], -0));
  });

  it('words the reason for invalid JSON as JSON.parse does, whichever parser met it first', () => {
    for (const text of ['{"id": 01}', '[1,]', '{"a":1 "b":2}']) {
      let reason = '';
      try {
        JSON.parse(text);
      } catch (e) {
        reason = (e as Error).message;
      }
      assert.throws(
        () => read(c, text),
        (e: unknown) => e instanceof DataError && e.message.includes(`serialization error: ${reason}.`),
      );
    }
  });
});

describe('JsonConverter with schemas.enable=true (the default): the envelope', () => {
  const c = converter();

  it('requires exactly "schema" and "payload", with Kafka\'s message', () => {
    for (const text of ['{"id": 1}', '{"schema": null}', '{"schema": null, "payload": 1, "extra": 2}', '[1]', '5', '""']) {
      assert.throws(() => read(c, text), { name: 'DataError', message: ENVELOPE_ERROR }, text);
    }
  });

  it('treats empty bytes as a missing envelope but a null message as a null value', () => {
    assert.throws(() => c.toConnectData('t', [], new Uint8Array(0)), { message: ENVELOPE_ERROR });
    assert.deepEqual(c.toConnectData('t', [], null), { schema: null, value: null });
  });

  it('passes the payload through schemaless when the schema is null', () => {
    assert.deepEqual(read(c, '{"schema": null, "payload": {"id": 12345678901234567890}}'), {
      schema: null,
      value: { id: 12345678901234567890n },
    });
  });

  it('reads primitive schemas', () => {
    assert.deepEqual(read(c, envelope({ type: 'string' }, 'x')), { schema: { type: 'string', optional: false }, value: 'x' });
    assert.deepEqual(read(c, envelope({ type: 'int32', optional: true }, null)).value, null);
    assert.deepEqual(read(c, envelope({ type: 'boolean' }, true)).value, true);
  });

  it("reads the schema's name, version, doc and parameters", () => {
    const { schema } = read(c, envelope({ type: 'string', name: 'n', version: 3, doc: 'd', parameters: { k: 'v' } }, 'x'));
    assert.deepEqual(schema, { type: 'string', optional: false, name: 'n', version: 3, doc: 'd', parameters: { k: 'v' } });
  });

  it("rejects malformed schemas with Kafka's messages", () => {
    const cases: [unknown, string][] = [
      [{ optional: true }, "Schema must contain 'type' field"],
      [{ type: 'decimal' }, 'Unknown schema type: decimal'],
      [{ type: 'array' }, 'Array schema did not specify the element type'],
      [{ type: 'map', values: { type: 'string' } }, 'Map schema did not specify the key type'],
      [{ type: 'struct' }, 'Struct schema\'s "fields" argument is not an array.'],
      [{ type: 'struct', fields: [{ type: 'int32' }] }, "Struct schema's field name not specified properly"],
      [{ type: 'string', parameters: { a: 1 } }, 'Schema parameters must have string values.'],
    ];
    for (const [schema, message] of cases) assert.throws(() => read(c, envelope(schema, null)), { name: 'DataError', message });
  });
});

describe('JsonConverter structs', () => {
  const c = converter();
  const schema = {
    type: 'struct',
    fields: [
      { field: 'id', type: 'int64' },
      { field: 'title', type: 'string', optional: true },
      { field: 'vector', type: 'array', items: { type: 'float' } },
    ],
  };

  it("produces a plain object with the schema's fields, in schema order, and ignores extra payload fields", () => {
    const result = read(c, envelope(schema, { vector: [0.5, -1], id: 1, extra: 'ignored' }));
    assert.deepEqual(result.value, { id: 1, title: null, vector: [0.5, -1] });
    assert.deepEqual(Object.keys(result.value as object), ['id', 'title', 'vector']);
    assert.deepEqual(
      (result.schema as Schema).fields!.map((f) => [f.name, f.index, f.schema.type]),
      [
        ['id', 0, 'int64'],
        ['title', 1, 'string'],
        ['vector', 2, 'array'],
      ],
    );
  });

  it('keeps an int64 primary key beyond 2^53 exact', () => {
    const text = envelope(schema, { id: 1, vector: [] }).replace('"id":1', '"id":1234567890123456789');
    assert.equal((read(c, text).value as { id: unknown }).id, 1234567890123456789n);
  });

  it('fails on a missing required field, naming its type and path', () => {
    assert.throws(() => read(c, envelope(schema, { vector: [] })), { name: 'DataError', message: 'Invalid null value for required INT64 field at id' });
  });

  it('fails on a value of the wrong JSON type instead of coercing it (Jackson would give 0 or false)', () => {
    assert.throws(() => read(c, envelope(schema, { id: 'seven', vector: [] })), {
      message: 'Invalid value for INT64 at id: expected an integer in -9223372036854775808..9223372036854775807, found STRING "seven"',
    });
    assert.throws(() => read(c, envelope(schema, { id: 1, vector: [0.1, 'x'] })), {
      message: 'Invalid value for FLOAT32 at vector[1]: expected a number, found STRING "x"',
    });
    assert.throws(() => read(c, envelope(schema, [1])), { message: 'Structs should be encoded as JSON objects, but found ARRAY' });
  });

  it('rejects integers out of range for their type instead of wrapping them', () => {
    const s = (type: string) => ({ type: 'struct', fields: [{ field: 'n', type }] });
    assert.throws(() => read(c, envelope(s('int8'), { n: 128 })), /INT8 at n: expected an integer in -128\.\.127, found NUMBER 128/);
    assert.throws(() => read(c, envelope(s('int32'), { n: 1.5 })), /INT32 at n/);
    assert.throws(() => read(c, envelope(s('int64'), { n: 1 }).replace('"n":1', '"n":9223372036854775808')), /INT64 at n/);
    assert.deepEqual(read(c, envelope(s('int16'), { n: -32768 })).value, { n: -32768 });
  });

  it('keeps float values as the JSON text wrote them (no float32 rounding)', () => {
    const s = { type: 'struct', fields: [{ field: 'f', type: 'float' }] };
    assert.deepEqual(read(c, envelope(s, { f: 0.1 })).value, { f: 0.1 });
  });

  it('reads a 768-dimension float vector', () => {
    const vector = Array.from({ length: 768 }, (_, i) => i / 768);
    const value = read(c, envelope(schema, { id: 1, vector })).value as { vector: number[] };
    assert.deepEqual(value.vector, vector);
  });

  it('decodes bytes fields from base64', () => {
    const s = { type: 'struct', fields: [{ field: 'b', type: 'bytes' }] };
    assert.deepEqual(read(c, envelope(s, { b: 'AQID' })).value, { b: new Uint8Array([1, 2, 3]) });
    assert.throws(() => read(c, envelope(s, { b: 'not base64!' })), { message: 'Invalid bytes field at b: expected base64 text, found STRING' });
  });

  it('keeps a field named "__proto__" as data', () => {
    const s = { type: 'struct', fields: [{ field: '__proto__', type: 'string' }] };
    const value = read(c, `{"schema": ${JSON.stringify(s)}, "payload": {"__proto__": "x"}}`).value as object;
    assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, 'x');
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  });
});

describe('JsonConverter maps', () => {
  const c = converter();

  it('reads string-keyed maps from JSON objects', () => {
    const s = { type: 'map', keys: { type: 'string' }, values: { type: 'int32' } };
    assert.deepEqual(read(c, envelope(s, { a: 1, b: 2 })).value, { a: 1, b: 2 });
    assert.throws(() => read(c, envelope(s, [1])), { message: 'Maps with string fields should be encoded as JSON objects, but found ARRAY' });
  });

  it('reads other maps from arrays of [key, value] pairs into a Map', () => {
    const s = { type: 'map', keys: { type: 'int32' }, values: { type: 'string' } };
    assert.deepEqual(
      read(
        c,
        envelope(s, [
          [1, 'a'],
          [2, 'b'],
        ]),
      ).value,
      new Map([
        [1, 'a'],
        [2, 'b'],
      ]),
    );
    assert.throws(() => read(c, envelope(s, [[1]])), { message: 'Found invalid map entry, expected length 2 but found :1' });
  });
});

describe('JsonConverter defaults and replace.null.with.default', () => {
  const schema = { type: 'struct', fields: [{ field: 'n', type: 'int32', optional: true, default: 5 }] };

  it('replaces a null or missing field with its default by default', () => {
    assert.deepEqual(read(converter(), envelope(schema, { n: null })).value, { n: 5 });
    assert.deepEqual(read(converter(), envelope(schema, {})).value, { n: 5 });
    assert.equal((read(converter(), envelope(schema, {})).schema as Schema).fields![0].schema.defaultValue, 5);
  });

  it('keeps an int64 default beyond 2^53 exact', () => {
    const big = '{"schema": {"type": "struct", "fields": [{"field": "n", "type": "int64", "optional": true, "default": 9007199254740993}]}, "payload": {}}';
    const c = converter();
    assert.deepEqual(read(c, big).value, { n: 9007199254740993n });
    assert.deepEqual(read(c, big).value, { n: 9007199254740993n }); // served from the schema cache
  });

  it('keeps the null when replace.null.with.default=false', () => {
    assert.deepEqual(read(converter({ 'replace.null.with.default': 'false' }), envelope(schema, { n: null })).value, { n: null });
  });
});

describe('JsonConverter logical types', () => {
  const c = converter();
  const field = (name: string, type: string, parameters?: Record<string, string>) => ({
    type: 'struct',
    fields: [{ field: 'x', type, name, ...(parameters ? { parameters } : {}) }],
  });
  const value = (s: unknown, x: unknown) => (read(c, envelope(s, { x })).value as { x: unknown }).x;

  it("Decimal from base64 two's-complement bytes and the scale parameter, as exact decimal text", () => {
    const decimal = field('org.apache.kafka.connect.data.Decimal', 'bytes', { scale: '2' });
    assert.equal(value(decimal, Buffer.from([0x30, 0x39]).toString('base64')), '123.45'); // 12345
    assert.equal(value(decimal, Buffer.from([0xff]).toString('base64')), '-0.01'); // -1
    assert.equal(value(decimal, Buffer.from([0x01]).toString('base64')), '0.01');
    assert.equal(value(decimal, 1.5), '1.5'); // decimal.format=NUMERIC producers
    assert.throws(() => value(decimal, true), {
      message: 'Invalid type for Decimal at x, underlying representation should be numeric or bytes but was BOOLEAN',
    });
  });

  it('Date (days since the epoch), Time (ms of the day) and Timestamp (ms since the epoch) as Date', () => {
    assert.deepEqual(value(field('org.apache.kafka.connect.data.Date', 'int32'), 19723), new Date('2024-01-01T00:00:00Z'));
    assert.deepEqual(value(field('org.apache.kafka.connect.data.Time', 'int32'), 3_600_000), new Date(3_600_000));
    assert.deepEqual(value(field('org.apache.kafka.connect.data.Timestamp', 'int64'), 1_700_000_000_000), new Date(1_700_000_000_000));
    assert.throws(
      () => value(field('org.apache.kafka.connect.data.Date', 'int32'), '2024-01-01'),
      /Invalid type for Date at x, underlying representation should be integer but was STRING/,
    );
    assert.throws(() => value(field('org.apache.kafka.connect.data.Time', 'int32'), 90_000_000), {
      message: 'Time values must use number of milliseconds greater than 0 and less than 86400000',
    });
  });
});

describe('JsonConverter schema cache (schemas.cache.size)', () => {
  it('gives records with the same schema the same Schema object', () => {
    const c = converter();
    const s = { type: 'struct', fields: [{ field: 'a', type: 'int32' }] };
    assert.equal(read(c, envelope(s, { a: 1 })).schema, read(c, envelope(s, { a: 2 })).schema);
  });

  it('still converts correctly with the cache turned off', () => {
    const c = converter({ 'schemas.cache.size': '0' });
    const s = { type: 'struct', fields: [{ field: 'a', type: 'int32' }] };
    const first = read(c, envelope(s, { a: 1 }));
    const second = read(c, envelope(s, { a: 2 }));
    assert.notEqual(first.schema, second.schema);
    assert.deepEqual(second.value, { a: 2 });
  });
});
