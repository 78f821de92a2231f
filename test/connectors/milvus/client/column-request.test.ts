import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { collectionSchemaFromDescribe, type DescribedCollection, type DescribedField } from '../../../../src/connectors/milvus/rows/collection-schema.js';
import { columnRequest, supportsColumnRequests } from '../../../../src/connectors/milvus/client/column-request.js';
import { MilvusCollection } from '../../../../src/connectors/milvus/client/milvus-collection.js';
import { writeRequest } from '../../../../src/connectors/milvus/client/fast-write.js';
import { recordingLogger, sdkMilvusService } from '../fixtures.js';
import type { Row } from '../../../../src/connectors/milvus/write/sink-op-batch.js';

/** Shaped like the SDK's describeCollection response (after its formatDescribedCol). */
function described(
  fields: Record<string, unknown>[],
  extra: { dynamic?: boolean; properties?: { key: string; value: string }[] } = {},
): DescribedCollection & { status: { error_code: string; code: number; reason: string } } {
  return {
    status: { error_code: 'Success', code: 0, reason: '' },
    collection_name: 'docs',
    schema: {
      name: 'docs',
      enable_dynamic_field: extra.dynamic ?? false,
      fields: fields.map(
        (f) =>
          ({
            is_primary_key: false,
            autoID: false,
            nullable: false,
            default_value: null,
            is_function_output: false,
            element_type: 'None',
            ...f,
          }) as DescribedField,
      ),
    },
    properties: extra.properties ?? [],
    update_timestamp_str: '463528000000000000',
    update_timestamp: '463528000000000000',
  };
}

const ALL_SIMPLE = [
  { name: 'id', data_type: 'Int64', is_primary_key: true },
  { name: 'title', data_type: 'VarChar', max_length: '64' },
  { name: 'flag', data_type: 'Bool' },
  { name: 'i8', data_type: 'Int8' },
  { name: 'i16', data_type: 'Int16' },
  { name: 'i32', data_type: 'Int32' },
  { name: 'f', data_type: 'Float' },
  { name: 'd', data_type: 'Double' },
  { name: 'vector', data_type: 'FloatVector', dim: '4' },
];

function row(id: number | string, vector = [0.25, -0.5, 0.125, 1]): Row {
  return { id, title: `doc ${id}`, flag: Number(id) % 2 === 0, i8: -3, i16: 300, i32: 70000, f: 0.5, d: 1e-9, vector };
}

type Captured = { method: string; params: Record<string, unknown> };

const OK_RESPONSE = { status: { error_code: 'Success', code: 0 }, err_index: [], succ_index: [], IDs: {} };

/**
 * A real MilvusClient (no server) whose gRPC pool records what would be sent, decoded by the SDK's own
 * request deserializer, and whose describe answers `desc`. Calls through the SDK serialize with its
 * serializer; calls with pre-encoded bytes (makeUnaryRequest) with ours.
 */
async function recordingClient(desc: ReturnType<typeof described>): Promise<{ client: MilvusClient; sent: Captured[] }> {
  const service = await sdkMilvusService();
  const client = new MilvusClient({ address: '127.0.0.1:1', __SKIP_CONNECT__: true } as never);
  const sent: Captured[] = [];
  const decode = (method: string, bytes: Buffer) => service[method].requestDeserialize(bytes) as Record<string, unknown>;
  const viaSdk =
    (name: string) =>
    (params: Record<string, unknown>, ...rest: unknown[]) => {
      sent.push({ method: name, params: decode(name, service[name].requestSerialize(params)) });
      (rest.at(-1) as (err: null, res: unknown) => void)(null, OK_RESPONSE);
    };
  class RecordingGrpc {
    static service = service;
    Upsert = viaSdk('Upsert');
    Insert = viaSdk('Insert');
    makeUnaryRequest(
      path: string,
      serialize: (m: unknown) => Buffer,
      _deserialize: unknown,
      message: unknown,
      options: { deadline?: unknown },
      callback: (err: null, res: unknown) => void,
    ) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      // the SDK's interceptors read the deadline as a Date
      assert.ok(options.deadline instanceof Date);
      // the SDK's retry interceptor logs JSON.stringify(message): a summary, not the vectors
      assert.deepEqual(JSON.parse(JSON.stringify(message)), {
        collection_name: 'docs',
        num_rows: (decode(name, serialize(message)) as { num_rows: number }).num_rows,
      });
      sent.push({ method: name, params: decode(name, serialize(message)) });
      callback(null, OK_RESPONSE);
    }
  }
  Object.assign(client, {
    describeCollection: async () => desc,
    channelPool: { acquire: async () => new RecordingGrpc(), release: async () => undefined },
  });
  return { client, sent };
}

