import { CONNECT_STATUS, MilvusClient } from '@zilliz/milvus2-sdk-node';

/** Where the SDK should dial, and whether over TLS. */
export interface MilvusEndpoint {
  /** `host:port`, no scheme, no trailing slash. */
  address: string;
  ssl: boolean;
}

export interface ConnectMilvusOptions {
  /** `http://host:port` (plain), `https://host:port` (TLS) or a bare `host[:port]` (plain). */
  endpoint: string;
  /** An API key or `user:password`; never logged. */
  token?: string;
  database?: string;
  /** Bounds the Connect handshake and each later RPC. */
  timeoutMs?: number;
  /** PEM file of the CA that signed the server certificate (https:// endpoints only). */
  tlsCaPath?: string | null;
  /** Accept any server certificate (https:// endpoints only; for tests against self-signed servers). */
  tlsSkipVerify?: boolean;
}

export const DEFAULT_MILVUS_PORT = 19530;
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_RECONNECT_BACKOFF_MS = 5_000;

/**
 * The gRPC channel options every client gets, on top of the SDK's.
 *
 * grpc-js shares connections to one address between all clients of the process, with their
 * reconnect backoff. After an outage, a client made for a restarted task would inherit the failed
 * connection of the task before it and fail at once ("No connection established. Last error: null")
 * although Milvus is back, until that backoff ends. Each client connects on its own instead.
 *
 * grpc-js also lets the wait between reconnect attempts grow to 120 s: after a long outage the
 * sink would spend its retry budget failing fast on a channel that is not even trying, while
 * Milvus is back. A 5 s cap keeps catch-up prompt for a few extra connection attempts.
 *
 * Keepalive is the Java SDK's (ConnectConfig: a ping after 55 s without reads, 20 s to answer it, none
 * while no call is open), which the Java connector runs with. The Node SDK pings every 10 s even
 * on an idle connection; gRPC servers built on the C++ core, Milvus Lite among them, count those
 * as abuse after two and close the connection with GOAWAY `too_many_pings`: measured, each of a
 * client's three pooled channels was cut within 60 s of idling, and grpc-js wrote an error line for
 * each outside the JSON log. Without calls there is nothing for a ping to protect; a connection that
 * died meanwhile fails the next call, which the write's retry policy already covers.
 */
const CHANNEL_OPTIONS = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
  'grpc.keepalive_time_ms': 55_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 0,
} as const;

/**
 * Turns a user-facing endpoint (the connector's `public.endpoint`) into what the SDK dials.
 * The scheme decides TLS: `https://` is TLS, `http://` and no scheme are plain, so a self-hosted
 * `http://` endpoint never gets a TLS handshake it cannot answer. A missing port means Milvus' 19530.
 */
export function normaliseEndpoint(endpoint: string): MilvusEndpoint {
  const trimmed = endpoint.trim();
  if (trimmed === '') throw new Error('Milvus endpoint is empty');
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(trimmed);
  const scheme = match ? match[1].toLowerCase() : undefined;
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new Error(`Milvus endpoint ${trimmed} has scheme ${scheme}://; use http:// or https://`);
  }
  let url: URL;
  try {
    url = new URL(scheme ? trimmed : `http://${trimmed}`);
  } catch {
    throw new Error(`Milvus endpoint ${trimmed} is not a valid host[:port] or URL`);
  }
  if (url.hostname === '') throw new Error(`Milvus endpoint ${trimmed} has no host`);
  if (url.pathname.replace(/\/+$/, '') !== '' || url.search !== '' || url.hash !== '') {
    throw new Error(`Milvus endpoint ${trimmed} must not have a path or query: gRPC dials host:port only`);
  }
  // URL drops a port equal to the scheme's default (80/443); keep what the user actually wrote.
  const written = /:(\d+)\/*$/.exec(trimmed)?.[1];
  const port = url.port !== '' ? url.port : (written ?? String(DEFAULT_MILVUS_PORT));
  return { address: `${url.hostname}:${port}`, ssl: scheme === 'https' };
}

/**
 * The SDK turns TLS on as soon as a CA is given, even for an http:// address; the scheme alone decides
 * here, so TLS settings only ever apply to https:// endpoints.
 */
export function tlsOptions(ssl: boolean, options: ConnectMilvusOptions): { tls?: { rootCertPath?: string; skipCertCheck?: boolean } } {
  if (!ssl || (!options.tlsCaPath && !options.tlsSkipVerify)) return {};
  return {
    tls: {
      ...(options.tlsCaPath ? { rootCertPath: options.tlsCaPath } : {}),
      ...(options.tlsSkipVerify ? { skipCertCheck: true } : {}),
    },
  };
}

