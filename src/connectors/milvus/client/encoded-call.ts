import type { Client, ServiceClientConstructor } from '@grpc/grpc-js';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { WriteMethod } from './request-encoding.js';

/**
 * A request whose protobuf bytes are already encoded (request-encoding.ts). The SDK's retry
 * interceptor JSON.stringify()s every message it sends, for a debug line, whether or not debug
 * logging is on, and resends the same message object on a retry: `toJSON` keeps that line a short
 * summary instead of the bytes as a JSON array.
 */
export interface EncodedRequest {
  readonly bytes: Buffer;
  toJSON(): unknown;
}

const passBytes = (request: EncodedRequest): Buffer => request.bytes;

/** SDK: a timeout of 0 means no deadline, which it expresses as a day. */
const NO_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * One unary call on the SDK's own channel pool with bytes we encoded: the same client, channel,
 * interceptors (authentication, database, retries) and response decoding as the SDK's calls, only the
 * request serializer differs. The method's path and response decoder come from the service definition
 * the SDK loaded, so the answer has exactly the shape the SDK's insert/upsert resolve with.
 */
export async function callEncoded<T>(client: MilvusClient, method: WriteMethod, request: EncodedRequest, timeoutMs: number): Promise<T> {
  const pool = client.channelPool;
  const grpc: Client = await pool.acquire();
  try {
    const definition = (grpc.constructor as ServiceClientConstructor).service[method];
    if (!definition) throw new Error(`the SDK's gRPC client has no ${method} method`);
    // a Date, as the SDK passes it: its interceptors call deadline.getTime()
    const deadline = new Date(Date.now() + (timeoutMs === 0 ? NO_TIMEOUT_MS : timeoutMs));
    return await new Promise<T>((resolve, reject) => {
      grpc.makeUnaryRequest<EncodedRequest, T>(
        definition.path,
        passBytes,
        definition.responseDeserialize as (bytes: Buffer) => T,
        request,
        { deadline },
        (error, response) => (error ? reject(error) : resolve(response as T)),
      );
    });
  } finally {
    await pool.release(grpc);
  }
}
