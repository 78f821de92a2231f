import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileJsonSchema, readJsonSchema, type JsonSchemaDataOptions } from '../../../src/converters/registry/json-schema-data.js';
import { DataError, type Schema } from '../../../src/plugin/index.js';

const DEFAULTS: JsonSchemaDataOptions = { useOptionalForNonRequired: false, generalizedSumTypeSupport: false };

const read = (schema: object, document: string, options = DEFAULTS) =>
  readJsonSchema(compileJsonSchema(JSON.stringify(schema), [], options), Buffer.from(document));
const field = (schema: Schema | null, name: string): Schema => schema!.fields!.find((f) => f.name === name)!.schema;

const VEC = {
  type: 'object',
  title: 'Vec',
  properties: {
    id: { type: 'integer' },
    vector: { type: 'array', items: { type: 'number' } },
    tag: { oneOf: [{ type: 'null' }, { type: 'string' }] },
    small: { type: 'integer', 'connect.type': 'int16' },
    at: { type: 'integer', 'connect.type': 'int64', title: 'org.apache.kafka.connect.data.Timestamp' },
    price: { type: 'number', 'connect.type': 'bytes', title: 'org.apache.kafka.connect.data.Decimal', 'connect.parameters': { scale: '2' } },
  },
  required: ['id', 'vector'],
};

describe('JSON Schema → Connect, as JsonSchemaData maps it by default', () => {
  test('an object is a struct named by its title; integer is int64, number float64; connect.type and logical titles refine them', () => {
    const { schema, value } = read(VEC, '{"id": 9007199254740993, "vector": [0.5, 1], "tag": "a", "small": 3, "at": 1700000000000, "price": 12.34}');
    assert.equal(schema!.name, 'Vec');
    assert.deepEqual(
      schema!.fields!.map((f) => [f.name, f.schema.type, f.schema.optional]),
      [
        ['id', 'int64', false],
        ['vector', 'array', false],
        ['tag', 'string', true],
        ['small', 'int16', false],
        ['at', 'int64', false],
        ['price', 'bytes', false],
      ],
    );
    assert.equal(field(schema, 'vector').valueSchema!.type, 'float64');
    assert.deepEqual(value, { id: 9007199254740993n, vector: [0.5, 1], tag: 'a', small: 3, at: new Date(1_700_000_000_000), price: '12.34' });
  });

  test('a Decimal comes as a JSON number or as base64 of its unscaled value', () => {
    // 0x3039 = 12345 at scale 2
    assert.equal((read(VEC, '{"id": 1, "vector": [], "price": "MDk="}').value as { price: unknown }).price, '123.45');
    assert.equal((read(VEC, '{"id": 1, "vector": [], "price": 1.5e-7}').value as { price: unknown }).price, '0.00000015');
  });

  test('a property missing from the document reads as null, as in Confluent; an explicit null for a required one is an error', () => {
    assert.deepEqual(read(VEC, '{"id": 1, "vector": []}').value, { id: 1, vector: [], tag: null, small: null, at: null, price: null });
    assert.throws(
      () => read(VEC, '{"id": null, "vector": []}'),
      (e: Error) => e instanceof DataError && /Invalid null value for required INT64 field at id/.test(e.message),
    );
  });

  test('use.optional.for.nonrequired makes the properties not listed in required optional', () => {
    const { schema } = read(VEC, '{"id": 1, "vector": []}', { ...DEFAULTS, useOptionalForNonRequired: true });
    assert.equal(field(schema, 'small').optional, true);
    assert.equal(field(schema, 'id').optional, false);
  });

  test('a value of the wrong JSON type is an error naming where, not a silent 0', () => {
    assert.throws(() => read(VEC, '{"id": "one", "vector": []}'), /Expected an int64 at id, found a JSON string/);
    assert.throws(() => read(VEC, '{"id": 1, "vector": [0.5, "x"]}'), /Expected a number at vector\[1\], found a JSON string/);
  });

  test('local $refs are followed; other unions become io.confluent.connect.json.OneOf structs; enums are strings', () => {
    const schema = {
      type: 'object',
      definitions: { Point: { type: 'object', properties: { x: { type: 'number' } } } },
      properties: {
        at: { $ref: '#/definitions/Point' },
        either: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        color: { enum: ['RED', 'GREEN'] },
        counts: { type: 'object', 'connect.type': 'map', additionalProperties: { type: 'integer' } },
      },
    };
    const { schema: connect, value } = read(schema, '{"at": {"x": 1.5}, "either": 4, "color": "GREEN", "counts": {"a": 1}}');
    assert.equal(field(connect, 'at').type, 'struct');
    assert.equal(field(connect, 'either').name, 'io.confluent.connect.json.OneOf');
    assert.deepEqual(field(connect, 'color').parameters, {
      'io.confluent.connect.json.Enum': '',
      'io.confluent.connect.json.Enum.RED': 'RED',
      'io.confluent.connect.json.Enum.GREEN': 'GREEN',
    });
    assert.equal(field(connect, 'counts').type, 'map');
    assert.deepEqual(value, {
      at: { x: 1.5 },
      either: { 'io.confluent.connect.json.OneOf.field.0': null, 'io.confluent.connect.json.OneOf.field.1': 4 },
      color: 'GREEN',
      counts: { a: 1 },
    });
  });

  test('what a Connect schema cannot hold is refused when the schema is compiled', () => {
    const recursive = { type: 'object', properties: { next: { $ref: '#' } } };
    assert.throws(() => compileJsonSchema(JSON.stringify(recursive), [], DEFAULTS), /Recursive JSON Schemas are not supported/);
    assert.throws(() => compileJsonSchema(JSON.stringify({ type: 'object', properties: { any: {} } }), [], DEFAULTS), /accept any value/);
    assert.throws(
      () => compileJsonSchema('{"type": "object", "properties": {"x": {"$ref": "other.json"}}}', [], DEFAULTS),
      /names neither a local definition nor a reference/,
    );
  });
});
