import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowControl } from '../../../../src/connectors/milvus/write/flow-control.js';
import { testContext } from '../fixtures.js';

test('consumption pauses while a request retries or the buffer is full, and resumes when neither holds', () => {
  const ctx = testContext([
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ]);
  const flow = new FlowControl(ctx);
  flow.retryStarted();
  flow.retryStarted();
  flow.backlogged(true);
  assert.equal(ctx.paused.length, 1);
  assert.deepEqual(
    ctx.paused[0].map((p) => p.partition),
    [0, 1],
  );
  flow.retryEnded();
  flow.retryEnded();
  assert.equal(ctx.resumed.length, 0, 'still backlogged');
  flow.backlogged(false);
  assert.equal(ctx.resumed.length, 1);
  assert.equal(flow.paused, false);
});

test('partitions assigned while paused are paused too', () => {
  const ctx = testContext();
  const flow = new FlowControl(ctx);
  flow.opened([{ topic: 't', partition: 5 }]);
  assert.equal(ctx.paused.length, 0);
  flow.retryStarted();
  flow.opened([{ topic: 't', partition: 5 }]);
  assert.deepEqual(ctx.paused.at(-1), [{ topic: 't', partition: 5 }]);
});
