import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { ConnectMilvusOptions } from '../../../../src/connectors/milvus/client/milvus-client.js';
import { SharedMilvusClients } from '../../../../src/connectors/milvus/client/shared-clients.js';

interface FakeClient {
  readonly id: number;
  closed: number;
  closeConnection(): Promise<void>;
}

function fakeConnect(fail: (options: ConnectMilvusOptions) => boolean = () => false) {
  const made: FakeClient[] = [];
  const connect = async (options: ConnectMilvusOptions): Promise<MilvusClient> => {
    await new Promise((resolve) => setImmediate(resolve));
    if (fail(options)) throw new Error(`Cannot connect to Milvus at ${options.endpoint}`);
    const client: FakeClient = {
      id: made.length,
      closed: 0,
      async closeConnection() {
        client.closed += 1;
      },
    };
    made.push(client);
    return client as unknown as MilvusClient;
  };
  return { connect, made };
}

const options: ConnectMilvusOptions = { endpoint: 'http://milvus:19530', token: 'root:Milvus', timeoutMs: 1000 };

describe('SharedMilvusClients', () => {
  it('tasks connecting with the same settings, even at the same moment, share one client', async () => {
    const { connect, made } = fakeConnect();
    const clients = new SharedMilvusClients(connect);
    const leases = await Promise.all([clients.acquire(options), clients.acquire({ ...options }), clients.acquire(options)]);
    assert.equal(made.length, 1);
    assert.ok(leases.every((l) => l.client === leases[0].client));
    assert.equal(clients.size, 1);
  });

  it('any other endpoint, token, database, timeout or TLS setting gets a client of its own', async () => {
    const { connect, made } = fakeConnect();
    const clients = new SharedMilvusClients(connect);
    await clients.acquire(options);
    await clients.acquire({ ...options, endpoint: 'http://other:19530' });
    await clients.acquire({ ...options, token: 'user:other' });
    await clients.acquire({ ...options, database: 'db2' });
    await clients.acquire({ ...options, timeoutMs: 2000 });
    await clients.acquire({ ...options, tlsSkipVerify: true });
    await clients.acquire({ ...options, tlsCaPath: '/ca.pem' });
    assert.equal(made.length, 7);
  });

  it('the client is closed when its last holder releases it, once, and a later acquire connects anew', async () => {
    const { connect, made } = fakeConnect();
    const clients = new SharedMilvusClients(connect);
    const a = await clients.acquire(options);
    const b = await clients.acquire(options);
    await a.release();
    await a.release();
    assert.equal(made[0].closed, 0, 'still held by b');
    await b.release();
    assert.equal(made[0].closed, 1);
    assert.equal(clients.size, 0);
    const c = await clients.acquire(options);
    assert.notEqual(c.client, a.client);
    assert.equal(made.length, 2);
  });

  it('a failed connection is reported to every waiting task and not kept: the next acquire tries again', async () => {
    let down = true;
    const { connect, made } = fakeConnect(() => down);
    const clients = new SharedMilvusClients(connect);
    const results = await Promise.allSettled([clients.acquire(options), clients.acquire(options)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.match(String((results[0] as PromiseRejectedResult).reason), /Cannot connect to Milvus at http:\/\/milvus:19530/);
    assert.equal(clients.size, 0);
    down = false;
    const lease = await clients.acquire(options);
    assert.equal(made.length, 1);
    await lease.release();
    assert.equal(made[0].closed, 1);
  });
});
