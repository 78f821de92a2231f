import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, type SinkRecord } from '../../../../src/plugin/index.js';
import { JsonConverter } from '../../../../src/converters/json-converter.js';
import { collectionSchemaFromDescribe, type DescribedField } from '../../../../src/connectors/milvus/rows/collection-schema.js';
import { primaryKeyFromRecordKey, recordToRow, resolveWriteOperation, type RecordToRowOptions } from '../../../../src/connectors/milvus/rows/record-to-row.js';

// ---- helpers: a collection as the SDK's describeCollection reports it, and records as converters produce them

const PK: DescribedField = { name: 'id', data_type: 'Int64', is_primary_key: true, autoID: false };

function collection(fields: DescribedField[], extra: { dynamic?: boolean; pk?: DescribedField; allowInsertAutoId?: boolean } = {}) {
  return collectionSchemaFromDescribe({
    collection_name: 'docs',
    schema: { enable_dynamic_field: extra.dynamic === true, fields: [extra.pk ?? PK, ...fields] },
    properties: extra.allowInsertAutoId ? [{ key: 'allow_insert_auto_id', value: 'true' }] : [],
  });
}

function record(value: unknown, more: Partial<SinkRecord> = {}): SinkRecord {
  return {
    topic: 'topic_0',
    kafkaPartition: 0,
    kafkaOffset: 42,
    timestamp: null,
    keySchema: null,
    key: null,
    valueSchema: null,
    value,
    headers: [],
    rawKey: null,
    rawValue: null,
    originalTopic: more.topic ?? 'topic_0',
    originalKafkaPartition: more.kafkaPartition ?? 0,
    originalKafkaOffset: more.kafkaOffset ?? 42,
    ...more,
  };
}

const UPSERT: RecordToRowOptions = { operation: 'upsert', dynamicFields: 'drop', pkMode: 'value', jsonParseStrings: false };

/** The row for `{id: 1, [name]: value}` in a collection with one extra field. */
function convert(field: DescribedField, value: unknown, options: Partial<RecordToRowOptions> = {}): unknown {
  const row = recordToRow(record({ id: 1, [field.name]: value }), collection([field]), { ...UPSERT, ...options });
  return row[field.name];
}

