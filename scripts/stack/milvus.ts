import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectMilvus } from '../../src/connectors/milvus/client/milvus-client.js';
import { StackError } from './errors.js';
import type { RunPaths } from './paths.js';
import { HOST } from './ports.js';
import { logTail, ownedAlive, spawnDetached } from './processes.js';

/**
 * Starts the C++ `milvus` binary from the Milvus Lite wheel directly on a TCP address, the way
 * milvus-lite's own `Server(db, address)` does: `milvus <db file> <address> <log level>`. Without
 * the optional lock-file argument it serves until it is signalled.
 */
export function startMilvus(milvusLib: string, paths: RunPaths, port: number): number {
  const inherited = process.env.LD_LIBRARY_PATH;
  return spawnDetached(join(milvusLib, 'milvus'), [paths.milvusDb, `${HOST}:${port}`, 'ERROR'], {
    cwd: paths.milvusData,
    env: { ...process.env, LD_LIBRARY_PATH: inherited ? `${milvusLib}:${inherited}` : milvusLib },
    logFile: paths.milvusLog,
  });
}

/**
 * Ready means a real RPC succeeds: `listCollections`. Milvus Lite has neither GetVersion nor
 * CheckHealth, and an open port alone does not prove the service is registered.
 */
export async function waitForMilvus(address: string, pid: number, paths: RunPaths, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt yet';
  while (Date.now() < deadline) {
    if (!ownedAlive(pid, paths.root)) {
      throw new StackError(`Milvus Lite (pid ${pid}) exited during startup. ${paths.milvusLog}:\n${logTail(paths.milvusLog)}`);
    }
    try {
      const client = await connectMilvus({ endpoint: address, timeoutMs: 2_000 });
      try {
        const result = await client.listCollections();
        if (result.status?.error_code === 'Success') return;
        lastError = `listCollections answered ${result.status?.error_code}: ${result.status?.reason}`;
      } finally {
        await client.closeConnection().catch(() => undefined);
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(300);
  }
  throw new StackError(
    `Milvus at ${address} was not ready within ${timeoutMs / 1000} s (last error: ${lastError}). ${paths.milvusLog}:\n${logTail(paths.milvusLog)}`,
  );
}
