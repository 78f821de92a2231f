/**
 * Values.parseString, input for input as Kafka 4.1.1's org.apache.kafka.connect.data.Values answers it
 * (read from its jar on a JVM in UTC).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseString } from '../../src/plugin/values.js';

const s = (type: string) => ({ type, optional: false });
const DATE = { type: 'int32', optional: false, name: 'org.apache.kafka.connect.data.Date', version: 1 };
const TIME = { type: 'int32', optional: false, name: 'org.apache.kafka.connect.data.Time', version: 1 };
const TIMESTAMP = { type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 };
const decimal = (scale: number) => ({
  type: 'bytes',
  optional: false,
  name: 'org.apache.kafka.connect.data.Decimal',
  version: 1,
  parameters: { scale: String(scale) },
});
const array = (valueSchema?: object) => ({ type: 'array', optional: false, ...(valueSchema ? { valueSchema } : {}) });
const text = (t: string) => ({ schema: s('string'), value: t });

describe('Values.parseString: literals and numbers', () => {
  it('true, false and null exactly so, alone', () => {
    assert.deepEqual(parseString('true'), { schema: s('boolean'), value: true });
    assert.deepEqual(parseString(' true'), { schema: s('boolean'), value: true });
    assert.deepEqual(parseString('null'), { schema: null, value: null });
    for (const t of ['FALSE', 'True', 'NULL', 'true}', 'true false', 'truex']) assert.deepEqual(parseString(t), text(t), t);
    assert.deepEqual(parseString(null), { schema: null, value: null });
    assert.deepEqual(parseString(''), text(''));
  });

  it('whole numbers take the smallest integer type, whatever their notation', () => {
    const cases: Array<[string, string, unknown]> = [
      ['42', 'int8', 42],
      ['+7', 'int8', 7],
      ['1.0', 'int8', 1],
      ['1.', 'int8', 1],
      ['1e3', 'int16', 1000],
      ['70000', 'int32', 70000],
      ['5000000000', 'int64', 5000000000],
      ['9223372036854775807', 'int64', 9223372036854775807n],
    ];
    for (const [t, type, value] of cases) assert.deepEqual(parseString(t), { schema: s(type), value }, t);
  });

  it('other numbers are float32 while a float holds them, float64 beyond; what neither holds is a Decimal', () => {
    assert.deepEqual(parseString('3.14'), { schema: s('float32'), value: 3.14 });
    assert.deepEqual(parseString('-.5'), { schema: s('float32'), value: -0.5 });
    assert.deepEqual(parseString('1e30'), { schema: s('float32'), value: 1e30 });
    assert.deepEqual(parseString('1e-400'), { schema: s('float32'), value: 0 });
    assert.deepEqual(parseString('1.5e300'), { schema: s('float64'), value: 1.5e300 });
    assert.deepEqual(parseString('9223372036854775808'), { schema: decimal(0), value: '9223372036854775808' });
    assert.deepEqual(parseString('1e400'), { schema: decimal(-400), value: `1${'0'.repeat(400)}` });
  });

  it('a token not starting with a digit or a sign is no number', () => {
    for (const t of ['.5', '0x10', '1_000', '1e', '+', '-']) assert.deepEqual(parseString(t), text(t), t);
  });
});

describe('Values.parseString: dates, times and timestamps', () => {
  it("Kafka's ISO forms, told apart by length, become Date, Time and Timestamp", () => {
    assert.deepEqual(parseString('2024-02-29'), { schema: DATE, value: new Date(Date.UTC(2024, 1, 29)) });
    assert.deepEqual(parseString('13:05:09.007Z'), { schema: TIME, value: new Date(47_109_007) });
    assert.deepEqual(parseString('2024-02-29T13:05:09.007Z'), { schema: TIMESTAMP, value: new Date(Date.UTC(2024, 1, 29, 13, 5, 9, 7)) });
    assert.deepEqual(parseString('10\\:15\\:30.000Z'), { schema: TIME, value: new Date(36_930_000) }, 'escaped colons');
  });

  it('are read leniently, as SimpleDateFormat reads them', () => {
    assert.deepEqual(parseString('2024-13-01').value, new Date(Date.UTC(2025, 0, 1)), 'month 13 rolls over');
    assert.deepEqual(parseString('2024-02-2x').value, new Date(Date.UTC(2024, 1, 2)), 'what follows the last field is ignored');
    assert.deepEqual(parseString('2024-1-011').value, new Date(Date.UTC(2024, 0, 11)));
  });

  it('other lengths or shapes are not dates: numbers or strings', () => {
    assert.deepEqual(parseString('12:00'), { schema: s('int8'), value: 12 }, 'the first token, 12, is a number; the rest is ignored');
    assert.deepEqual(parseString('13:05:09.007'), { schema: s('int8'), value: 13 });
    assert.deepEqual(parseString('2024-02-29T13:05:09.007'), text('2024-02-29T13:05:09.007'));
  });

  it('inside lists and maps too, quoted or not', () => {
    const days = [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 2))];
    assert.deepEqual(parseString('[2024-01-01, 2024-01-02]'), { schema: array(DATE), value: days });
    assert.deepEqual(parseString('["2024-01-01"]'), { schema: array(DATE), value: [days[0]] });
    assert.deepEqual(parseString('[1, 2024-01-01]'), { schema: array(DATE), value: [new Date(86_400_000), days[0]] }, 'an int8 widens to a Date: days');
  });
});

describe('Values.parseString: lists and maps', () => {
  it('a list has the schema its elements share, numbers widening', () => {
    assert.deepEqual(parseString('[1,2]'), { schema: array(s('int8')), value: [1, 2] });
    assert.deepEqual(parseString('[1, 300]'), { schema: array(s('int16')), value: [1, 300] });
    assert.deepEqual(parseString('[1, 1.5]'), { schema: array(s('float32')), value: [1, 1.5] });
    assert.deepEqual(parseString('[1.5, 1e300]'), { schema: array(s('float64')), value: [1.5, 1e300] });
    assert.deepEqual(parseString('[1, "a"]'), { schema: array(), value: [1, 'a'] }, 'no common schema');
    assert.deepEqual(parseString('[]'), { schema: array(), value: [] });
    assert.deepEqual(parseString('[null]'), { schema: array(), value: [null] });
    assert.deepEqual(parseString('[[true],[false]]'), { schema: array(array(s('boolean'))), value: [[true], [false]] });
  });

  it('a map has the key and value schemas its entries share; string keys give a plain object, others a Map', () => {
    assert.deepEqual(parseString('{"a":1,"b":2}'), {
      schema: { type: 'map', optional: false, keySchema: s('string'), valueSchema: s('int8') },
      value: { a: 1, b: 2 },
    });
    assert.deepEqual(parseString('{"a":1,"b":"x"}'), { schema: { type: 'map', optional: false, keySchema: s('string') }, value: { a: 1, b: 'x' } });
    assert.deepEqual(parseString('{1:true}'), {
      schema: { type: 'map', optional: false, keySchema: s('int8'), valueSchema: s('boolean') },
      value: new Map([[1, true]]),
    });
  });

  it('quoted strings are read only inside lists and maps, kept as written', () => {
    assert.deepEqual(parseString('["a", "b"]'), { schema: array(s('string')), value: ['a', 'b'] });
    assert.deepEqual(parseString('["say \\"hi\\""]').value, ['say \\"hi\\"']);
    assert.deepEqual(parseString('"hello, world"'), text('"hello, world"'));
  });

  it('what is not a well-formed list or map is the whole text as a string; text after a value is ignored', () => {
    for (const t of ['[ 1 , null ]', '[a, b]', '{a:null}', '[1,2', '{"a"}', 'a:b', '"open']) assert.deepEqual(parseString(t), text(t), t);
    assert.deepEqual(parseString('[1] x'), { schema: array(s('int8')), value: [1] });
    assert.deepEqual(parseString('[1,]'), { schema: array(s('int8')), value: [1] }, 'a trailing comma is tolerated');
    assert.deepEqual(parseString('1,2'), { schema: s('int8'), value: 1 }, 'a number ends at the first delimiter');
  });
});
