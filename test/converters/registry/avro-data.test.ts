import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import avro from 'avsc';
import { compileAvro, readAvro, type AvroDataOptions } from '../../../src/converters/registry/avro-data.js';
import type { ResolvedReference } from '../../../src/converters/registry/registry-client.js';
import { DataError, type Schema } from '../../../src/plugin/index.js';

const DEFAULTS: AvroDataOptions = { connectMetaData: true, enhancedSchemaSupport: false, generalizedSumTypeSupport: false, flattenSingletonUnions: true };

/** Writes `value` with avsc (the producer's side) and reads it back through the converter's compiled schema. */
function roundTrip(schema: object, value: unknown, options: AvroDataOptions = DEFAULTS, references: ResolvedReference[] = []) {
  const compiled = compileAvro(JSON.stringify(schema), references, options);
  const writer = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true, registry: references.length ? registryOf(references) : {} });
  return readAvro(compiled, writer.toBuffer(value));
}

function registryOf(references: ResolvedReference[]): Record<string, avro.Type> {
  const registry: Record<string, avro.Type> = {};
  for (const ref of references) avro.Type.forSchema(JSON.parse(ref.schema), { wrapUnions: true, registry });
  return registry;
}

const field = (schema: Schema | null, name: string): Schema => schema!.fields!.find((f) => f.name === name)!.schema;

