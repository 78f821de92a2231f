/**
 * Every Milvus client the sink opens is closed by its owner, channels and all: validations, task
 * starts and stops (through the shared-clients cache) leave no socket to Milvus behind, and a validation
 * of an endpoint that never answers does not keep dialling it.
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { MILVUS_SINK_CONFIG_DEF } from '../../src/connectors/milvus/milvus-sink-config.js';
import { MilvusSinkConnector } from '../../src/connectors/milvus/milvus-sink-connector.js';
import { MilvusSinkTask } from '../../src/connectors/milvus/milvus-sink-task.js';
import { sharedMilvusClients } from '../../src/connectors/milvus/client/shared-clients.js';
import { uniqueName } from '../helpers/stack.js';
import { settledSocketsToPort, socketsToPort } from '../helpers/sockets.js';
import { testContext } from '../connectors/milvus/fixtures.js';
import { createCollection, milvus, milvusAddress, sinkProps } from './milvus-sink-fixture.js';

const MILVUS_PORT = Number(milvusAddress.split(':').at(-1));
const ROUNDS = 8;
/** grpc-js may keep a socket or two half-closed for a moment; a leak grows by two per round */
const SLACK = 2;
/** longer than the channels' 5 s reconnect backoff cap (milvus-client.ts): a leaked channel dials again within it */
const REDIAL_WINDOW_MS = 6_000;

test(`${ROUNDS} validations and ${ROUNDS} task starts and stops leave the sockets to Milvus where they were`, async (t) => {
  const client = await milvus();
  const name = uniqueName('it_sockets');
  await createCollection(t, client, name, [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
  ]);
  const before = socketsToPort(MILVUS_PORT);
  const props = sinkProps(name);
  for (let i = 0; i < ROUNDS; i++) {
    const values = await new MilvusSinkConnector().validate(props, MILVUS_SINK_CONFIG_DEF.validateAll(props));
    assert.deepEqual(
      [...values.values()].flatMap((v) => v.errors),
      [],
    );
    const task = new MilvusSinkTask();
    await task.start(props, testContext([{ topic: 'vectors', partition: 0 }], `sockets-${i}`));
    await task.stop();
  }
  assert.equal(sharedMilvusClients.size, 0, 'the last task to stop closed the shared client');
  const after = await settledSocketsToPort(MILVUS_PORT, before + SLACK);
  assert.ok(after <= before + SLACK, `sockets to Milvus: ${before} before, ${after} after ${ROUNDS} rounds`);
});

test('a validation of an endpoint that never answers stops dialling it once it is over', async (t) => {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const { port } = server.address() as { port: number };
  const props = sinkProps('c', { 'public.endpoint': `127.0.0.1:${port}` });
  await new MilvusSinkConnector().validate(props, MILVUS_SINK_CONFIG_DEF.validateAll(props));
  const dialled = connections;
  // nothing to wait for but the absence of a redial: give a leaked channel its full backoff to show itself
  await new Promise((resolve) => setTimeout(resolve, REDIAL_WINDOW_MS));
  assert.equal(connections, dialled, 'no connection to the endpoint after the validation ended');
  // grpc-js (1.14) does not abort a handshake still waiting for the server's HTTP/2 settings when its
  // channel closes: that one socket stays until the server closes it, but nothing dials again
  assert.ok(socketsToPort(port) <= dialled, `${socketsToPort(port)} sockets open to the endpoint`);
});