function rejects(field: DescribedField, value: unknown, message: string | RegExp, options: Partial<RecordToRowOptions> = {}): void {
  assert.throws(
    () => convert(field, value, options),
    (e: unknown) => {
      assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

// ---- value shapes

describe('recordToRow: record values', () => {
  const schema = collection([{ name: 'title', data_type: 'VarChar', max_length: '64' }]);

  it('maps a schemaless JSON object (JsonConverter with schemas.enable=false) field by field', () => {
    assert.deepEqual(recordToRow(record({ id: 1, title: 'a' }), schema, UPSERT), { id: 1, title: 'a' });
  });

  it('maps a struct (JsonConverter with schemas.enable=true) the same way', () => {
    const json = new JsonConverter();
    json.configure({}, false);
    const envelope = {
      schema: {
        type: 'struct',
        fields: [
          { field: 'id', type: 'int64' },
          { field: 'title', type: 'string' },
        ],
      },
      payload: { id: 1, title: 'a' },
    };
    const { schema: valueSchema, value } = json.toConnectData('topic_0', [], new TextEncoder().encode(JSON.stringify(envelope)));
    assert.deepEqual(recordToRow(record(value, { valueSchema }), schema, UPSERT), { id: 1, title: 'a' });
  });

  it('maps a Map value', () => {
    assert.deepEqual(
      recordToRow(
        record(
          new Map<string, unknown>([
            ['id', 2],
            ['title', 'b'],
          ]),
        ),
        schema,
        UPSERT,
      ),
      { id: 2, title: 'b' },
    );
  });

  it('rejects a value that is not a struct or an object, with a hint for JSON text', () => {
    assert.throws(() => recordToRow(record('{"id": 1}'), schema, UPSERT), {
      name: 'DataError',
      message:
        'Cannot map the value of topic_0[0]@42 onto collection docs: expected a struct or a JSON object, got a string. For JSON text use value.converter=org.apache.kafka.connect.json.JsonConverter (with value.converter.schemas.enable=false for plain JSON).',
    });
    assert.throws(() => recordToRow(record([1, 2]), schema, UPSERT), /expected a struct or a JSON object, got an array/);
    assert.throws(() => recordToRow(record(new Uint8Array(2)), schema, UPSERT), /got bytes/);
  });

  it('leaves tombstones to the caller: a null value is an error here', () => {
    assert.throws(() => recordToRow(record(null), schema, UPSERT), /got null/);
  });

  it('does not mistake inherited properties for fields', () => {
    const s = collection([{ name: 'constructor', data_type: 'VarChar', max_length: '10', nullable: true }]);
    assert.deepEqual(recordToRow(record({ id: 1 }), s, UPSERT), { id: 1 });
  });
});

// ---- one describe per Milvus type

describe('Bool', () => {
  const field: DescribedField = { name: 'flag', data_type: 'Bool' };

  it('takes booleans, "true"/"false" in any case, and 1/0', () => {
    for (const [input, expected] of [
      [true, true],
      [false, false],
      ['TRUE', true],
      ['False', false],
      [' true ', true],
      [1, true],
      [0, false],
    ] as const) {
      assert.equal(convert(field, input), expected, String(input));
    }
  });

  it('rejects anything else instead of storing false (the original turned "yes" and 1 into false)', () => {
    rejects(field, 'yes', 'Invalid value for field "flag" (Bool) in topic_0[0]@42: expected true or false, got "yes"');
    rejects(field, 2, /expected true or false, got 2/);
    rejects(field, {}, /expected true or false, got an object/);
  });
});

describe('Int8, Int16, Int32', () => {
  it('take integers and integer strings within range', () => {
    assert.equal(convert({ name: 'n', data_type: 'Int8' }, -128), -128);
    assert.equal(convert({ name: 'n', data_type: 'Int16' }, '32767'), 32767);
    assert.equal(convert({ name: 'n', data_type: 'Int32' }, 2147483647n), 2147483647);
    assert.equal(convert({ name: 'n', data_type: 'Int32' }, 3.0), 3); // JSON 3.0 (the original failed on it)
  });

  it('reject out-of-range values before Milvus rejects the whole batch', () => {
    rejects({ name: 'n', data_type: 'Int8' }, 300, 'Invalid value for field "n" (Int8) in topic_0[0]@42: 300 is out of range for Int8 (-128..127)');
    rejects({ name: 'n', data_type: 'Int16' }, '-40000', /"-40000" is out of range for Int16 \(-32768\.\.32767\)/);
    rejects({ name: 'n', data_type: 'Int32' }, 2 ** 31, /out of range for Int32/);
  });

  it('reject fractions, non-numeric strings and other types', () => {
    rejects({ name: 'n', data_type: 'Int32' }, 1.5, /expected an integer, got 1\.5/);
    rejects({ name: 'n', data_type: 'Int32' }, '1.0', /expected an integer, got "1\.0"/);
    rejects({ name: 'n', data_type: 'Int32' }, true, /expected an integer, got a boolean/);
  });
});

describe('Int64', () => {
  const field: DescribedField = { name: 'n', data_type: 'Int64' };

  it('passes safe integers as numbers and larger ones as exact decimal strings (what the SDK encodes exactly)', () => {
    assert.equal(convert(field, 42), 42);
    assert.equal(convert(field, Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    assert.equal(convert(field, 9007199254740993n), '9007199254740993');
    assert.equal(convert(field, '-9223372036854775808'), '-9223372036854775808');
    assert.equal(convert(field, '+42'), 42);
    assert.equal(convert(field, 1e18), '1000000000000000000');
  });

  it('takes a Kafka Timestamp (Date) as epoch milliseconds', () => {
    assert.equal(convert(field, new Date(1_700_000_000_000)), 1_700_000_000_000);
  });

  it('rejects values beyond the 64-bit range and non-integers', () => {
    rejects(field, 9223372036854775808n, 'Invalid value for field "n" (Int64) in topic_0[0]@42: 9223372036854775808 is out of range for Int64');
    rejects(field, 0.5, /expected an integer, got 0\.5/);
    rejects(field, 'abc', /expected an integer, got "abc"/);
  });

  it('keeps a primary key beyond 2^53 exact from JSON text through the converter to the row', () => {
    const text = '{"id": 1234567890123456789, "n": -9007199254740993}';
    const schema = collection([field]);
    for (const schemasEnable of ['false', 'true']) {
      const json = new JsonConverter();
      json.configure({ 'schemas.enable': schemasEnable }, false);
      const message =
        schemasEnable === 'false'
          ? text
          : `{"schema": {"type": "struct", "fields": [{"field": "id", "type": "int64"}, {"field": "n", "type": "int64"}]}, "payload": ${text}}`;
      const { schema: valueSchema, value } = json.toConnectData('topic_0', [], new TextEncoder().encode(message));
      const row = recordToRow(record(value, { valueSchema }), schema, UPSERT);
      assert.deepEqual(row, { id: '1234567890123456789', n: '-9007199254740993' }, `schemas.enable=${schemasEnable}`);
    }
  });
});

describe('Float and Double', () => {
  it('take numbers, numeric strings and Decimal text', () => {
    assert.equal(convert({ name: 'f', data_type: 'Float' }, 0.5), 0.5);
    assert.equal(convert({ name: 'f', data_type: 'Double' }, '-1.25e3'), -1250);
    assert.equal(convert({ name: 'f', data_type: 'Double' }, '123.45'), 123.45);
    assert.equal(convert({ name: 'f', data_type: 'Double' }, 10n), 10);
  });

  it('reject non-finite numbers and Float overflow', () => {
    rejects({ name: 'f', data_type: 'Double' }, Infinity, 'Invalid value for field "f" (Double) in topic_0[0]@42: Infinity is not a finite number');
    rejects({ name: 'f', data_type: 'Double' }, 'NaN', /expected a number, got "NaN"/);
    rejects({ name: 'f', data_type: 'Float' }, 1e39, /1e\+39 is out of range for Float/);
    rejects({ name: 'f', data_type: 'Float' }, '0x10', /expected a number, got "0x10"/);
  });
});

describe('VarChar', () => {
  const field: DescribedField = { name: 'title', data_type: 'VarChar', max_length: '8' };

  it('takes strings as they are', () => {
    assert.equal(convert(field, 'héllo'), 'héllo');
  });

  it('counts max_length in UTF-8 bytes, as Milvus does', () => {
    assert.equal(convert(field, 'ééé'), 'ééé'); // 6 bytes
    assert.equal(convert(field, '12345678'), '12345678');
    rejects(
      field,
      'éééé!',
      'Invalid value for field "title" (VarChar, max_length 8) in topic_0[0]@42: the text is 9 bytes long in UTF-8, more than max_length 8',
    );
    rejects(field, '👋👋👋', /the text is 12 bytes long in UTF-8/);
  });

  it('writes numbers, booleans and int64 as text, dates as ISO-8601, bytes as base64, objects as JSON', () => {
    const wide: DescribedField = { name: 'title', data_type: 'VarChar', max_length: '100' };
    assert.equal(convert(wide, 123), '123');
    assert.equal(convert(wide, 1.5), '1.5');
    assert.equal(convert(wide, 12345678901234567890n), '12345678901234567890');
    assert.equal(convert(wide, false), 'false');
    assert.equal(convert(wide, new Date(0)), '1970-01-01T00:00:00.000Z');
    assert.equal(convert(wide, new Uint8Array([1, 2, 3])), 'AQID');
    assert.equal(convert(wide, { a: [1, 'x'] }), '{"a":[1,"x"]}'); // the original wrote Java's {a=[1, x]}
  });
});

describe('JSON', () => {
  const field: DescribedField = { name: 'meta', data_type: 'JSON' };

  it('passes objects and arrays through for the SDK to serialise', () => {
    const doc = { a: 1, b: [true, null, 'x'] };
    assert.equal(convert(field, doc), doc);
    assert.deepEqual(convert(field, [1, 2]), [1, 2]);
  });

  it('keeps falsy JSON values (0, false, "") as values', () => {
    assert.equal(convert(field, 0), 0);
    assert.equal(convert(field, false), false);
    assert.equal(convert(field, ''), '');
  });

  it('stores a string as a JSON string literal, like the original, unless json.parse.strings is set', () => {
    assert.equal(convert(field, '{"a": 1}'), '{"a": 1}');
    assert.deepEqual(convert(field, '{"a": 1}', { jsonParseStrings: true }), { a: 1 });
    rejects(field, '{"a": ', /the string is not valid JSON/, { jsonParseStrings: true });
  });

  it('treats a JSON null (also the string "null" with json.parse.strings) as a missing value', () => {
    const schema = collection([field]);
    const options = { ...UPSERT, jsonParseStrings: true };
    assert.throws(() => recordToRow(record({ id: 1, meta: 'null' }), schema, options), /Missing value for field "meta" \(JSON\)/);
    const nullable = collection([{ ...field, nullable: true }]);
    assert.deepEqual(recordToRow(record({ id: 1, meta: 'null' }), nullable, options), { id: 1 });
  });

  it('makes converter values JSON data: bytes as base64, dates as ISO-8601, small bigints as numbers', () => {
    assert.deepEqual(convert(field, { b: new Uint8Array([255]), d: new Date(0), n: 5n }), { b: '/w==', d: '1970-01-01T00:00:00.000Z', n: 5 });
  });

  it('rejects integers beyond 2^53 inside a document rather than rounding them', () => {
    rejects(field, { id: 9007199254740993n }, /contains the integer 9007199254740993, beyond ±2\^53/);
    rejects(field, '{"id": 9007199254740993}', /contains the integer 9007199254740993/, { jsonParseStrings: true });
  });
});

describe('Array', () => {
  const ints: DescribedField = { name: 'tags', data_type: 'Array', element_type: 'Int32', max_capacity: '3' };
  const strings: DescribedField = { name: 'tags', data_type: 'Array', element_type: 'VarChar', max_capacity: '3', max_length: '2' };

  it('converts every element by the element type', () => {
    assert.deepEqual(convert(ints, [1, '2', 3n]), [1, 2, 3]);
    assert.deepEqual(convert(strings, ['a', 'bc']), ['a', 'bc']);
    assert.deepEqual(convert({ name: 'tags', data_type: 'Array', element_type: 'Int64', max_capacity: '2' }, [1, 9007199254740993n]), [1, '9007199254740993']);
  });

  it('checks max_capacity and each element, naming the element', () => {
    rejects(
      ints,
      [1, 2, 3, 4],
      'Invalid value for field "tags" (Array of Int32, max_capacity 3) in topic_0[0]@42: the array has 4 elements, more than max_capacity 3',
    );
    rejects(ints, [1, 'x'], /element 1: expected an integer, got "x"/);
    rejects(ints, [1, null], /element 1 is null; Milvus arrays cannot hold nulls/);
    rejects(strings, ['abc'], /\(Array of VarChar, max_length 2, max_capacity 3\).*element 0: the text is 3 bytes long/);
    rejects(ints, 'not an array', /expected an array, got a string/);
  });
});

describe('FloatVector', () => {
  const field: DescribedField = { name: 'title_vector', data_type: 'FloatVector', dim: '4' };

  it('comes out as a Float32Array of the values rounded to float32, the precision Milvus stores (half the memory of doubles)', () => {
    const vector = [0.1, -0.2, 0.3, 1e-30];
    const out = convert(field, vector);
    assert.ok(out instanceof Float32Array);
    assert.deepEqual(out, new Float32Array([0.1, -0.2, 0.3, 1e-30]));
    assert.equal((out as Float32Array)[0], Math.fround(0.1));
    assert.notEqual((out as Float32Array)[0], 0.1);
    assert.deepEqual(vector, [0.1, -0.2, 0.3, 1e-30], "the record's value is left as it was");
  });

  it('accepts the original\'s string forms "[0.1, 0.2]" and "0.1,0.2", numeric strings and typed arrays', () => {
    assert.deepEqual(convert(field, '[0.1, 0.2, 0.3, 0.4]'), new Float32Array([0.1, 0.2, 0.3, 0.4]));
    assert.deepEqual(convert(field, '1,2,3,4'), new Float32Array([1, 2, 3, 4]));
    assert.deepEqual(convert(field, ['1', '2', 3, 4]), new Float32Array([1, 2, 3, 4]));
    assert.deepEqual(convert(field, new Float64Array([1, 2, 3, 4.5])), new Float32Array([1, 2, 3, 4.5]));
    const typed = new Float32Array([1, 2, 3, 4]);
    const fromTyped = convert(field, typed);
    assert.deepEqual(fromTyped, typed);
    assert.notEqual(fromTyped, typed, 'a copy: the row does not share memory with the record');
    assert.deepEqual(convert(field, new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer)), new Float32Array([1, 2, 3, 4]));
  });

  it('checks the range as doubles before rounding: a value float32 cannot hold is an error, not Infinity', () => {
    const largest = 3.4028234663852886e38;
    assert.deepEqual(convert(field, [largest, -largest, 0, 0]), new Float32Array([largest, -largest, 0, 0]));
    rejects(field, [3.5e38, 0, 0, 0], /element 0 \(3\.5e\+38\) is out of range for FloatVector/);
    rejects(field, new Float32Array([0, Infinity, 0, 0]), /element 1 is Infinity, vectors take finite numbers/);
    rejects(field, new Float64Array([0, 0, 1e39, 0]), /element 2 \(1e\+39\) is out of range for FloatVector/);
  });

  it('checks the dimension (the original let Milvus reject the whole batch)', () => {
    rejects(field, [1, 2, 3], 'Invalid value for field "title_vector" (FloatVector, dim 4) in topic_0[0]@42: expected 4 numbers, got 3');
    rejects(field, '', /expected 4 numbers, got 0/);
  });

  it('rejects nested arrays (the original flattened them), non-numbers and non-finite values', () => {
    rejects(
      field,
      [
        [1, 2],
        [3, 4],
      ],
      /expected 4 numbers, got 2/,
    );
    rejects(field, [[1], 2, 3, 4], /element 0 is a nested array/);
    rejects(field, '[[1, 2], [3, 4]]', /nested lists/);
    rejects(field, [1, 2, NaN, 4], /element 2 is NaN, vectors take finite numbers/);
    rejects(field, [1, 2, 1e39, 4], /element 2 \(1e\+39\) is out of range for FloatVector/);
    rejects(field, [1, 2, 'x', 4], /element 2 is "x", not a number/);
    rejects(field, { a: 1 }, /expected 4 numbers, got an object/);
  });
});

describe('BinaryVector', () => {
  const field: DescribedField = { name: 'bits', data_type: 'BinaryVector', dim: '16' };

  it('takes dim/8 bytes as numbers, bytes or base64', () => {
    assert.deepEqual(convert(field, [129, 255]), [129, 255]);
    assert.deepEqual(convert(field, new Uint8Array([1, 2])), [1, 2]);
    assert.deepEqual(convert(field, Buffer.from([1, 2]).toString('base64')), [1, 2]);
    assert.deepEqual(convert(field, '[129, 255]'), [129, 255]);
  });

  it('packs dim bits (0/1 or booleans), most significant bit first', () => {
    const bits = [1, 0, 0, 0, 0, 0, 0, 1, true, true, false, false, false, false, false, false];
    assert.deepEqual(convert(field, bits), [0x81, 0xc0]);
  });

  it('rejects other lengths and values', () => {
    rejects(
      field,
      [1, 2, 3],
      'Invalid value for field "bits" (BinaryVector, dim 16) in topic_0[0]@42: expected 2 bytes (0-255) or 16 bits (0/1), got an array of 3',
    );
    rejects(field, [256, 0], /byte 0 \(256\) is not an integer in 0\.\.255/);
    rejects(field, Array(16).fill(2), /bit 0 \(2\) is not 0 or 1/);
    rejects(field, Buffer.from([1, 2, 3]).toString('base64'), /expected 2 bytes, got 3/);
  });
});

describe('Float16Vector and BFloat16Vector', () => {
  const f16: DescribedField = { name: 'h', data_type: 'Float16Vector', dim: '2' };
  const bf16: DescribedField = { name: 'h', data_type: 'BFloat16Vector', dim: '2' };

  it('take float arrays (the SDK packs them)', () => {
    assert.deepEqual(convert(f16, [1.5, -2]), [1.5, -2]);
    assert.deepEqual(convert(bf16, '0.5, 4'), [0.5, 4]);
  });

  it('decode little-endian half-precision bytes or base64 to floats', () => {
    assert.deepEqual(convert(f16, new Uint8Array([0x00, 0x3e, 0x00, 0xc0])), [1.5, -2]);
    assert.deepEqual(convert(bf16, Buffer.from([0xc0, 0x3f, 0x80, 0x40]).toString('base64')), [1.5, 4]);
  });

  it('reject wrong sizes and values float16 cannot hold', () => {
    rejects(f16, [1, 2, 3], /expected 2 numbers, got 3/);
    rejects(f16, new Uint8Array(3), /expected 4 bytes \(2 little-endian float16\), got 3/);
    rejects(f16, [70000, 1], /element 0 \(70000\) is out of range for Float16Vector/);
    rejects(f16, new Uint8Array([0x00, 0x7c, 0, 0]), /element 0 is Infinity/);
  });
});

describe('Int8Vector', () => {
  const field: DescribedField = { name: 'q', data_type: 'Int8Vector', dim: '3' };

  it('takes integers in -128..127, Int8Array, bytes (as signed) or base64', () => {
    assert.deepEqual(convert(field, [-128, 0, 127]), [-128, 0, 127]);
    assert.deepEqual(convert(field, new Int8Array([-1, 2, 3])), [-1, 2, 3]);
    assert.deepEqual(convert(field, new Uint8Array([255, 2, 3])), [-1, 2, 3]);
    assert.deepEqual(convert(field, Buffer.from([255, 2, 3]).toString('base64')), [-1, 2, 3]);
  });

  it('rejects values outside int8 and fractions', () => {
    rejects(field, [128, 0, 0], /element 0 \(128\) is not an integer in -128\.\.127/);
    rejects(field, [0.5, 0, 0], /element 0 \(0\.5\) is not an integer/);
    rejects(field, [1, 2], /expected 3 numbers, got 2/);
  });
});

describe('SparseFloatVector', () => {
  const field: DescribedField = { name: 'sparse', data_type: 'SparseFloatVector' };
  const expected = { '3': 0.5, '12': 0.25 };

  it('takes the original\'s {"index": value} object and orders indices ascending', () => {
    const row = convert(field, { '12': 0.25, '3': 0.5 }) as Record<string, number>;
    assert.deepEqual(row, expected);
    assert.deepEqual(Object.keys(row), ['3', '12']);
  });

  it('takes the same as JSON text (the original dropped it), COO pairs, CSR arrays, a Map or a dense array', () => {
    assert.deepEqual(convert(field, '{"12": 0.25, "3": 0.5}'), expected);
    assert.deepEqual(
      convert(field, [
        { index: 12, value: 0.25 },
        { index: 3, value: 0.5 },
      ]),
      expected,
    );
    assert.deepEqual(convert(field, { indices: [12, 3], values: [0.25, 0.5] }), expected);
    assert.deepEqual(
      convert(
        field,
        new Map([
          [12, 0.25],
          [3, 0.5],
        ]),
      ),
      expected,
    );
    assert.deepEqual(convert(field, [0, 0, 0, 0.5]), { '3': 0.5 });
  });

  it('rejects bad indices, duplicate indices, non-numeric values and mismatched CSR arrays', () => {
    rejects(
      field,
      { '-1': 0.5 },
      'Invalid value for field "sparse" (SparseFloatVector) in topic_0[0]@42: key "-1": index "-1" is not an integer in 0..4294967294',
    );
    rejects(
      field,
      [
        { index: 1, value: 1 },
        { index: 1, value: 2 },
      ],
      /element 1: index 1 appears twice/,
    );
    rejects(field, { '1': 'x' }, /key "1": value "x" is not a finite float32/);
    rejects(field, { indices: [1, 2], values: [1] }, /has 2 indices but 1 values/);
    rejects(field, 'not json', /the string is not valid JSON/);
  });
});

describe('Timestamptz and Geometry', () => {
  it('Timestamptz takes ISO-8601 text as is, and dates or epoch milliseconds as ISO-8601', () => {
    const field: DescribedField = { name: 'ts', data_type: 'Timestamptz' };
    assert.equal(convert(field, '2024-01-01T00:00:00+08:00'), '2024-01-01T00:00:00+08:00');
    assert.equal(convert(field, new Date(0)), '1970-01-01T00:00:00.000Z');
    assert.equal(convert(field, 1_700_000_000_000), '2023-11-14T22:13:20.000Z');
    rejects(field, true, /expected an ISO-8601 timestamp, a date or epoch milliseconds, got true/);
  });

  it('Geometry takes WKT text', () => {
    const field: DescribedField = { name: 'geo', data_type: 'Geometry' };
    assert.equal(convert(field, 'POINT (1 2)'), 'POINT (1 2)');
    rejects(field, [1, 2], /expected WKT text/);
  });
});

describe('Array of Struct', () => {
  const field: DescribedField = {
    name: 'chunks',
    data_type: 'Array',
    element_type: 'Struct',
    max_capacity: '2',
    fields: [
      { name: 'text', data_type: 'VarChar', max_length: '10' },
      { name: 'emb', data_type: 'FloatVector', dim: '2' },
    ],
  };

  it("converts each element's sub-fields by their types and leaves unknown sub-fields out", () => {
    assert.deepEqual(convert(field, [{ text: 'a', emb: '1,2', extra: 1 }]), [{ text: 'a', emb: [1, 2] }]);
  });

  it('keeps a FloatVector sub-field a plain array of its float32 values (struct arrays always go through the SDK)', () => {
    assert.deepEqual(convert(field, [{ text: 'a', emb: [0.1, 2] }]), [{ text: 'a', emb: [Math.fround(0.1), 2] }]);
  });

  it('names the element and sub-field of a bad value', () => {
    rejects(field, [{ text: 'a', emb: [1] }], /element 0, "emb": expected 2 numbers, got 1/);
    rejects(field, [{ text: 'a' }], /element 0 lacks "emb"/);
  });
});

describe('nulls and default values', () => {
  const schema = collection([
    { name: 'nullable', data_type: 'VarChar', max_length: '8', nullable: true },
    { name: 'defaulted', data_type: 'Int32', default_value: 7 },
    { name: 'required', data_type: 'Int32' },
  ]);

  it('leaves out null or missing values of nullable fields (PR #33 semantics)', () => {
    assert.deepEqual(recordToRow(record({ id: 1, nullable: null, defaulted: 1, required: 3 }), schema, UPSERT), { id: 1, defaulted: 1, required: 3 });
  });

  it('writes the default value for a null or missing value of a field that has one, as Milvus would', () => {
    assert.deepEqual(recordToRow(record({ id: 1, required: 3 }), schema, UPSERT), { id: 1, defaulted: 7, required: 3 });
    assert.deepEqual(recordToRow(record({ id: 1, defaulted: null, required: 3 }), schema, UPSERT), { id: 1, defaulted: 7, required: 3 });
    const both = collection([{ name: 'n', data_type: 'Int64', nullable: true, default_value: '9007199254740993' }]);
    assert.deepEqual(recordToRow(record({ id: 1, n: null }), both, UPSERT), { id: 1, n: '9007199254740993' });
  });

  it('fails on a null or missing value of a field that is neither nullable nor defaulted', () => {
    const message = 'Missing value for field "required" (Int32) in topic_0[0]@42: the field is not nullable and has no default value';
    assert.throws(() => recordToRow(record({ id: 1 }), schema, UPSERT), { name: 'DataError', message });
    assert.throws(() => recordToRow(record({ id: 1, required: null }), schema, UPSERT), { name: 'DataError', message });
  });

  it('requires vector fields like any other field unless they are nullable', () => {
    const vectors = collection([{ name: 'v', data_type: 'FloatVector', dim: '2' }]);
    assert.throws(() => recordToRow(record({ id: 1 }), vectors, UPSERT), /Missing value for field "v" \(FloatVector, dim 2\)/);
  });
});

describe('primary key and write operation', () => {
  const autoId = { name: 'pk', data_type: 'Int64', is_primary_key: true, autoID: true } as const;
  const fields: DescribedField[] = [{ name: 'v', data_type: 'FloatVector', dim: '2' }];
  const VECTOR = new Float32Array([1, 2]);

  it('auto mode upserts when the collection takes keys from records and inserts when it assigns them', () => {
    assert.equal(resolveWriteOperation('auto', collection(fields)), 'upsert');
    assert.equal(resolveWriteOperation('auto', collection(fields, { pk: autoId })), 'insert');
    assert.equal(resolveWriteOperation('insert', collection(fields)), 'insert');
  });

  it('leaves an autoID primary key out of inserted rows, even when the record carries one', () => {
    const schema = collection(fields, { pk: autoId });
    const options = { ...UPSERT, operation: 'insert' } as const;
    assert.deepEqual(recordToRow(record({ pk: 5, v: [1, 2] }), schema, options), { v: VECTOR });
    assert.deepEqual(recordToRow(record({ v: [1, 2] }), schema, options), { v: VECTOR });
  });

  it('keeps the autoID key for upserts and for collections with allow_insert_auto_id', () => {
    assert.deepEqual(recordToRow(record({ pk: 5, v: [1, 2] }), collection(fields, { pk: autoId }), UPSERT), { pk: 5, v: VECTOR });
    const allowing = collection(fields, { pk: autoId, allowInsertAutoId: true });
    assert.deepEqual(recordToRow(record({ pk: 5, v: [1, 2] }), allowing, { ...UPSERT, operation: 'insert' }), { pk: 5, v: VECTOR });
  });

  it('requires the key for upserts and explains where it can come from', () => {
    assert.throws(() => recordToRow(record({ v: [1, 2] }), collection(fields), UPSERT), {
      message: 'Missing value for field "id" (Int64) in topic_0[0]@42: the primary key is required to upsert (set pk.mode=key to take it from the record key)',
    });
  });

  it('pk.mode=key takes the key from a primitive record key, a struct key with that field, or a single-field key', () => {
    const schema = collection(fields);
    const options = { ...UPSERT, pkMode: 'key' } as const;
    assert.deepEqual(recordToRow(record({ id: 1, v: [1, 2] }, { key: '7' }), schema, options), { id: 7, v: VECTOR });
    assert.deepEqual(recordToRow(record({ v: [1, 2] }, { key: { id: 8, other: 1 } }), schema, options), { id: 8, v: VECTOR });
    assert.deepEqual(recordToRow(record({ v: [1, 2] }, { key: { anything: 9n } }), schema, options), { id: 9, v: VECTOR });
    assert.throws(() => recordToRow(record({ v: [1, 2] }, { key: { a: 1, b: 2 } }), schema, options), /the record key has no field "id" and 2 fields/);
    assert.throws(() => recordToRow(record({ id: 1, v: [1, 2] }), schema, options), /pk\.mode=key\), and the key is null/);
  });

  it('pk.mode=key_if_missing prefers the value and falls back to the record key', () => {
    const schema = collection(fields);
    const options = { ...UPSERT, pkMode: 'key_if_missing' } as const;
    assert.deepEqual(recordToRow(record({ id: 1, v: [1, 2] }, { key: 7 }), schema, options), { id: 1, v: VECTOR });
    assert.deepEqual(recordToRow(record({ v: [1, 2] }, { key: 7 }), schema, options), { id: 7, v: VECTOR });
  });

  it('converts a VarChar primary key like any VarChar', () => {
    const schema = collection([], { pk: { name: 'doc', data_type: 'VarChar', max_length: '4', is_primary_key: true } });
    assert.deepEqual(recordToRow(record({ doc: 12 }), schema, UPSERT), { doc: '12' });
    assert.throws(() => recordToRow(record({ doc: 'toolong' }), schema, UPSERT), /the text is 7 bytes long/);
  });
});

describe('function output fields', () => {
  it('are never written, even when the record has a value for them', () => {
    const schema = collection([
      { name: 'text', data_type: 'VarChar', max_length: '100' },
      { name: 'sparse', data_type: 'SparseFloatVector', is_function_output: true },
    ]);
    assert.deepEqual(recordToRow(record({ id: 1, text: 'hello', sparse: { '1': 0.5 } }), schema, { ...UPSERT, dynamicFields: 'error' }), {
      id: 1,
      text: 'hello',
    });
  });
});

describe('dynamic.fields', () => {
  const fields: DescribedField[] = [{ name: 'title', data_type: 'VarChar', max_length: '8' }];
  const value = { id: 1, title: 'a', color: 'red', size: 9007199254740993n };

  it('drop (the default, like the original) leaves unknown fields out', () => {
    assert.deepEqual(recordToRow(record({ id: 1, title: 'a', color: 'red' }), collection(fields, { dynamic: true }), UPSERT), { id: 1, title: 'a' });
  });

  it('error makes a record with unknown fields bad data, listing them', () => {
    assert.throws(() => recordToRow(record({ ...value, size: 1 }), collection(fields), { ...UPSERT, dynamicFields: 'error' }), {
      name: 'DataError',
      message:
        'The value of topic_0[0]@42 has fields that collection docs does not have: "color", "size" (dynamic.fields=error; use drop to ignore them or meta to keep them in the dynamic field)',
    });
  });

  it('meta keeps unknown fields in the row for the SDK to put into $meta, as JSON data', () => {
    const schema = collection(fields, { dynamic: true });
    const row = recordToRow(record({ id: 1, title: 'a', color: 'red', when: new Date(0) }), schema, { ...UPSERT, dynamicFields: 'meta' });
    assert.deepEqual(row, { id: 1, title: 'a', color: 'red', when: '1970-01-01T00:00:00.000Z' });
    assert.throws(() => recordToRow(record(value), schema, { ...UPSERT, dynamicFields: 'meta' }), /dynamic field "size".*9007199254740993/);
    assert.throws(() => recordToRow(record({ id: 1, title: 'a', $meta: {} }), schema, { ...UPSERT, dynamicFields: 'meta' }), /"\$meta", which is reserved/);
  });

  it('meta on a collection without the dynamic field is a configuration error, not bad data', () => {
    assert.throws(
      () => recordToRow(record(value), collection(fields), { ...UPSERT, dynamicFields: 'meta' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /dynamic\.fields=meta needs a collection with the dynamic field enabled, and collection docs has none/);
        return true;
      },
    );
  });
});

describe('primaryKeyFromRecordKey (tombstones with delete.enabled)', () => {
  const schema = collection([]);

  it('converts the key like the primary key field', () => {
    assert.equal(primaryKeyFromRecordKey(record(null, { key: '9007199254740993' }), schema), '9007199254740993');
    assert.equal(primaryKeyFromRecordKey(record(null, { key: { id: 5 } }), schema), 5);
  });

  it('fails clearly when the key is null or unusable', () => {
    assert.throws(() => primaryKeyFromRecordKey(record(null), schema), /a tombstone is deleted by the primary key in its record key, and the key is null/);
    assert.throws(() => primaryKeyFromRecordKey(record(null, { key: new Uint8Array([1]) }), schema), /the record key is raw bytes/);
    assert.throws(() => primaryKeyFromRecordKey(record(null, { key: 'abc' }), schema), /expected an integer, got "abc"/);
  });
});