describe('Avro → Connect, as AvroData maps it', () => {
  test('a record is a struct named by its full name; a float array reaches the sink as numbers', () => {
    const { schema, value } = roundTrip(
      {
        type: 'record',
        name: 'Vec',
        namespace: 'demo',
        fields: [
          { name: 'id', type: 'long' },
          { name: 'vector', type: { type: 'array', items: 'float' } },
          { name: 'title', type: 'string' },
          { name: 'ok', type: 'boolean' },
          { name: 'score', type: 'double' },
        ],
      },
      { id: 7, vector: [0.5, -1.25], title: 'seven', ok: true, score: 0.1 },
    );
    assert.equal(schema!.type, 'struct');
    assert.equal(schema!.name, 'demo.Vec');
    assert.deepEqual(
      schema!.fields!.map((f) => [f.name, f.schema.type, f.schema.optional]),
      [
        ['id', 'int64', false],
        ['vector', 'array', false],
        ['title', 'string', false],
        ['ok', 'boolean', false],
        ['score', 'float64', false],
      ],
    );
    assert.equal(field(schema, 'vector').valueSchema!.type, 'float32');
    assert.deepEqual(value, { id: 7, vector: [0.5, -1.25], title: 'seven', ok: true, score: 0.1 });
  });

  test('logical types: decimal, date, time-millis and timestamp-millis become Connect logical types; the micros types stay int64', () => {
    const { schema, value } = roundTrip(
      {
        type: 'record',
        name: 'L',
        fields: [
          { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
          { name: 'exact', type: { type: 'fixed', name: 'D8', size: 8, logicalType: 'decimal', precision: 64, scale: 0 } },
          { name: 'day', type: { type: 'int', logicalType: 'date' } },
          { name: 'clock', type: { type: 'int', logicalType: 'time-millis' } },
          { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
          { name: 'clockMicros', type: { type: 'long', logicalType: 'time-micros' } },
          { name: 'atMicros', type: { type: 'long', logicalType: 'timestamp-micros' } },
          { name: 'uid', type: { type: 'string', logicalType: 'uuid' } },
        ],
      },
      {
        price: Buffer.from([0xcf, 0xc7]), // -12345 → -123.45
        exact: Buffer.from([0, 0, 0, 0, 0, 0, 0x30, 0x39]),
        day: 19000,
        clock: 3_600_000,
        at: 1_700_000_000_123,
        clockMicros: 3_600_000_001,
        atMicros: 1_700_000_000_123_456,
        uid: '2f1e…',
      },
    );
    assert.deepEqual(field(schema, 'price'), {
      type: 'bytes',
      optional: false,
      name: 'org.apache.kafka.connect.data.Decimal',
      version: 1,
      parameters: { scale: '2', 'connect.decimal.precision': '10' },
    });
    assert.deepEqual(field(schema, 'exact').parameters, { scale: '0', 'connect.fixed.size': '8' }, 'precision 64 is the default, so not a parameter');
    assert.equal(field(schema, 'day').name, 'org.apache.kafka.connect.data.Date');
    assert.equal(field(schema, 'clock').name, 'org.apache.kafka.connect.data.Time');
    assert.equal(field(schema, 'at').name, 'org.apache.kafka.connect.data.Timestamp');
    assert.deepEqual(field(schema, 'clockMicros'), { type: 'int64', optional: false });
    assert.deepEqual(field(schema, 'atMicros'), { type: 'int64', optional: false });
    assert.deepEqual(field(schema, 'uid'), { type: 'string', optional: false });
    const v = value as Record<string, unknown>;
    assert.equal(v.price, '-123.45');
    assert.equal(v.exact, '12345');
    assert.deepEqual(v.day, new Date('2022-01-08T00:00:00Z'));
    assert.deepEqual(v.clock, new Date(3_600_000));
    assert.deepEqual(v.at, new Date(1_700_000_000_123));
    assert.equal(v.clockMicros, 3_600_000_001);
    assert.equal(v.atMicros, 1_700_000_000_123_456);
  });

  test('int64 beyond 2^53 arrives as a bigint, never rounded', () => {
    const compiled = compileAvro(JSON.stringify({ type: 'record', name: 'B', fields: [{ name: 'n', type: 'long' }] }), [], DEFAULTS);
    // Avro's zigzag varint of 2^62 + 1, which avsc's default long type refuses to write
    const bytes: number[] = [];
    for (let z = (2n ** 62n + 1n) << 1n; ; z >>= 7n) {
      if (z < 0x80n) {
        bytes.push(Number(z));
        break;
      }
      bytes.push(Number(z & 0x7fn) | 0x80);
    }
    assert.deepEqual(readAvro(compiled, Buffer.from(bytes)).value, { n: 2n ** 62n + 1n });
  });

  test('[null, T] is an optional T; other unions are io.confluent.connect.avro.Union structs with one optional field per branch', () => {
    const { schema, value } = roundTrip(
      {
        type: 'record',
        name: 'U',
        fields: [
          { name: 'tag', type: ['null', 'string'], default: null },
          { name: 'either', type: ['null', 'int', 'string', { type: 'record', name: 'Point', namespace: 'geo', fields: [{ name: 'x', type: 'int' }] }] },
        ],
      },
      { tag: { string: 'a' }, either: { 'geo.Point': { x: 3 } } },
    );
    assert.deepEqual(field(schema, 'tag'), { type: 'string', optional: true });
    const either = field(schema, 'either');
    assert.equal(either.name, 'io.confluent.connect.avro.Union');
    assert.equal(either.optional, true, 'the union has a null branch');
    assert.deepEqual(
      either.fields!.map((f) => [f.name, f.schema.type, f.schema.optional]),
      [
        ['int', 'int32', true],
        ['string', 'string', true],
        ['Point', 'struct', true],
      ],
    );
    assert.deepEqual(value, { tag: 'a', either: { int: null, string: null, Point: { x: 3 } } });
  });

  test('enum is a string carrying its symbols; fixed is bytes with its size; map has string keys; bytes are copied out of the record', () => {
    const schema = {
      type: 'record',
      name: 'E',
      fields: [
        { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'], doc: 'paint' } },
        { name: 'hash', type: { type: 'fixed', name: 'Md5', size: 2 } },
        { name: 'counts', type: { type: 'map', values: 'int' } },
        { name: 'raw', type: 'bytes' },
      ],
    };
    const compiled = compileAvro(JSON.stringify(schema), [], DEFAULTS);
    const payload = avro.Type.forSchema(schema as avro.Schema).toBuffer({ color: 'GREEN', hash: Buffer.from([1, 2]), counts: { a: 1 }, raw: Buffer.from([9]) });
    const { schema: connect, value } = readAvro(compiled, payload);
    assert.deepEqual(field(connect, 'color'), {
      type: 'string',
      optional: false,
      name: 'Color',
      parameters: {
        'io.confluent.connect.avro.Enum': 'Color',
        'io.confluent.connect.avro.Enum.RED': 'RED',
        'io.confluent.connect.avro.Enum.GREEN': 'GREEN',
        'io.confluent.connect.avro.enum.doc.Color': 'paint',
      },
    });
    assert.deepEqual(field(connect, 'hash'), { type: 'bytes', optional: false, name: 'Md5', parameters: { 'connect.fixed.size': '2' } });
    assert.deepEqual(field(connect, 'counts').keySchema, { type: 'string', optional: false });
    const v = value as Record<string, unknown>;
    assert.equal(v.color, 'GREEN');
    assert.deepEqual(v.counts, { a: 1 });
    assert.deepEqual([...(v.raw as Uint8Array)], [9]);
    assert.notEqual((v.raw as Uint8Array).buffer, payload.buffer, 'no view of the fetched record');
  });

  test("connect.* properties written by Confluent's converter come back: name, int16, parameters, defaults", () => {
    const { schema } = roundTrip(
      {
        type: 'record',
        name: 'ConnectDefault',
        namespace: 'io.confluent.connect.avro',
        'connect.name': 'orders.Value',
        'connect.parameters': { owner: 'team-a' },
        fields: [
          { name: 'small', type: { type: 'int', 'connect.type': 'int16' } },
          { name: 'n', type: 'int', default: 5, doc: 'count' },
        ],
      },
      { small: 3, n: 1 },
    );
    assert.equal(schema!.name, 'orders.Value');
    assert.equal(schema!.parameters!.owner, 'team-a');
    assert.equal(schema!.parameters!['io.confluent.connect.avro.field.doc.n'], 'count');
    assert.equal(field(schema, 'small').type, 'int16');
    assert.equal(field(schema, 'n').defaultValue, 5);
  });

  test('named types defined in referenced schemas (other subjects) resolve', () => {
    const point = { type: 'record', name: 'Point', namespace: 'geo', fields: [{ name: 'x', type: 'double' }] };
    const refs: ResolvedReference[] = [{ name: 'geo.Point', subject: 'point', version: 1, schemaType: 'AVRO', schema: JSON.stringify(point), references: [] }];
    const { schema, value } = roundTrip({ type: 'record', name: 'Shape', fields: [{ name: 'at', type: 'geo.Point' }] }, { at: { x: 1.5 } }, DEFAULTS, refs);
    assert.equal(field(schema, 'at').name, 'geo.Point');
    assert.deepEqual(value, { at: { x: 1.5 } });
  });

  test('what a Connect schema cannot hold, or bytes that do not fit the schema, are DataErrors', () => {
    const list = { type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] };
    assert.throws(
      () => compileAvro(JSON.stringify(list), [], DEFAULTS),
      (e: Error) => e instanceof DataError && /Recursive Avro schemas are not supported: record Node/.test(e.message),
    );
    assert.throws(() => compileAvro('{"type":', [], DEFAULTS), /The schema is not JSON/);
    const compiled = compileAvro(JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'n', type: 'long' }] }), [], DEFAULTS);
    assert.throws(() => readAvro(compiled, Buffer.from([2, 0])), /1 bytes are left after the record/);
    assert.throws(() => readAvro(compiled, Buffer.from([0x80])), /ends before the record does/);
  });
});
