import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as milvusSdk from '@zilliz/milvus2-sdk-node';
import type { DescribeCollectionResponse, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { FastWrite, SdkCapabilities, writeRequest, type SdkSurface } from '../../../../src/connectors/milvus/client/fast-write.js';
import type { Row } from '../../../../src/connectors/milvus/write/sink-op-batch.js';
import { recordingLogger } from '../fixtures.js';

const OK = { status: { error_code: 'Success', code: 0, reason: '' }, err_index: [], succ_index: [], IDs: {} };

/** A describe() answer for a collection the fast path covers: Int64 key and a 2-dim FloatVector. */
const DESCRIBED = {
  status: OK.status,
  collection_name: 'docs',
  schema: {
    name: 'docs',
    enable_dynamic_field: false,
    fields: [
      {
        name: 'id',
        data_type: 'Int64',
        is_primary_key: true,
        autoID: false,
        nullable: false,
        default_value: null,
        is_function_output: false,
        element_type: 'None',
      },
      {
        name: 'vector',
        data_type: 'FloatVector',
        dim: '2',
        is_primary_key: false,
        autoID: false,
        nullable: false,
        default_value: null,
        is_function_output: false,
        element_type: 'None',
      },
    ],
  },
  properties: [],
  update_timestamp_str: '1',
  update_timestamp: '1',
} as unknown as DescribeCollectionResponse;

const ROWS: Row[] = [{ id: 1, vector: new Float32Array([0.5, -1]) as unknown as number[] }];

/** The installed SDK's surface, with `change` applied: a fake of an SDK version that lacks one piece. */
function sdkWith(change: Partial<SdkSurface>): SdkCapabilities {
  return new SdkCapabilities({
    withTelemetryLogicalOperation: milvusSdk.withTelemetryLogicalOperation,
    loadEncoder: () => import('../../../../src/connectors/milvus/client/request-encoding.js'),
    ...change,
  });
}

/** The gRPC client the SDK's pool lends: the two method definitions and makeUnaryRequest, recording what is sent. */
function pooledGrpc(methods: readonly string[] = ['Insert', 'Upsert']) {
  const service = Object.fromEntries(methods.map((m) => [m, { path: `/milvus.proto.milvus.MilvusService/${m}`, responseDeserialize: () => OK }]));
  const encoded: string[] = [];
  class Grpc {
    static service = service;
    makeUnaryRequest(
      path: string,
      _serialize: unknown,
      _deserialize: unknown,
      _message: unknown,
      _options: unknown,
      callback: (err: null, res: unknown) => void,
    ) {
      encoded.push(path.slice(path.lastIndexOf('/') + 1));
      callback(null, OK);
    }
  }
  return { grpc: new Grpc(), encoded };
}

/** A client whose pool lends `grpc` (or refuses while `refuse` says so) and whose own insert/upsert are recorded. */
function fakeClient(grpc: object, refuse = () => false) {
  const viaSdk: string[] = [];
  const client = {
    channelPool: {
      acquire: async () => {
        if (refuse()) throw new Error('pool is draining');
        return grpc;
      },
      release: async () => undefined,
    },
    insert: async () => {
      viaSdk.push('insert');
      return OK;
    },
    upsert: async () => {
      viaSdk.push('upsert');
      return OK;
    },
  } as unknown as MilvusClient;
  return { client, viaSdk };
}

function writer(sdk: SdkCapabilities | undefined, logger = recordingLogger(), sdkOnly = false): FastWrite {
  const door = new FastWrite({ collection: 'docs', timeoutMs: 1000, logger, sdkOnly, ...(sdk ? { sdk } : {}) });
  door.useSchema(DESCRIBED);
  return door;
}

describe('the fast write path is used only while the installed SDK has everything it relies on', () => {
  test('with the installed SDK, a covered collection is written as encoded bytes on the pooled gRPC client, without a warning', async () => {
    const { grpc, encoded } = pooledGrpc();
    const { client, viaSdk } = fakeClient(grpc);
    const logger = recordingLogger();
    const door = writer(undefined, logger);
    await door.write(client, 'upsert', ROWS);
    await door.write(client, 'insert', ROWS);
    assert.deepEqual(encoded, ['Upsert', 'Insert']);
    assert.deepEqual(viaSdk, []);
    assert.deepEqual(door.sent, { encoded: 2, sdk: 0 });
    assert.deepEqual(logger.lines, []);
  });

  const gaps: { name: string; sdk: () => SdkCapabilities; methods?: string[]; says: RegExp }[] = [
    {
      name: 'no withTelemetryLogicalOperation export',
      sdk: () => sdkWith({ withTelemetryLogicalOperation: undefined }),
      says: /withTelemetryLogicalOperation/,
    },
    {
      name: 'a proto descriptor the encoder cannot load',
      sdk: () => sdkWith({ loadEncoder: () => Promise.reject(new Error("Cannot find module 'proto-json/milvus.js'")) }),
      says: /proto descriptor.*proto-json\/milvus\.js/,
    },
    { name: 'a gRPC service without the Upsert method', sdk: () => sdkWith({}), methods: ['Insert'], says: /Upsert method definition/ },
  ];
  for (const gap of gaps) {
    test(`an SDK with ${gap.name}: every write goes through the SDK's own insert/upsert, and one warning says why and what it costs`, async () => {
      const sdk = gap.sdk();
      const { grpc, encoded } = pooledGrpc(gap.methods);
      const { client, viaSdk } = fakeClient(grpc);
      const logger = recordingLogger();
      // two writers of one process share its one check
      const first = writer(sdk, logger);
      const second = writer(sdk, logger);
      await Promise.all([first.write(client, 'upsert', ROWS), first.write(client, 'insert', ROWS)]);
      await second.write(client, 'upsert', ROWS);
      assert.deepEqual(encoded, []);
      assert.deepEqual(viaSdk, ['upsert', 'insert', 'upsert']);
      assert.deepEqual(
        [first.sent, second.sent],
        [
          { encoded: 0, sdk: 2 },
          { encoded: 0, sdk: 1 },
        ],
      );
      assert.equal(logger.lines.length, 1);
      assert.equal(logger.lines[0].level, 'warn');
      assert.match(logger.lines[0].msg ?? '', gap.says);
      assert.match(logger.lines[0].msg ?? '', /SDK's own insert\/upsert.*0\.3 s per 1,000 768-dim rows/);
    });
  }

  test('a client without a channel pool also means the SDK path, with one warning', async () => {
    const logger = recordingLogger();
    const door = writer(sdkWith({}), logger);
    const viaSdk: string[] = [];
    const client = {
      upsert: async () => {
        viaSdk.push('upsert');
        return OK;
      },
    } as unknown as MilvusClient;
    await door.write(client, 'upsert', ROWS);
    assert.deepEqual(viaSdk, ['upsert']);
    assert.match(logger.lines[0]?.msg ?? '', /channelPool/);
  });

  test('a pool that refuses a client decides nothing: that write fails, the next one checks again and takes the fast path', async () => {
    const { grpc, encoded } = pooledGrpc();
    let refusing = true;
    const { client, viaSdk } = fakeClient(grpc, () => refusing);
    const logger = recordingLogger();
    const door = writer(sdkWith({}), logger);
    await assert.rejects(door.write(client, 'upsert', ROWS), /pool is draining/);
    refusing = false;
    await door.write(client, 'upsert', ROWS);
    assert.deepEqual(encoded, ['Upsert']);
    assert.deepEqual(viaSdk, []);
    assert.deepEqual(logger.lines, []);
  });

  test('sdkOnly sends everything through the SDK without checking it, and warns of nothing', async () => {
    let checked = false;
    const sdk = sdkWith({
      loadEncoder: () => {
        checked = true;
        return Promise.reject(new Error('not to be loaded'));
      },
    });
    const { grpc } = pooledGrpc();
    const { client, viaSdk } = fakeClient(grpc);
    const logger = recordingLogger();
    await writer(sdk, logger, true).write(client, 'insert', ROWS);
    assert.deepEqual(viaSdk, ['insert']);
    assert.equal(checked, false);
    assert.deepEqual(logger.lines, []);
  });
});

describe("the SDK path's request", () => {
  test("a write request hands rows without typed arrays over untouched but stringifies to a short summary, so the SDK's per-request JSON log line costs nothing", () => {
    const rows = [0, 1, 2].map((id) => ({ id, vector: Array.from({ length: 768 }, (_, i) => i / 768) }));
    const request = writeRequest('docs', rows, 5000);
    assert.deepEqual(request.data, rows);
    for (const [i, row] of request.data.entries()) assert.equal(row, rows[i]);
    assert.equal(request.collection_name, 'docs');
    assert.equal(request.timeout, 5000);
    // what the SDK's _insert sends and its retry interceptor stringifies: the request's own properties plus the columns
    const message: Record<string, unknown> = {
      ...request,
      num_rows: rows.length,
      fields_data: [{ field_name: 'vector', vectors: { float_vector: { data: rows.flatMap((r) => r.vector) } } }],
    };
    delete message.data;
    assert.deepEqual(JSON.parse(JSON.stringify(message)), { collection_name: 'docs', num_rows: 3 });
  });

  test('the SDK gets FloatVectors (Float32Array rows) as plain numbers, so its JSON clone of rows for dynamic-field collections keeps them vectors', () => {
    const vector = new Float32Array([0.1, -2, 3.5]);
    const rows = [{ id: 1, vector, color: 'red' }];
    const request = writeRequest('docs', rows, 5000);
    const sent = request.data[0] as Record<string, unknown>;
    assert.ok(Array.isArray(sent.vector));
    assert.deepEqual(sent.vector, [Math.fround(0.1), -2, 3.5]);
    // the SDK's dynamic-field path: rows cloned through JSON, then the vector spread into the column
    assert.deepEqual(JSON.parse(JSON.stringify(sent)), { id: 1, vector: [Math.fround(0.1), -2, 3.5], color: 'red' });
    assert.equal(rows[0].vector, vector, 'the row itself is unchanged: a retry or fallback sends it again');
  });
});
