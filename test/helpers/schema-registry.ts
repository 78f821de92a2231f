import { schemaRegistry } from './stack.js';

/**
 * The producer's side of Confluent's Schema Registry serializers, for tests: register a schema under a
 * subject in the stack's real registry, and frame a payload in the wire format.
 */
export async function registerSchema(
  subject: string,
  schemaType: 'AVRO' | 'PROTOBUF' | 'JSON',
  schema: string,
  references: { name: string; subject: string; version: number }[] = [],
): Promise<number> {
  const { url, userInfo } = schemaRegistry();
  const response = await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', authorization: `Basic ${Buffer.from(userInfo).toString('base64')}` },
    body: JSON.stringify({ schemaType, schema, references }),
  });
  const body = (await response.json()) as { id?: number };
  if (!response.ok || typeof body.id !== 'number') throw new Error(`registering ${subject}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

/** Magic byte 0, the schema id (4 bytes, big-endian), then the payload. */
export function framed(schemaId: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

/** Confluent's Protobuf message indexes: [0] as the single byte 0, else zigzag varints (count, then each index). */
export function messageIndexes(indexes: number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const zigzag = (n: number) => (n << 1) ^ (n >> 31);
  return Buffer.from([zigzag(indexes.length), ...indexes.map(zigzag)]);
}
