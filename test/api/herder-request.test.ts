import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import { herderRequest } from '../../src/api/herder-request.js';
import { RequestTimeoutError } from '../../src/runtime/errors.js';
import { buildTestApp, envelope } from '../helpers/build-app.js';
import { FakeHerder } from '../helpers/fake-herder.js';

describe('herderRequest', () => {
  test("resolves with the operation's value within the budget", async () => {
    const ask = herderRequest(new FakeHerder(), 1000);
    assert.equal(await ask(async () => 'done'), 'done');
  });

  test('arms no timeout timer for an operation that has already settled (answers from memory)', async (t) => {
    const ask = herderRequest(new FakeHerder(), 1000);
    const setTimeoutSpy = t.mock.method(globalThis, 'setTimeout');
    assert.equal(await ask(() => Promise.resolve('status')), 'status');
    await assert.rejects(
      ask(() => Promise.reject(new Error('unknown connector'))),
      /unknown connector/,
    );
    assert.equal(setTimeoutSpy.mock.callCount(), 0);
    assert.equal(await ask(() => new Promise((resolve) => setImmediate(resolve, 'later'))), 'later');
    assert.equal(setTimeoutSpy.mock.callCount(), 1);
  });

  test("passes the operation's own failure through", async () => {
    const ask = herderRequest(new FakeHerder(), 1000);
    await assert.rejects(
      ask(async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
  });

  test('times out with "Request timed out" when the herder names no stage', async () => {
    const ask = herderRequest(new FakeHerder(), 10);
    await assert.rejects(
      ask(() => new Promise(() => {})),
      (err: unknown) => err instanceof RequestTimeoutError && err.message === 'Request timed out',
    );
  });

  test('a late failure of a timed-out operation is not left unhandled', async () => {
    const ask = herderRequest(new FakeHerder(), 5);
    let fail!: (error: Error) => void;
    const late = new Promise<never>((_, reject) => (fail = reject));
    await assert.rejects(
      ask(() => late),
      RequestTimeoutError,
    );
    fail(new Error('late'));
    // Node reports a rejection nobody handles once the microtasks of the turn are done: after this one,
    // an unhandled 'late' would have failed the test
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('the REST request timeout', () => {
  test('answers 500 "Request timed out." with what the worker is busy with', async (t) => {
    const { app, herder } = await buildTestApp(t, { api: { requestTimeoutMs: 20 } });
    herder.stub('createConnector', () => new Promise(() => {}));
    herder.stage = { description: 'starting connector c', startedAt: Date.UTC(2024, 4, 1, 10, 0, 0) };
    const res = await app.inject({ method: 'POST', url: '/connectors', headers: { 'content-type': 'application/json' }, payload: '{"name":"c","config":{}}' });
    assert.deepEqual(envelope(res.body), {
      error_code: 500,
      message: 'Request timed out. The worker is currently starting connector c, which began at 2024-05-01T10:00:00Z.',
    });
  });
});

describe('clientGone', () => {
  test('a change request whose client closes the connection hands the herder an aborted signal; one answered normally does not', async (t) => {
    const herder = new FakeHerder();
    const signals: AbortSignal[] = [];
    let called!: () => void;
    const calledOnce = new Promise<void>((resolve) => (called = resolve));
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    herder.stub('deleteConnector', async (_name, signal) => {
      signals.push(signal!);
      called();
      await answered;
    });
    const { app } = await buildTestApp(t, { herder });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };

    // the client gives up while its request waits in the herder
    const gone = httpRequest({ host: '127.0.0.1', port, method: 'DELETE', path: '/connectors/a' });
    gone.on('error', () => {});
    gone.end();
    await calledOnce;
    gone.destroy();
    await new Promise<void>((resolve) => (signals[0].aborted ? resolve() : signals[0].addEventListener('abort', () => resolve())));
    assert.equal(signals[0].aborted, true);
    answer();

    // a client that waits gets its answer, and its signal never aborted
    const res = await fetch(`http://127.0.0.1:${port}/connectors/a`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(signals[1].aborted, false);
  });
});
