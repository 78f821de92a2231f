/**
 * Opens the REST listeners: one Node http or https server per listener URL, each handing its requests
 * to the same Fastify app (Fastify's own server is never started). main.ts decides which app goes on
 * which listeners — the regular one, and a separate admin app when `admin.listeners` lists URLs — and
 * hands over the TLS options it built from the worker config.
 */
import { createServer as createHttpServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';

/** A listener as parsed from `listeners` / `admin.listeners`; an empty host means every interface. */
export interface ListenerAddress {
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

/** TLS server options plus how client certificates are treated (`ssl.client.auth`). */
export interface HttpsOptions extends HttpsServerOptions {
  readonly clientAuth: 'none' | 'requested' | 'required';
}

export interface RestServer {
  /** Where it actually listens (a port 0 resolved), e.g. `https://127.0.0.1:8443`. */
  readonly url: string;
  readonly listener: ListenerAddress;
  /** Stops accepting, closes idle connections, resolves when in-flight requests are done. */
  close(): Promise<void>;
}

function urlOf(protocol: string, address: AddressInfo): string {
  return `${protocol}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/** Fastify's own default: idle keep-alive connections outlive the 60 s idle timeout of common load balancers. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** Servers whose close() has begun: their answers end the keep-alive connection they came on. */
const closing = new WeakSet<Server>();

/**
 * A response class per server that, when its head is written after close() began, ends the keep-alive
 * connection: this covers answers to requests that were already under way when closing began. Cheaper
 * than tracking every response in flight (a set entry and a `close` listener per request).
 */
function responseClassFor(server: () => Server | undefined): typeof ServerResponse<IncomingMessage> {
  class ClosingAwareResponse extends ServerResponse {}
  const writeHead = ServerResponse.prototype.writeHead as (...args: unknown[]) => ServerResponse;
  ClosingAwareResponse.prototype.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const owner = server();
    if (owner !== undefined && closing.has(owner)) this.shouldKeepAlive = false;
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
  return ClosingAwareResponse;
}

function createServerFor(app: FastifyInstance, listener: ListenerAddress, tls: HttpsOptions | null): Server {
  let server: Server | undefined;
  const options = { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, ServerResponse: responseClassFor(() => server) };
  const handle = (req: IncomingMessage, res: ServerResponse) => app.routing(req, res);
  if (listener.protocol === 'http') return (server = createHttpServer(options, handle));
  if (tls === null) throw new Error(`The https listener ${listener.url} has no TLS settings`);
  const { clientAuth, ...tlsOptions } = tls;
  server = createHttpsServer({ ...tlsOptions, ...options }, handle);
  if (clientAuth === 'requested') {
    // like a Java server that "wants" client auth: no certificate is fine, one that does not verify is not
    server.on('secureConnection', (socket: TLSSocket) => {
      if (!socket.authorized && Object.keys(socket.getPeerCertificate()).length > 0) socket.destroy();
    });
  }
  return server;
}

function listenAt(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** An empty host is every interface: IPv6 and IPv4 where the machine has IPv6, else IPv4 only. */
async function listenOn(server: Server, listener: ListenerAddress): Promise<void> {
  if (listener.host !== '') return listenAt(server, listener.host, listener.port);
  try {
    await listenAt(server, '::', listener.port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw e;
    await listenAt(server, '0.0.0.0', listener.port);
  }
}

/** How often a closing server drops the keep-alive connections that became idle since the last look. */
const IDLE_SWEEP_MS = 50;

/**
 * close() alone waits for every keep-alive connection to time out (72 s): a connection busy when
 * closing began turns idle later and would hold shutdown. So idle connections are swept until the
 * server is closed, and answers given meanwhile carry `Connection: close`.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    closing.add(server);
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Serves `app` on every listener. `tls` is asked for once, and only when a listener is https, so
 * http-only workers need no TLS settings. If one listener fails, those already opened are closed.
 */
export async function listenAll(app: FastifyInstance, listeners: readonly ListenerAddress[], tls: () => HttpsOptions): Promise<RestServer[]> {
  await app.ready();
  const httpsOptions = listeners.some((l) => l.protocol === 'https') ? tls() : null;
  const servers: RestServer[] = [];
  try {
    for (const listener of listeners) {
      const server = createServerFor(app, listener, httpsOptions);
      await listenOn(server, listener);
      servers.push({ url: urlOf(listener.protocol, server.address() as AddressInfo), listener, close: () => closeServer(server) });
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    throw e;
  }
  return servers;
}
