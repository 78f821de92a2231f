/**
 * Connections to Milvus outlive quiet spells. The Node SDK's own keepalive pings every 10 s even when
 * no call is open; Milvus Lite (gRPC's C++ core) takes the third such ping as abuse and closes the
 * connection with GOAWAY `too_many_pings`, within a minute of idling. Our clients ping as the Java
 * SDK does (milvus-client.ts CHANNEL_OPTIONS): never while no call is open.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { connectivityState, type Client } from '@grpc/grpc-js';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectMilvus } from '../../src/connectors/milvus/client/milvus-client.js';
import { routeGrpcLogs } from '../../src/connectors/milvus/client/grpc-logging.js';
import { stackAddresses } from '../helpers/stack.js';

const { milvusAddress } = stackAddresses();

/** Longer than the three 10 s pings that got a connection of the SDK's defaults cut. */
const QUIET_MS = 45_000;

/** The connectivity state of every channel in the client's pool (all of them borrowed at once, then returned). */
async function channelStates(client: MilvusClient): Promise<string[]> {
  const pool = client.channelPool;
  const channels: Client[] = await Promise.all(Array.from({ length: pool.size }, () => pool.acquire()));
  try {
    return channels.map((grpc) => connectivityState[grpc.getChannel().getConnectivityState(false)]);
  } finally {
    await Promise.all(channels.map((grpc) => pool.release(grpc)));
  }
}

test('a client that stays quiet keeps every connection open and hears no complaint from the server', { timeout: QUIET_MS + 30_000 }, async (t) => {
  const grpcErrors: string[] = [];
  const ignore = () => {};
  routeGrpcLogs({ error: (message) => void grpcErrors.push(String(message)), warn: ignore, info: ignore, debug: ignore });
  const client = await connectMilvus({ endpoint: `http://${milvusAddress}` });
  t.after(() => client.closeConnection());
  await client.listCollections();
  const before = await channelStates(client);
  assert.ok(before.length > 0 && before.every((state) => state === 'READY'), `channels before the quiet spell: ${before.join(', ')}`);

  await sleep(QUIET_MS);

  assert.deepEqual(grpcErrors, []);
  assert.deepEqual(await channelStates(client), before);
  const answered = await client.listCollections();
  assert.equal(answered.status.error_code, 'Success');
});
