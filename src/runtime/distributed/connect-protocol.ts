/**
 * What workers of one cluster tell each other through the group coordinator (Kafka's ConnectProtocol):
 * each member's metadata in JoinGroup, and the leader's assignment of each member in SyncGroup. The
 * broker passes both as opaque bytes; this file is their only reader and writer.
 *
 * The group's protocol type is `connect`, as for Kafka's JVM workers, but the protocol name is our own:
 * the coordinator refuses (INCONSISTENT_GROUP_PROTOCOL) a member whose protocol names share none with the
 * group's, so a JVM worker and this worker can never land in one group and misread each other's bytes.
 *
 * Layout (big-endian, strings as int16 length + UTF-8, like Kafka's): every message starts with an int16
 * version. A later version may only append fields, so a reader of version 1 reads the start of any newer
 * message and ignores the rest; a version below 1 is refused.
 *
 *   metadata   = version url configOffset(int64)
 *   assignment = version error(int16) leaderId leaderUrl configOffset(int64)
 *                connectors: int32 count, each a string
 *                tasks:      int32 count of connectors, each a string and int32 count of task numbers (int32)
 */
import type { ConnectorTaskId } from '../status/status.js';

export const CONNECT_PROTOCOL_TYPE = 'connect';
/** The protocol name members advertise; a new, incompatible protocol gets a new name. */
export const CONNECT_PROTOCOL_NAME = 'milvus-connect-v1';
export const CONNECT_PROTOCOL_VERSION = 1;

/** What a member tells the leader when it joins (Kafka's WorkerState). */
export interface WorkerMetadata {
  /** The worker's advertised REST URL: its identity in the cluster and where requests are forwarded. */
  readonly url: string;
  /** Offset of the config topic up to which this worker has read. */
  readonly configOffset: number;
}

export const AssignmentError = {
  NONE: 0,
  /** The leader had not read the config topic as far as some member: read it to the end and rejoin. */
  CONFIG_MISMATCH: 1,
} as const;
export type AssignmentError = (typeof AssignmentError)[keyof typeof AssignmentError];

/** One member's share of the work for one generation (Kafka's ConnectProtocol.Assignment). */
export interface ConnectAssignment {
  readonly error: AssignmentError;
  /** The leader's member id (the broker's name for it). */
  readonly leaderId: string;
  /** The leader's advertised REST URL. */
  readonly leaderUrl: string;
  /** The config offset the leader computed the assignment from; run it only with the config read to here. */
  readonly configOffset: number;
  readonly connectors: readonly string[];
  readonly tasks: readonly ConnectorTaskId[];
}

export class ConnectProtocolError extends Error {
  override name = 'ConnectProtocolError';
}

class Writer {
  readonly #chunks: Buffer[] = [];

  int16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(value);
    this.#chunks.push(b);
    return this;
  }

  int32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    this.#chunks.push(b);
    return this;
  }

  int64(value: number): this {
    if (!Number.isSafeInteger(value)) throw new ConnectProtocolError(`Config offset ${value} is not an integer`);
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(value));
    this.#chunks.push(b);
    return this;
  }

  string(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > 0x7fff) throw new ConnectProtocolError(`String of ${bytes.length} bytes is too long for the group protocol`);
    this.int16(bytes.length);
    this.#chunks.push(bytes);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

class Reader {
  readonly #buffer: Buffer;
  readonly #what: string;
  #at = 0;

  constructor(buffer: Buffer, what: string) {
    this.#buffer = buffer;
    this.#what = what;
  }

  #take(n: number): number {
    if (n < 0 || this.#at + n > this.#buffer.length) {
      throw new ConnectProtocolError(`Truncated ${this.#what}: needed ${n} more bytes at byte ${this.#at} of ${this.#buffer.length}`);
    }
    const at = this.#at;
    this.#at += n;
    return at;
  }

  int16(): number {
    return this.#buffer.readInt16BE(this.#take(2));
  }

  int32(): number {
    return this.#buffer.readInt32BE(this.#take(4));
  }

  int64(): number {
    const value = this.#buffer.readBigInt64BE(this.#take(8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ConnectProtocolError(`Config offset ${value} in ${this.#what} is beyond what this worker can represent`);
    }
    return Number(value);
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new ConnectProtocolError(`Null string in ${this.#what}`);
    const at = this.#take(length);
    return this.#buffer.toString('utf8', at, at + length);
  }

  count(): number {
    const n = this.int32();
    if (n < 0) throw new ConnectProtocolError(`Negative count ${n} in ${this.#what}`);
    return n;
  }

  version(): number {
    const version = this.int16();
    if (version < CONNECT_PROTOCOL_VERSION) throw new ConnectProtocolError(`Unknown ${this.#what} version ${version}`);
    return version;
  }
}

export function encodeMetadata(metadata: WorkerMetadata): Buffer {
  return new Writer().int16(CONNECT_PROTOCOL_VERSION).string(metadata.url).int64(metadata.configOffset).bytes();
}

export function decodeMetadata(bytes: Buffer): WorkerMetadata {
  const reader = new Reader(bytes, 'worker metadata');
  reader.version();
  return { url: reader.string(), configOffset: reader.int64() };
}

export function encodeAssignment(assignment: ConnectAssignment): Buffer {
  const writer = new Writer()
    .int16(CONNECT_PROTOCOL_VERSION)
    .int16(assignment.error)
    .string(assignment.leaderId)
    .string(assignment.leaderUrl)
    .int64(assignment.configOffset)
    .int32(assignment.connectors.length);
  for (const connector of assignment.connectors) writer.string(connector);
  const tasksByConnector = new Map<string, number[]>();
  for (const { connector, task } of assignment.tasks) {
    let tasks = tasksByConnector.get(connector);
    if (tasks === undefined) tasksByConnector.set(connector, (tasks = []));
    tasks.push(task);
  }
  writer.int32(tasksByConnector.size);
  for (const [connector, tasks] of tasksByConnector) {
    writer.string(connector).int32(tasks.length);
    for (const task of tasks) writer.int32(task);
  }
  return writer.bytes();
}

export function decodeAssignment(bytes: Buffer): ConnectAssignment {
  const reader = new Reader(bytes, 'assignment');
  reader.version();
  const error = reader.int16();
  if (error !== AssignmentError.NONE && error !== AssignmentError.CONFIG_MISMATCH) throw new ConnectProtocolError(`Unknown assignment error ${error}`);
  const leaderId = reader.string();
  const leaderUrl = reader.string();
  const configOffset = reader.int64();
  const connectors: string[] = [];
  for (let i = reader.count(); i > 0; i--) connectors.push(reader.string());
  const tasks: ConnectorTaskId[] = [];
  for (let i = reader.count(); i > 0; i--) {
    const connector = reader.string();
    for (let j = reader.count(); j > 0; j--) tasks.push({ connector, task: reader.int32() });
  }
  return { error, leaderId, leaderUrl, configOffset, connectors, tasks };
}
