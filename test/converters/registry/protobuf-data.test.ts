import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import protobuf from 'protobufjs';
import { compileProtobuf, readProtobuf, type ProtobufDataOptions } from '../../../src/converters/registry/protobuf-data.js';
import type { ResolvedReference } from '../../../src/converters/registry/registry-client.js';
import { DataError, type Schema } from '../../../src/plugin/index.js';

const DEFAULTS: ProtobufDataOptions = { enhancedSchemaSupport: false, intForEnums: false, generateIndexForUnions: true };

const SCHEMA = `syntax = "proto3";
package demo;
import "google/protobuf/timestamp.proto";

message Header { string source = 1; }

message Vec {
  int64 id = 1;
  repeated float vector = 2;
  optional string tag = 3;
  oneof pick { string a = 4; int32 b = 5; }
  map<string, int32> tags = 6;
  google.protobuf.Timestamp at = 7;
  Header header = 8;
  enum Color { RED = 0; GREEN = 1; }
  Color color = 9;
  uint64 big = 10;
  uint32 count = 11;
  bytes raw = 12;
  message Inner { double x = 1; }
}`;

/** The producer's side: protobufjs encodes, prefixed with Confluent's message indexes. */
function encode(typeName: string, value: object, indexes: number[]): Uint8Array {
  const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
  root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
  const type = root.lookupType(typeName);
  const zigzag = (n: number) => (n << 1) ^ (n >> 31);
  const prefix = indexes.length === 1 && indexes[0] === 0 ? [0] : [zigzag(indexes.length), ...indexes.map(zigzag)];
  return Buffer.concat([Buffer.from(prefix), type.encode(type.create(value)).finish()]);
}

const field = (schema: Schema | null, name: string): Schema => schema!.fields!.find((f) => f.name === name)!.schema;

describe('Protobuf → Connect, as ProtobufData maps it by default', () => {
  const compiled = compileProtobuf(SCHEMA, [], DEFAULTS);

  test('message indexes pick the message: [1] is the second top-level message, [1, 0] its first nested one', () => {
    assert.equal(readProtobuf(compiled, encode('demo.Header', { source: 's' }, [0])).schema!.name, 'Header');
    assert.equal(readProtobuf(compiled, encode('demo.Vec', { id: 1 }, [1])).schema!.name, 'Vec');
    const inner = readProtobuf(compiled, encode('demo.Vec.Inner', { x: 2.5 }, [1, 0]));
    assert.deepEqual(inner.value, { x: 2.5 });
    assert.throws(() => readProtobuf(compiled, encode('demo.Header', {}, [5])), /Message index 5 is out of range: the schema has 2 top-level messages/);
  });

  test('fields are optional and tagged; oneofs come first; repeated float is an array of float32', () => {
    const { schema } = readProtobuf(compiled, encode('demo.Vec', { id: 1 }, [1]));
    assert.deepEqual(
      schema!.fields!.map((f) => f.name),
      ['pick_0', 'id', 'vector', 'tag', 'tags', 'at', 'header', 'color', 'big', 'count', 'raw'],
    );
    assert.deepEqual(field(schema, 'id'), { type: 'int64', optional: true, parameters: { 'protobuf.tag': '1' } });
    assert.deepEqual(field(schema, 'vector').valueSchema, { type: 'float32', optional: true });
    assert.equal(field(schema, 'pick_0').name, 'io.confluent.connect.protobuf.Union.pick');
    assert.equal(field(schema, 'at').name, 'org.apache.kafka.connect.data.Timestamp');
    assert.deepEqual(field(schema, 'color').parameters, {
      'io.confluent.connect.protobuf.Enum': 'Color',
      'io.confluent.connect.protobuf.Enum.RED': '0',
      'io.confluent.connect.protobuf.Enum.GREEN': '1',
      'protobuf.tag': '9',
    });
    assert.equal(field(schema, 'big').parameters!['protobuf.type'], 'uint64');
    assert.equal(field(schema, 'count').type, 'int64', 'uint32 needs 64 bits');
    assert.equal(field(schema, 'tags').type, 'map');
  });

  test('values: unset scalars read as their default, unset messages and proto3 optionals as null; 64-bit integers keep their bits', () => {
    const payload = encode(
      'demo.Vec',
      {
        id: '9007199254740993',
        vector: [0.5, 1.5],
        b: 3,
        tags: { k: 2 },
        at: { seconds: 1_700_000_000, nanos: 5_000_000 },
        color: 1,
        big: '18446744073709551615',
        count: 4294967295,
        raw: Buffer.from([7]),
      },
      [1],
    );
    const { value } = readProtobuf(compiled, payload);
    const v = value as Record<string, unknown>;
    assert.equal(v.id, 9007199254740993n);
    assert.deepEqual(v.vector, [0.5, 1.5]);
    assert.equal(v.tag, null, 'proto3 optional, not set');
    assert.equal(v.header, null, 'message field, not set');
    assert.deepEqual(v.pick_0, { a: null, b: 3 });
    assert.deepEqual(v.tags, new Map([['k', 2]]));
    assert.deepEqual(v.at, new Date(1_700_000_000_005));
    assert.equal(v.color, 'GREEN');
    assert.equal(v.big, -1, "uint64 max is -1 as Java's long");
    assert.equal(v.count, 4294967295);
    assert.deepEqual([...(v.raw as Uint8Array)], [7]);
    const empty = readProtobuf(compiled, encode('demo.Vec', {}, [1])).value as Record<string, unknown>;
    assert.deepEqual([empty.id, empty.vector, empty.color, empty.pick_0], [0, [], 'RED', null]);
  });

  test('imports resolve from the references, or from the well-known files Confluent knows', () => {
    const refs: ResolvedReference[] = [
      {
        name: 'shared/point.proto',
        subject: 'point',
        version: 1,
        schemaType: 'PROTOBUF',
        schema: 'syntax = "proto3"; package shared; message Point { double x = 1; }',
        references: [],
      },
    ];
    const withRef = compileProtobuf(
      'syntax = "proto3"; package demo; import "shared/point.proto"; import "google/type/date.proto"; message Shape { shared.Point at = 1; google.type.Date day = 2; }',
      refs,
      DEFAULTS,
    );
    const shape = withRef.resolve([0]);
    assert.equal(field(shape.schema, 'at').name, 'Point');
    assert.equal(field(shape.schema, 'day').name, 'org.apache.kafka.connect.data.Date');
    assert.throws(
      () => compileProtobuf('syntax = "proto3"; import "nowhere.proto"; message A { int32 x = 1; }', [], DEFAULTS),
      (e: Error) => e instanceof DataError && /imports nowhere\.proto, which is neither one of its references nor a well-known file/.test(e.message),
    );
  });

  test('int.for.enums and enhanced.protobuf.schema.support change names and enum values as in Confluent', () => {
    const enhanced = compileProtobuf(SCHEMA, [], { enhancedSchemaSupport: true, intForEnums: true, generateIndexForUnions: false });
    const { schema, value } = readProtobuf(enhanced, encode('demo.Vec', { color: 1, a: 'x' }, [1]));
    assert.equal(schema!.name, 'demo.Vec');
    assert.equal(field(schema, 'color').type, 'int32');
    assert.equal((value as Record<string, unknown>).color, 1);
    assert.deepEqual((value as Record<string, unknown>).pick, { a: 'x', b: null });
  });
});