/**
 * Opens a MilvusClient and waits for the Connect handshake, so the first real call never races it.
 * Throws (and releases the channel) if the server cannot be reached within `timeoutMs`.
 */
export async function connectMilvus(options: ConnectMilvusOptions): Promise<MilvusClient> {
  const { address, ssl } = normaliseEndpoint(options.endpoint);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new MilvusClient({
    address,
    ssl,
    timeout: timeoutMs,
    ...(options.token ? { token: options.token } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...tlsOptions(ssl, options),
    channelOptions: CHANNEL_OPTIONS,
  });
  closeChannelsWithoutRedialling(client);
  let timer: NodeJS.Timeout | undefined;
  let connectResponse: unknown;
  try {
    connectResponse = await Promise.race([
      // Typed Promise<void>, but in SDK 3.x it resolves to the Connect response.
      client.connectPromise as Promise<unknown>,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Milvus at ${address} did not answer Connect within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    await client.closeConnection().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot connect to Milvus at ${address}${ssl ? ' (TLS)' : ''}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  acceptConnectWithoutIdentifier(client, connectResponse);
  return client;
}

/** gRPC statuses that mean no server answered: UNAVAILABLE, DEADLINE_EXCEEDED. */
const NO_ANSWER_CODES = new Set<unknown>([14, 4, 'UNAVAILABLE', 'DEADLINE_EXCEEDED']);

/**
 * Whether an error means Milvus did not answer at all (down, not yet started, unreachable, or silent
 * past the timeout), as opposed to a definitive answer such as a refused token or a missing collection.
 * Only the former is worth waiting for.
 */
export function isUnreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && e !== undefined && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (NO_ANSWER_CODES.has(code) || code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return true;
    const message = e instanceof Error ? e.message : String(e);
    if (/did not answer Connect within|No connection established|ECONNREFUSED|failed to connect to all addresses/i.test(message)) return true;
  }
  return false;
}

/** The part of the SDK's channel pool (generic-pool) that closeChannelsWithoutRedialling replaces. */
interface PoolFactory {
  destroy(channel: { close(): void }): Promise<unknown>;
}

/**
 * The socket-leak fix. SDK 3.x closes each pooled gRPC client with `client.close()` followed by
 * `getChannel().getConnectivityState(true)`; the `true` asks the closed channel to connect again, and
 * grpc-js does: every closed MilvusClient left two TCP connections open for good (the pool's two
 * channels), redialling an unreachable host forever. The pool's destroy is replaced by the close
 * alone. Without that pool internal (another SDK version) nothing changes; the socket-count test
 * then shows whether that SDK still leaks.
 */
export function closeChannelsWithoutRedialling(client: MilvusClient): boolean {
  const factory = (client.channelPool as unknown as { _factory?: Partial<PoolFactory> } | undefined)?._factory;
  if (typeof factory?.destroy !== 'function') return false;
  factory.destroy = async (channel) => channel.close();
  return true;
}

/**
 * The Milvus Lite fix. Milvus Lite (the C++ core in the `milvus-lite` wheel) implements Connect but
 * returns no server identifier (0). The SDK decides compatibility from that identifier alone
 * (`GrpcClient.applyServerInfo`: identifier ? CONNECTED : UNIMPLEMENTED); UNIMPLEMENTED makes
 * `checkCompatibility` refuse dynamic fields, JSON fields and partition keys on the client side,
 * although Lite supports them. With SDK 3.0.6's default proto options the int64 identifier is
 * decoded as the string "0", which is truthy, so this does not trigger; it does whenever the
 * identifier decodes as a number (`loaderOptions.longs: Number`, or an SDK that compares it as one).
 *
 * Only that case is changed: the server answered Connect with a success status, so it implements
 * the 2.2+ API. A server without the Connect RPC makes the SDK's interceptor yield an empty message
 * (no status): that really is a pre-2.2 server, and the SDK's refusal stays.
 * Returns whether the status was changed.
 */
export function acceptConnectWithoutIdentifier(client: MilvusClient, connectResponse: unknown): boolean {
  if (client.connectStatus !== CONNECT_STATUS.UNIMPLEMENTED) return false;
  const status = (connectResponse as { status?: { error_code?: unknown; code?: unknown } } | undefined)?.status;
  const answered = status !== undefined && status !== null && (status.error_code === 'Success' || status.error_code === 0) && !status.code;
  if (!answered) return false;
  client.connectStatus = CONNECT_STATUS.CONNECTED;
  return true;
}
