import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scrub, scrubbedError } from '../../../../src/connectors/milvus/client/secret-scrubber.js';
import { isUnreachable } from '../../../../src/connectors/milvus/client/milvus-client.js';

const TOKEN = 'alice:correct-horse-battery';

test('an error echoing the token loses it, and its password part, in message, stack and cause', () => {
  const echoed = Object.assign(new Error(`16 UNAUTHENTICATED: bad credentials "${TOKEN}" (password correct-horse-battery)`), { code: 16 });
  const error = new Error(`Cannot connect to Milvus at h:19530: ${echoed.message}`, { cause: echoed });
  const scrubbed = scrubbedError(error, TOKEN) as Error;
  const text = [scrubbed.message, scrubbed.stack, (scrubbed.cause as Error).message, (scrubbed.cause as Error).stack].join('\n');
  assert.doesNotMatch(text, /correct-horse-battery/);
  assert.match(scrubbed.message, /bad credentials "\[hidden\]" \(password \[hidden\]\)/);
  assert.equal((scrubbed.cause as { code?: unknown }).code, 16, 'classifiers still see the gRPC code');
  assert.equal(isUnreachable(scrubbed), false, 'a refused token is a definitive answer, not an unreachable Milvus');
});

test('the token base64-encoded, as the SDK sends it in the authorization metadata, is hidden too, padded or not', () => {
  const base64 = Buffer.from('root:Milvus').toString('base64');
  assert.equal(base64, 'cm9vdDpNaWx2dXM=');
  assert.equal(scrub(`authorization: ${base64} refused; again: cm9vdDpNaWx2dXM`, 'root:Milvus'), 'authorization: [hidden] refused; again: [hidden]');
});

test('an error without the token is returned as it is, class and all', () => {
  class MyError extends Error {}
  const error = new MyError('collection missing');
  assert.equal(scrubbedError(error, TOKEN), error);
  assert.equal(scrubbedError(error, undefined), error);
});

test('a short password part is left in place: the default root:Milvus must not cut "Milvus" out of every message', () => {
  assert.equal(scrub('this Milvus server said root:Milvus is wrong', 'root:Milvus'), 'this Milvus server said [hidden] is wrong');
});

test('an unreachable Milvus is told apart from a definitive answer', () => {
  assert.equal(
    isUnreachable(new Error('Cannot connect', { cause: Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }) })),
    true,
  );
  assert.equal(isUnreachable(new Error('Milvus at h:1 did not answer Connect within 5000 ms')), true);
  assert.equal(isUnreachable(new Error('Collection c does not exist in database default.')), false);
});
