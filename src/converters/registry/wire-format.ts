import { DataError } from '../../plugin/index.js';

/**
 * Confluent's wire format: a magic byte 0, the schema id as a 4-byte big-endian signed integer, then
 * the payload in the schema's format. Protobuf payloads start with the message indexes that locate
 * the record's message type in the schema file (see readMessageIndexes).
 */
export const MAGIC_BYTE = 0;
export const HEADER_SIZE = 5;

export interface Framed {
  readonly schemaId: number;
  /** the bytes after the header: a view, no copy */
  readonly payload: Uint8Array;
}

/** Schema id of framed bytes, or undefined when the bytes are not in the wire format (toConnectData then says why). */
export function peekSchemaId(bytes: Uint8Array | null): number | undefined {
  if (bytes === null || bytes.length < HEADER_SIZE || bytes[0] !== MAGIC_BYTE) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE).getInt32(1, false);
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** Splits framed bytes into schema id and payload; DataError when they are not in the wire format. */
export function readFrame(bytes: Uint8Array): Framed {
  if (bytes.length === 0 || bytes[0] !== MAGIC_BYTE) {
    const first = bytes.length === 0 ? 'the data is empty' : `the first byte is ${hex(bytes[0])}`;
    throw new DataError(
      `Unknown magic byte! (${first}, where Confluent's wire format starts with 0x00): the record was not written by a Schema Registry serializer`,
    );
  }
  if (bytes.length < HEADER_SIZE) {
    throw new DataError(`The data is ${bytes.length} bytes long, shorter than the 5-byte header (magic byte and schema id) of Confluent's wire format`);
  }
  return { schemaId: peekSchemaId(bytes) as number, payload: bytes.subarray(HEADER_SIZE) };
}

export interface MessageIndexes {
  /** path of message indexes into the schema file: [0] is its first top-level message, [1, 0] the first nested message of the second */
  readonly indexes: readonly number[];
  /** the Protobuf message itself */
  readonly message: Uint8Array;
}

/** A zigzag-encoded varint (Kafka's ByteUtils.readVarint) at `offset`: the value and the next offset. */
function readZigZagVarint(bytes: Uint8Array, offset: number): [number, number] {
  let raw = 0;
  let shift = 0;
  for (let i = offset; i < bytes.length; i++) {
    const b = bytes[i];
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [(raw >>> 1) ^ -(raw & 1), i + 1];
    shift += 7;
    if (shift > 28) throw new DataError('Invalid Protobuf message indexes: a varint longer than 5 bytes');
  }
  throw new DataError('Invalid Protobuf message indexes: the data ends inside a varint');
}

/**
 * Confluent's Protobuf framing after the schema id: a zigzag varint count, then that many zigzag
 * varint indexes; a count of 0 (one byte, 0x00) stands for [0], the first message of the file.
 */
export function readMessageIndexes(payload: Uint8Array): MessageIndexes {
  let [count, offset] = readZigZagVarint(payload, 0);
  if (count === 0) return { indexes: [0], message: payload.subarray(offset) };
  if (count < 0 || count > payload.length) throw new DataError(`Invalid Protobuf message indexes: a count of ${count}`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    let index: number;
    [index, offset] = readZigZagVarint(payload, offset);
    if (index < 0) throw new DataError(`Invalid Protobuf message indexes: index ${index}`);
    indexes.push(index);
  }
  return { indexes, message: payload.subarray(offset) };
}