describe('columnRequest: the request the SDK would build, column by column', () => {
  for (const mode of ['upsert', 'insert'] as const) {
    it(`${mode}: on the wire, field for field what client.${mode}() sends for the same rows (Int64 as numbers and decimal strings, floats rounded alike)`, async () => {
      const desc = described(ALL_SIMPLE);
      const rows = [
        row(1),
        row('9223372036854775807', [1, 2, 3, 4]),
        row(3, [-0, 1e-30, 3.4e38, -2]),
        row(4, [0.1, 1 / 3, -1e-45, 16777217]),
        row(5, [1, '2.5' as unknown as number, 0, 4]),
        row(6, new Float32Array([0.5, -1, 1e-3, 7]) as unknown as number[]),
      ];
      const viaSdk = await recordingClient(desc);
      await (mode === 'insert' ? viaSdk.client.insert(writeRequest('docs', rows, 5000)) : viaSdk.client.upsert(writeRequest('docs', rows, 5000)));
      const viaColumns = await recordingClient(desc);
      const logger = recordingLogger();
      const writer = new MilvusCollection({ client: viaColumns.client, collection: 'docs', mode, timeoutMs: 5000, logger });
      await writer.describe();
      assert.deepEqual(await writer.write(rows), []);
      assert.deepEqual(logger.lines, [], 'the installed SDK has everything the fast path uses');
      assert.equal(viaColumns.sent.length, 1);
      assert.equal(viaColumns.sent[0].method, viaSdk.sent[0].method);
      assert.deepStrictEqual(viaColumns.sent[0].params, viaSdk.sent[0].params);
      const vector = (viaColumns.sent[0].params.fields_data as { field_name: string; vectors?: { float_vector: { data: number[] } } }[]).find(
        (f) => f.field_name === 'vector',
      );
      assert.deepEqual(vector?.vectors?.float_vector.data.slice(8, 16), [...new Float32Array([-0, 1e-30, 3.4e38, -2, 0.1, 1 / 3, -1e-45, 16777217])]);
    });
  }

  it('covers only collections without dynamic field, autoID, nullable or default columns, function outputs or other types', () => {
    const schema = (fields: Record<string, unknown>[], extra = {}) => collectionSchemaFromDescribe(described(fields, extra));
    assert.equal(supportsColumnRequests(schema(ALL_SIMPLE)), true);
    assert.equal(supportsColumnRequests(schema(ALL_SIMPLE, { dynamic: true })), false);
    assert.equal(supportsColumnRequests(schema([{ name: 'id', data_type: 'Int64', is_primary_key: true, autoID: true }, ALL_SIMPLE[8]])), false);
    assert.equal(supportsColumnRequests(schema([ALL_SIMPLE[0], { name: 'title', data_type: 'VarChar', nullable: true }])), false);
    assert.equal(supportsColumnRequests(schema([ALL_SIMPLE[0], { name: 'n', data_type: 'Int32', default_value: 7 }])), false);
    assert.equal(supportsColumnRequests(schema([ALL_SIMPLE[0], { name: 'meta', data_type: 'JSON' }])), false);
    assert.equal(supportsColumnRequests(schema([ALL_SIMPLE[0], { name: 'tags', data_type: 'Array', element_type: 'Int32', max_capacity: '4' }])), false);
    assert.equal(supportsColumnRequests(schema([ALL_SIMPLE[0], { name: 's', data_type: 'SparseFloatVector' }])), false);
    assert.equal(supportsColumnRequests(schema([ALL_SIMPLE[0], { name: 'b', data_type: 'BinaryVector', dim: '16' }])), false);
    assert.equal(supportsColumnRequests(schema([ALL_SIMPLE[0], { name: 'sparse', data_type: 'SparseFloatVector', is_function_output: true }])), false);
  });

  it('leaves to the SDK any batch with a row that does not fit exactly (missing, extra or undefined field, odd vector)', () => {
    const schema = collectionSchemaFromDescribe(described(ALL_SIMPLE));
    const build = (rows: Row[]) => columnRequest(schema, '1', 'docs', rows, 1000);
    assert.notEqual(build([row(1), row(2)]), null);
    assert.equal(build([]), null);
    const { title: _title, ...missing } = row(2);
    assert.equal(build([row(1), missing]), null);
    assert.equal(build([row(1), { ...row(2), extra: 1 }]), null);
    assert.equal(build([row(1), { ...row(2), title: undefined }]), null);
    assert.equal(build([row(1), row(2, [1, 2, 3])]), null);
    assert.equal(build([row(1), { ...row(2), vector: new Float32Array(3) as unknown as number[] }]), null);
    assert.notEqual(
      build([row(1), { ...row(2), vector: new Float32Array(4) as unknown as number[] }]),
      null,
      'the FloatVector converter produces Float32Arrays',
    );
  });

  it('a batch it leaves out goes through the SDK unchanged, errors included', async () => {
    const { client, sent } = await recordingClient(described(ALL_SIMPLE));
    const writer = new MilvusCollection({ client, collection: 'docs', mode: 'upsert', timeoutMs: 1000, logger: recordingLogger() });
    await writer.describe();
    await assert.rejects(writer.write([{ ...row(1), extra: 1 }]), /field does not exist/);
    assert.equal(sent.length, 0);
  });

  it('a collection it does not cover is written through the SDK', async () => {
    const desc = described([...ALL_SIMPLE, { name: 'meta', data_type: 'JSON' }]);
    const { client, sent } = await recordingClient(desc);
    const writer = new MilvusCollection({ client, collection: 'docs', mode: 'upsert', timeoutMs: 1000, logger: recordingLogger() });
    await writer.describe();
    await writer.write([{ ...row(1), meta: { a: 1 } }]);
    assert.equal(sent.length, 1);
    const meta = (sent[0].params.fields_data as { field_name: string; scalars?: { json_data?: { data: Buffer[] } } }[]).find((f) => f.field_name === 'meta');
    assert.equal(meta?.scalars?.json_data?.data[0].toString(), '{"a":1}');
  });
});
