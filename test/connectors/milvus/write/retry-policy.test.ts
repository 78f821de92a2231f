import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, withRetry, type RetryHooks } from '../../../../src/connectors/milvus/write/retry-policy.js';
import { FailureKind, MilvusRequestError } from '../../../../src/connectors/milvus/write/milvus-errors.js';

const hooks = (stopped: Promise<void> = new Promise(() => {})): RetryHooks => ({
  onRetryStart() {},
  onRetryEnd() {},
  onRetry() {},
  refreshSchema: async () => {},
  stopped,
});

test('the backoff doubles per attempt and is capped by the maximum delay', () => {
  const opts = { initialDelayMs: 100, maxDelayMs: 1000, timeoutMs: -1, maxRetries: -1 };
  const mid = () => 0.5; // no jitter
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((a) => backoffDelay(opts, a, false, mid)),
    [100, 200, 400, 800, 1000],
  );
  assert.equal(backoffDelay(opts, 0, true, mid), 800, 'quota protection waits longer');
});

test('retries stop once errors.retry.timeout would be exceeded', async () => {
  let clock = 0;
  let attempts = 0;
  const opts = { initialDelayMs: 10, maxDelayMs: 10, timeoutMs: 25, maxRetries: -1 };
  const attempt = async () => {
    attempts += 1;
    clock += 10;
    throw new MilvusRequestError('rate limit', FailureKind.RETRIABLE, '8');
  };
  await assert.rejects(
    withRetry(opts, hooks(), attempt, () => clock),
    /still failing after \d attempt/,
  );
  assert.ok(attempts >= 2 && attempts <= 3, `attempts ${attempts}`);
});

test('stopping the task cuts a backoff short', async () => {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const opts = { initialDelayMs: 60_000, maxDelayMs: 60_000, timeoutMs: -1, maxRetries: -1 };
  const pending = withRetry(opts, hooks(stopped), async () => {
    throw new MilvusRequestError('rate limit', FailureKind.RETRIABLE, '8');
  });
  setTimeout(stop, 10);
  await assert.rejects(pending, /Task stopped/);
});

test('errors that are not transient are rethrown at once', async () => {
  let attempts = 0;
  const opts = { initialDelayMs: 1, maxDelayMs: 1, timeoutMs: -1, maxRetries: 5 };
  await assert.rejects(
    withRetry(opts, hooks(), async () => {
      attempts += 1;
      throw new MilvusRequestError('bad row', FailureKind.DATA, '1100');
    }),
    /bad row/,
  );
  assert.equal(attempts, 1);
});
