import { endianness } from 'node:os';
import protobuf from 'protobufjs';
import sdkProtoModule from '@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js';
import { COLUMN_REQUEST_FIELDS, type ColumnRequest } from './column-request.js';

/**
 * Insert/upsert requests encoded to protobuf bytes here instead of by the SDK's gRPC serializer.
 *
 * The serializer turns a FloatVector column into a protobufjs message element by element: a copy of
 * the whole column as a number array (`FloatArray.fromObject`), then one writer operation object per
 * float. For 1,000 768-dim rows that is 768,000 operation objects and about 60 ms of CPU plus the
 * garbage collection that follows, on the event loop. On the wire a FloatVector is a packed repeated
 * float: the little-endian IEEE 754 bytes of the values, exactly what a Float32Array holds on a
 * little-endian machine. So the column is written as those bytes in one copy, and every other part
 * of the request (header fields, scalar columns, the field's type and name) still goes through the
 * same protobufjs types the SDK uses, loaded from the SDK's own descriptor. A test decodes our bytes
 * and the SDK serializer's bytes for the same rows and compares the two messages.
 *
 * Field numbers are read from the descriptor, not written down here, so a protocol change in a new SDK
 * version changes them in both places at once.
 */

// CommonJS compiled from `export default`: Node's ESM loader hands over module.exports, tsx the default
const descriptor = ((sdkProtoModule as unknown as { default?: unknown }).default ?? sdkProtoModule) as protobuf.INamespace;

/**
 * Only the types a write request needs: the schema and common packages and the two request messages.
 * The whole Milvus API as protobufjs objects would cost ~14 MB of heap for the process's lifetime, this
 * subset ~1 MB.
 */
function writeRequestDescriptor(): protobuf.INamespace {
  type Nested = Record<string, protobuf.AnyNestedObject & { nested?: Nested }>;
  const top = descriptor.nested as Nested;
  const proto = top.milvus.nested!.proto.nested!;
  const service = proto.milvus as protobuf.INamespace & { nested: Nested };
  return {
    nested: {
      google: top.google,
      milvus: {
        nested: {
          proto: {
            nested: {
              common: proto.common,
              schema: proto.schema,
              milvus: { options: service.options, nested: { InsertRequest: service.nested.InsertRequest, UpsertRequest: service.nested.UpsertRequest } },
            },
          },
        },
      },
    },
  };
}

const root = protobuf.Root.fromJSON(writeRequestDescriptor());

// Every field a column request names must exist in the SDK's messages (see COLUMN_REQUEST_FIELDS);
// loading fails otherwise, and fast-write.ts then sends through the SDK's own insert/upsert.
for (const [message, fields] of Object.entries(COLUMN_REQUEST_FIELDS)) {
  const type = root.lookupType(message);
  for (const field of fields) if (!type.fields[field]) throw new Error(`the SDK's ${message} has no field ${field}`);
}
const FieldData = root.lookupType('milvus.proto.schema.FieldData');
const VectorField = root.lookupType('milvus.proto.schema.VectorField');
const FloatArray = root.lookupType('milvus.proto.schema.FloatArray');

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

function tag(type: protobuf.Type, field: string, wireType: number): number {
  const descriptor = type.fields[field];
  if (!descriptor) throw new Error(`the SDK's ${type.fullName} has no field ${field}`);
  return ((descriptor.id << 3) | wireType) >>> 0;
}

function requestType(name: string): { type: protobuf.Type; fieldsDataTag: number } {
  const type = root.lookupType(name);
  return { type, fieldsDataTag: tag(type, 'fields_data', WIRE_LENGTH_DELIMITED) };
}

const REQUEST_TYPES = {
  Insert: requestType('milvus.proto.milvus.InsertRequest'),
  Upsert: requestType('milvus.proto.milvus.UpsertRequest'),
} as const;

export type WriteMethod = keyof typeof REQUEST_TYPES;

const TAG = {
  vectors: tag(FieldData, 'vectors', WIRE_LENGTH_DELIMITED),
  dim: tag(VectorField, 'dim', WIRE_VARINT),
  floatVector: tag(VectorField, 'float_vector', WIRE_LENGTH_DELIMITED),
  floatData: tag(FloatArray, 'data', WIRE_LENGTH_DELIMITED),
};

const LITTLE_ENDIAN = endianness() === 'LE';

/** The packed-float payload: the array's own bytes on little-endian machines, a converted copy otherwise. */
function floatBytes(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

interface FloatVectorColumn {
  readonly vectors: { readonly dim: number; readonly float_vector: { readonly data: Float32Array } };
}

function isFloatVectorColumn(field: Record<string, unknown>): field is Record<string, unknown> & FloatVectorColumn {
  const vectors = field.vectors as { float_vector?: { data?: unknown } } | undefined;
  return vectors?.float_vector?.data instanceof Float32Array;
}

/** Writes one FieldData (without its length prefix) into `writer`. */
function writeField(writer: protobuf.Writer, field: Record<string, unknown>): void {
  if (!isFloatVectorColumn(field)) {
    FieldData.encode(FieldData.fromObject(field), writer);
    return;
  }
  const { vectors, ...rest } = field;
  FieldData.encode(FieldData.fromObject(rest), writer);
  // a message's fields may come in any order on the wire: `vectors` follows the others
  writer.uint32(TAG.vectors).fork();
  writer.uint32(TAG.dim).int64(vectors.dim);
  writer.uint32(TAG.floatVector).fork();
  writer.uint32(TAG.floatData).bytes(floatBytes(vectors.float_vector.data));
  writer.ldelim();
  writer.ldelim();
}

/** The InsertRequest/UpsertRequest bytes for a column request (column-request.ts). */
export function encodeWriteRequest(method: WriteMethod, request: ColumnRequest): Buffer {
  const { type, fieldsDataTag } = REQUEST_TYPES[method];
  const writer = protobuf.Writer.create();
  // every field but the columns, then the columns in order: repeated fields keep the order they arrive in
  type.encode(type.fromObject({ ...request, fields_data: [] }), writer);
  for (const field of request.fields_data) {
    writer.uint32(fieldsDataTag).fork();
    writeField(writer, field as Record<string, unknown>);
    writer.ldelim();
  }
  const bytes = writer.finish();
  // Node's protobufjs writer already returns a Buffer, which is what gRPC sends
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
