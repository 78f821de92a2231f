import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback port nothing listens on right now (bound, then released): for a peer that refuses
 * connections, or a listener whose port must be known before it starts (a worker advertising it).
 */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
