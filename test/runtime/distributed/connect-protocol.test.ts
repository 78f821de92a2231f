import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AssignmentError,
  CONNECT_PROTOCOL_VERSION,
  ConnectProtocolError,
  decodeAssignment,
  decodeMetadata,
  encodeAssignment,
  encodeMetadata,
  type ConnectAssignment,
} from '../../../src/runtime/distributed/connect-protocol.js';

const offset = fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER });
const name = fc.string({ maxLength: 40 });

/** Tasks grouped by connector, in the order the encoder writes them back. */
const tasks = fc
  .uniqueArray(fc.tuple(name, fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 5 })), { selector: ([c]) => c, maxLength: 5 })
  .map((byConnector) => byConnector.flatMap(([connector, numbers]) => numbers.map((task) => ({ connector, task }))));

const assignment: fc.Arbitrary<ConnectAssignment> = fc.record(
  {
    error: fc.constantFrom(AssignmentError.NONE, AssignmentError.CONFIG_MISMATCH),
    leaderId: name,
    leaderUrl: name,
    configOffset: offset,
    connectors: fc.array(name, { maxLength: 5 }),
    tasks,
  },
  { noNullPrototype: true },
);

describe('worker metadata', () => {
  test('round-trips any URL and config offset', () => {
    fc.assert(
      fc.property(fc.record({ url: fc.string(), configOffset: offset }, { noNullPrototype: true }), (metadata) => {
        assert.deepEqual(decodeMetadata(encodeMetadata(metadata)), metadata);
      }),
    );
  });

  test('starts with the protocol version, so a later version can be told apart', () => {
    const bytes = encodeMetadata({ url: 'http://w1:8083/', configOffset: 7 });
    assert.equal(bytes.readInt16BE(0), CONNECT_PROTOCOL_VERSION);
  });

  test('a newer version that appends fields is read by its version-1 prefix', () => {
    const v1 = encodeMetadata({ url: 'http://w1:8083/', configOffset: 42 });
    const v2 = Buffer.concat([v1, Buffer.from([0, 0, 0, 9])]);
    v2.writeInt16BE(2, 0);
    assert.deepEqual(decodeMetadata(v2), { url: 'http://w1:8083/', configOffset: 42 });
  });

  test('version 0, truncated bytes and empty bytes are refused with a clear error', () => {
    const bytes = encodeMetadata({ url: 'http://w1:8083/', configOffset: 42 });
    const v0 = Buffer.from(bytes);
    v0.writeInt16BE(0, 0);
    assert.throws(() => decodeMetadata(v0), { name: 'ConnectProtocolError', message: 'Unknown worker metadata version 0' });
    assert.throws(() => decodeMetadata(bytes.subarray(0, bytes.length - 1)), /Truncated worker metadata/);
    assert.throws(() => decodeMetadata(Buffer.alloc(0)), ConnectProtocolError);
  });
});

describe('assignment', () => {
  test('round-trips any assignment (tasks grouped by connector)', () => {
    fc.assert(
      fc.property(assignment, (value) => {
        assert.deepEqual(decodeAssignment(encodeAssignment(value)), value);
      }),
    );
  });

  test('carries the error, the leader, the config offset, connectors and tasks', () => {
    const value: ConnectAssignment = {
      error: AssignmentError.NONE,
      leaderId: 'connect-1-abc',
      leaderUrl: 'http://w1:8083/',
      configOffset: 12,
      connectors: ['milvus-a'],
      tasks: [
        { connector: 'milvus-a', task: 0 },
        { connector: 'milvus-b', task: 2 },
      ],
    };
    assert.deepEqual(decodeAssignment(encodeAssignment(value)), value);
  });

  test('an unknown error code or a truncated message is refused', () => {
    const bytes = encodeAssignment({ error: AssignmentError.NONE, leaderId: 'l', leaderUrl: 'u', configOffset: 1, connectors: ['c'], tasks: [] });
    const unknown = Buffer.from(bytes);
    unknown.writeInt16BE(9, 2);
    assert.throws(() => decodeAssignment(unknown), { message: 'Unknown assignment error 9' });
    for (let cut = 0; cut < bytes.length; cut++) assert.throws(() => decodeAssignment(bytes.subarray(0, cut)), ConnectProtocolError, `cut at ${cut}`);
  });

  test('a config offset that is not a safe integer is refused on both sides', () => {
    assert.throws(() => encodeMetadata({ url: 'u', configOffset: 2 ** 60 }), ConnectProtocolError);
    const bytes = encodeMetadata({ url: 'u', configOffset: 1 });
    bytes.writeBigInt64BE(2n ** 60n, bytes.length - 8);
    assert.throws(() => decodeMetadata(bytes), /beyond what this worker can represent/);
  });
});
