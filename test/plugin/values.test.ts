import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseString as parseHeaderString } from '../../src/plugin/values.js';

const s = (type: string) => ({ type, optional: false });
const typeOf = (text: string): string | null => parseHeaderString(text).schema?.type ?? null;
const valueFor = (text: string): unknown => parseHeaderString(text).value;

describe('parseHeaderString (Kafka Values.parseString)', () => {
  it('reads true and false in any case as booleans', () => {
    assert.deepEqual(parseHeaderString('true'), { schema: s('boolean'), value: true });
    assert.deepEqual(parseHeaderString('FALSE'), { schema: s('boolean'), value: false });
  });

  it('reads null as a null value without schema, and keeps null and empty input apart', () => {
    assert.deepEqual(parseHeaderString('null'), { schema: null, value: null });
    assert.deepEqual(parseHeaderString(null), { schema: null, value: null });
    assert.deepEqual(parseHeaderString(''), { schema: s('string'), value: '' });
  });

  it('gives a whole number the smallest integer type that holds it', () => {
    assert.deepEqual(parseHeaderString('42'), { schema: s('int8'), value: 42 });
    assert.deepEqual(['127', '-128', '128', '-32768', '32768', '2147483647', '2147483648', '-9223372036854775808'].map(typeOf), [
      'int8',
      'int8',
      'int16',
      'int16',
      'int32',
      'int32',
      'int64',
      'int64',
    ]);
    assert.equal(valueFor('+7'), 7);
  });

  it('treats a whole value written with a fraction or an exponent as an integer, as BigDecimal does', () => {
    assert.deepEqual(parseHeaderString('1.0'), { schema: s('int8'), value: 1 });
    assert.deepEqual(parseHeaderString('1e3'), { schema: s('int16'), value: 1000 });
    assert.deepEqual(parseHeaderString('0.0'), { schema: s('int8'), value: 0 });
  });

  it('gives an int64 beyond 2^53 as a bigint', () => {
    assert.deepEqual(parseHeaderString('9223372036854775807'), { schema: s('int64'), value: 9223372036854775807n });
  });

  it("reads other numbers as float32 while they fit a float (Kafka's rule), float64 beyond, keeping the text's value", () => {
    assert.deepEqual(parseHeaderString('3.14'), { schema: s('float32'), value: 3.14 });
    assert.deepEqual(parseHeaderString('-0.5'), { schema: s('float32'), value: -0.5 });
    assert.deepEqual(parseHeaderString('.5'), { schema: s('float32'), value: 0.5 });
    assert.deepEqual(parseHeaderString('1e30'), { schema: s('float32'), value: 1e30 });
    assert.deepEqual(parseHeaderString('1.5e300'), { schema: s('float64'), value: 1.5e300 });
  });

  it('reads a list, with an element schema when all elements share one and none when they differ', () => {
    assert.deepEqual(parseHeaderString('[1,2]'), { schema: { type: 'array', optional: false, valueSchema: s('int8') }, value: [1, 2] });
    assert.deepEqual(parseHeaderString('[ 1 , null ]').value, [1, null]);
    assert.equal(parseHeaderString('[ 1 , null ]').schema?.type, 'array');
    assert.deepEqual(parseHeaderString('[1, "a"]'), { schema: null, value: [1, 'a'] });
    assert.deepEqual(parseHeaderString('[]'), { schema: null, value: [] });
    assert.deepEqual(parseHeaderString('[[true],[false]]').value, [[true], [false]]);
  });

  it('reads a map; string keys give a plain object, other keys a Map', () => {
    assert.deepEqual(parseHeaderString('{"a":1,"b":2}'), {
      schema: { type: 'map', optional: false, keySchema: s('string'), valueSchema: s('int8') },
      value: { a: 1, b: 2 },
    });
    assert.deepEqual(parseHeaderString('{1:true}').value, new Map([[1, true]]));
    assert.equal(parseHeaderString('{"a":1,"b":"x"}').schema, null);
  });

  it('reads a double-quoted string as its content, escapes included', () => {
    assert.deepEqual(parseHeaderString('"hello, world"'), { schema: s('string'), value: 'hello, world' });
    assert.equal(valueFor('"say \\"hi\\""'), 'say "hi"');
  });

  it('keeps as the original string whatever is not exactly one value', () => {
    for (const text of ['hello', 'hello world', 'a:b', '1,2', '[1,2', '{"a"}', '"open', 'true false', '[1] x']) {
      assert.deepEqual(parseHeaderString(text), { schema: s('string'), value: text }, text);
    }
  });

  it('keeps dates, times and numbers beyond 64 bits as strings (not inferred here; Kafka makes them Date/Time/Decimal)', () => {
    for (const text of ['2024-01-31', '10:15:30.000Z', '2024-01-31T10:15:30.000Z', '9223372036854775808', '1e400']) {
      assert.deepEqual(parseHeaderString(text), { schema: s('string'), value: text }, text);
    }
  });
});