describe("Message indexes in messages with maps, counted as Confluent counts them (the schema text's nested messages)", () => {
  const encodeWith = (text: string, typeName: string, value: object, indexes: number[]): Uint8Array => {
    const root = protobuf.parse(text, { keepCase: true }).root;
    const type = root.lookupType(typeName);
    const zigzag = (n: number) => (n << 1) ^ (n >> 31);
    return Buffer.concat([Buffer.from([zigzag(indexes.length), ...indexes.map(zigzag)]), type.encode(type.fromObject(value)).finish()]);
  };

  test('a map<…> field adds no nested message: [1, 0] is the first message declared inside, even after the map', () => {
    // protoc would list the generated TagsEntry first; Confluent's ProtobufSchema walks the text, where it is no message
    const text = `syntax = "proto3"; package demo;
      message Header { string source = 1; }
      message Vec { map<string, int32> tags = 1; message Inner { double x = 1; } Inner inner = 2; }`;
    const compiled = compileProtobuf(text, [], DEFAULTS);
    const inner = readProtobuf(compiled, encodeWith(text, 'demo.Vec.Inner', { x: 2.5 }, [1, 0]));
    assert.equal(inner.schema!.name, 'Inner');
    assert.deepEqual(inner.value, { x: 2.5 });
  });

  test('a schema registered from generated classes writes the entry message out: it counts, and its field is still a map', () => {
    // how Confluent's ProtobufSchema prints a descriptor: the entry as a nested message, in protoc's order
    const text = `syntax = "proto3";
package demo;

message Header {
  string source = 1;
}
message Vec {
  repeated .demo.Vec.TagsEntry tags = 1;
  .demo.Vec.Inner inner = 2;

  message TagsEntry {
    option map_entry = true;

    string key = 1;
    int32 value = 2;
  }
  message Inner {
    double x = 1;
  }
}`;
    const compiled = compileProtobuf(text, [], DEFAULTS);
    assert.equal(readProtobuf(compiled, encodeWith(text, 'demo.Vec.Inner', { x: 1 }, [1, 1])).schema!.name, 'Inner');
    assert.equal(readProtobuf(compiled, encodeWith(text, 'demo.Vec.TagsEntry', { key: 'k' }, [1, 0])).schema!.name, 'TagsEntry');
    const vec = readProtobuf(compiled, encodeWith(text, 'demo.Vec', { tags: [{ key: 'a', value: 1 }, { key: 'b' }] }, [1]));
    const tags = field(vec.schema, 'tags');
    assert.equal(tags.type, 'map');
    assert.equal(tags.name, 'tags');
    assert.equal(tags.keySchema!.type, 'string');
    assert.equal(tags.valueSchema!.type, 'int32');
    assert.deepEqual(
      (vec.value as Record<string, unknown>).tags,
      new Map<string, number>([
        ['a', 1],
        ['b', 0],
      ]),
    );
  });

  test('a proto2 group is no nested message to Confluent either', () => {
    const text = 'syntax = "proto2"; package demo; message M { optional group Extra = 1 { optional int32 a = 2; } message N { optional int32 b = 1; } }';
    const compiled = compileProtobuf(text, [], DEFAULTS);
    assert.equal(compiled.resolve([0, 0]).schema.name, 'N');
  });

  test('enhanced.protobuf.schema.support names a map after its entry, fully qualified', () => {
    const text = 'syntax = "proto3"; package demo; message Vec { map<string, int32> my_tags = 1; }';
    const enhanced = compileProtobuf(text, [], { ...DEFAULTS, enhancedSchemaSupport: true });
    assert.equal(field(enhanced.resolve([0]).schema, 'my_tags').name, 'demo.Vec.my_tags');
    assert.equal(field(compileProtobuf(text, [], DEFAULTS).resolve([0]).schema, 'my_tags').name, 'my_tags');
  });
});
