import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError } from '../../../src/plugin/index.js';
import { peekSchemaId, readFrame, readMessageIndexes } from '../../../src/converters/registry/wire-format.js';

const framed = (id: number, ...payload: number[]) => {
  const bytes = Buffer.alloc(5 + payload.length);
  bytes.writeInt32BE(id, 1);
  bytes.set(payload, 5);
  return bytes;
};

describe("Confluent's wire format", () => {
  test('magic byte 0, a 4-byte big-endian schema id, then the payload (a view, not a copy)', () => {
    const bytes = framed(0x01020304, 9, 8, 7);
    const frame = readFrame(bytes);
    assert.equal(frame.schemaId, 16909060);
    assert.deepEqual([...frame.payload], [9, 8, 7]);
    assert.equal(frame.payload.buffer, bytes.buffer);
    assert.equal(peekSchemaId(bytes), 16909060);
  });

  test('a schema id is a signed int, as Java writes it', () => {
    assert.equal(readFrame(framed(-2)).schemaId, -2);
  });

  test('bytes not in the wire format are a DataError that says what was found', () => {
    assert.throws(
      () => readFrame(Buffer.from('{"id":1}')),
      (e: Error) => e instanceof DataError && /Unknown magic byte!.*first byte is 0x7b/.test(e.message),
    );
    assert.throws(() => readFrame(new Uint8Array(0)), /Unknown magic byte! \(the data is empty/);
    assert.throws(() => readFrame(new Uint8Array([0, 0, 1])), /3 bytes long, shorter than the 5-byte header/);
    assert.equal(peekSchemaId(Buffer.from('{"id":1}')), undefined, 'prepare() skips it; toConnectData reports it');
    assert.equal(peekSchemaId(null), undefined);
  });
});

describe('Protobuf message indexes', () => {
  test('a single 0 byte stands for [0], the first message of the file', () => {
    const { indexes, message } = readMessageIndexes(new Uint8Array([0, 0x08, 0x01]));
    assert.deepEqual(indexes, [0]);
    assert.deepEqual([...message], [0x08, 0x01]);
  });

  test('otherwise a zigzag varint count, then that many zigzag varint indexes', () => {
    // count 2 → 4, indexes 1 → 2 and 0 → 0
    assert.deepEqual(readMessageIndexes(new Uint8Array([4, 2, 0, 0x08])).indexes, [1, 0]);
    // count 1, index 70 → 140: a two-byte varint
    const { indexes, message } = readMessageIndexes(new Uint8Array([2, 0x8c, 0x01, 0x0a]));
    assert.deepEqual(indexes, [70]);
    assert.deepEqual([...message], [0x0a]);
  });

  test('broken indexes are DataErrors', () => {
    assert.throws(() => readMessageIndexes(new Uint8Array([])), /ends inside a varint/);
    assert.throws(() => readMessageIndexes(new Uint8Array([4, 2])), /ends inside a varint/);
    assert.throws(() => readMessageIndexes(new Uint8Array([2, 1])), /index -1/);
    assert.throws(() => readMessageIndexes(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), /longer than 5 bytes/);
  });
});
