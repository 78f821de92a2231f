import { createServer } from 'node:net';
import { StackError } from './errors.js';

export const HOST = '127.0.0.1';

/** An ephemeral port the OS considers free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a fixed port can be bound on 127.0.0.1. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

export interface PortRequest {
  /** A fixed port from the environment or the command line, or undefined to pick a free one. */
  fixed: number | undefined;
  label: string;
}

/**
 * Picks one port per request, never one in `taken` (ports other instances reserved but may not
 * have bound yet) and never the same twice. Fixed ports must be free, or the developer gets told
 * which service is in the way instead of a broker that dies on bind.
 */
export async function allocatePorts(requests: PortRequest[], taken: Set<number>): Promise<number[]> {
  const chosen: number[] = [];
  for (const { fixed, label } of requests) {
    if (fixed !== undefined) {
      if (chosen.includes(fixed) || taken.has(fixed) || !(await portFree(fixed))) {
        throw new StackError(`Port ${fixed} for ${label} is already in use on ${HOST}; choose another or leave it unset to pick a free one.`);
      }
      chosen.push(fixed);
      continue;
    }
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      if (!chosen.includes(port) && !taken.has(port)) {
        chosen.push(port);
        break;
      }
      if (attempt > 50) throw new StackError(`Could not find a free port for ${label}.`);
    }
  }
  return chosen;
}

/** Reads a port from the environment; undefined when unset. */
export function envPort(env: NodeJS.ProcessEnv, key: string): number | undefined {
  const raw = env[key]?.trim();
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StackError(`${key}=${raw} is not a port number (1-65535).`);
  }
  return port;
}
