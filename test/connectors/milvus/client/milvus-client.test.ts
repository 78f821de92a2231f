import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { CONNECT_STATUS, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { acceptConnectWithoutIdentifier, connectMilvus, normaliseEndpoint, tlsOptions } from '../../../../src/connectors/milvus/client/milvus-client.js';

describe('normaliseEndpoint', () => {
  test('http:// means plain gRPC and the scheme is dropped', () => {
    assert.deepEqual(normaliseEndpoint('http://localhost:19530'), { address: 'localhost:19530', ssl: false });
  });

  test('https:// means TLS', () => {
    assert.deepEqual(normaliseEndpoint('https://in01-abc.api.gcp-us-west1.zillizcloud.com:19530'), {
      address: 'in01-abc.api.gcp-us-west1.zillizcloud.com:19530',
      ssl: true,
    });
  });

  test('no scheme means plain gRPC', () => {
    assert.deepEqual(normaliseEndpoint('127.0.0.1:19531'), { address: '127.0.0.1:19531', ssl: false });
  });

  test('trailing slashes and surrounding blanks are ignored', () => {
    assert.deepEqual(normaliseEndpoint('  https://milvus.example.com:443//  '), { address: 'milvus.example.com:443', ssl: true });
    assert.deepEqual(normaliseEndpoint('http://milvus:19530/'), { address: 'milvus:19530', ssl: false });
  });

  test('a missing port means 19530, whatever the scheme', () => {
    assert.deepEqual(normaliseEndpoint('http://milvus'), { address: 'milvus:19530', ssl: false });
    assert.deepEqual(normaliseEndpoint('https://milvus.example.com/'), { address: 'milvus.example.com:19530', ssl: true });
    assert.deepEqual(normaliseEndpoint('milvus'), { address: 'milvus:19530', ssl: false });
  });

  test('a port written equal to the scheme default is kept', () => {
    assert.deepEqual(normaliseEndpoint('http://milvus:80'), { address: 'milvus:80', ssl: false });
    assert.deepEqual(normaliseEndpoint('https://milvus:443'), { address: 'milvus:443', ssl: true });
  });

  test('the scheme is case-insensitive', () => {
    assert.deepEqual(normaliseEndpoint('HTTPS://Milvus.Example.com:19530'), { address: 'milvus.example.com:19530', ssl: true });
  });

  test('IPv6 literals keep their brackets', () => {
    assert.deepEqual(normaliseEndpoint('http://[::1]:19530'), { address: '[::1]:19530', ssl: false });
  });

  test('rejects what gRPC cannot dial, saying why', () => {
    assert.throws(() => normaliseEndpoint(''), /empty/);
    assert.throws(() => normaliseEndpoint('   '), /empty/);
    assert.throws(() => normaliseEndpoint('grpc://milvus:19530'), /use http:\/\/ or https:\/\//);
    assert.throws(() => normaliseEndpoint('https://milvus:19530/v2/vectordb'), /must not have a path/);
    assert.throws(() => normaliseEndpoint('http://milvus:99999'), /not a valid/);
  });
});

describe('acceptConnectWithoutIdentifier (the Milvus Lite fix)', () => {
  const success = { status: { error_code: 'Success', code: 0, reason: '' }, server_info: null, identifier: 0 };
  const fakeClient = (connectStatus: CONNECT_STATUS) => ({ connectStatus }) as unknown as MilvusClient;

  test('a server that answered Connect successfully but without identifier is treated as connected', () => {
    const client = fakeClient(CONNECT_STATUS.UNIMPLEMENTED);
    assert.equal(acceptConnectWithoutIdentifier(client, success), true);
    assert.equal(client.connectStatus, CONNECT_STATUS.CONNECTED);
  });

  test('a server without the Connect RPC (the SDK sees an empty message) keeps the SDK refusal', () => {
    const client = fakeClient(CONNECT_STATUS.UNIMPLEMENTED);
    assert.equal(acceptConnectWithoutIdentifier(client, {}), false);
    assert.equal(acceptConnectWithoutIdentifier(client, undefined), false);
    assert.equal(client.connectStatus, CONNECT_STATUS.UNIMPLEMENTED);
  });

  test('a Connect that returned an error status keeps the SDK refusal', () => {
    const client = fakeClient(CONNECT_STATUS.UNIMPLEMENTED);
    const failed = { status: { error_code: 'UnexpectedError', code: 65535, reason: 'boom' }, identifier: 0 };
    assert.equal(acceptConnectWithoutIdentifier(client, failed), false);
    assert.equal(client.connectStatus, CONNECT_STATUS.UNIMPLEMENTED);
  });

  test('a client the SDK already considers connected, or shut down, is left alone', () => {
    for (const status of [CONNECT_STATUS.CONNECTED, CONNECT_STATUS.SHUTDOWN]) {
      const client = fakeClient(status);
      assert.equal(acceptConnectWithoutIdentifier(client, success), false);
      assert.equal(client.connectStatus, status);
    }
  });
});

describe('connectMilvus', () => {
  test('fails with a message naming the address when nothing listens there', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    await assert.rejects(connectMilvus({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 3_000 }), (error: Error) => {
      assert.match(error.message, new RegExp(`^Cannot connect to Milvus at 127\\.0\\.0\\.1:${port}: `));
      return true;
    });
  });

  test('rejects a malformed endpoint before dialling', async () => {
    await assert.rejects(connectMilvus({ endpoint: 'ftp://milvus' }), /use http:\/\/ or https:\/\//);
  });
});

describe('tlsOptions (milvus.tls.ca, milvus.tls.skip.verify)', () => {
  test('an https:// endpoint gets the CA file and the skip-verify flag', () => {
    assert.deepEqual(tlsOptions(true, { endpoint: 'https://m:19530', tlsCaPath: '/etc/ca.pem', tlsSkipVerify: true }), {
      tls: { rootCertPath: '/etc/ca.pem', skipCertCheck: true },
    });
  });

  test('an http:// endpoint stays plain even with TLS settings (the SDK would switch TLS on for a CA)', () => {
    assert.deepEqual(tlsOptions(false, { endpoint: 'http://m:19530', tlsCaPath: '/etc/ca.pem', tlsSkipVerify: true }), {});
  });

  test('no TLS settings leave the SDK defaults (system CAs, verification on)', () => {
    assert.deepEqual(tlsOptions(true, { endpoint: 'https://m:19530', tlsCaPath: null, tlsSkipVerify: false }), {});
  });
});
