import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, test } from 'node:test';
import { StackError } from '../../../scripts/stack/errors.js';
import { allocatePorts, envPort, freePort, portFree } from '../../../scripts/stack/ports.js';

function listen(port = 0): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('port allocation', () => {
  test('picks distinct free ports, avoiding ports other instances reserved', async () => {
    const reserved = await freePort();
    const ports = await allocatePorts(
      [
        { fixed: undefined, label: 'a' },
        { fixed: undefined, label: 'b' },
        { fixed: undefined, label: 'c' },
      ],
      new Set([reserved]),
    );
    assert.equal(new Set(ports).size, 3);
    assert.ok(!ports.includes(reserved));
    for (const port of ports) assert.equal(await portFree(port), true);
  });

  test('a fixed port that is free is used as given', async () => {
    const port = await freePort();
    assert.deepEqual(await allocatePorts([{ fixed: port, label: 'Milvus' }], new Set()), [port]);
  });

  test('a fixed port already in use is refused with a message naming it', async (t) => {
    const server = await listen();
    t.after(() => server.close());
    const { port } = server.address() as { port: number };
    await assert.rejects(allocatePorts([{ fixed: port, label: 'the Kafka broker (STACK_KAFKA_PORT)' }], new Set()), (error: Error) => {
      assert.ok(error instanceof StackError);
      assert.equal(
        error.message,
        `Port ${port} for the Kafka broker (STACK_KAFKA_PORT) is already in use on 127.0.0.1; choose another or leave it unset to pick a free one.`,
      );
      return true;
    });
  });

  test('a fixed port reserved by another instance is refused even if nothing is bound yet', async () => {
    const port = await freePort();
    await assert.rejects(allocatePorts([{ fixed: port, label: 'Milvus' }], new Set([port])), /already in use/);
  });

  test('ports from the environment must be numbers in range', () => {
    assert.equal(envPort({}, 'STACK_MILVUS_PORT'), undefined);
    assert.equal(envPort({ STACK_MILVUS_PORT: ' 19530 ' }, 'STACK_MILVUS_PORT'), 19530);
    assert.throws(() => envPort({ STACK_MILVUS_PORT: 'abc' }, 'STACK_MILVUS_PORT'), /STACK_MILVUS_PORT=abc is not a port number/);
    assert.throws(() => envPort({ STACK_MILVUS_PORT: '70000' }, 'STACK_MILVUS_PORT'), /not a port number/);
  });
});
