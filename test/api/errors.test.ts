import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  RequestTimeoutError,
  ServerError,
} from '../../src/runtime/errors.js';
import { buildTestApp, envelope } from '../helpers/build-app.js';

describe('the error mapper', () => {
  const cases: Array<[string, Error, number]> = [
    ['NotFoundError', new NotFoundError('Connector c not found'), 404],
    ['AlreadyExistsError', new AlreadyExistsError('Connector c already exists'), 409],
    ['BadRequestError', new BadRequestError('Connector config {} contains no connector type'), 400],
    ['ConflictError', new ConflictError('Cannot complete request momentarily due to stale configuration'), 409],
    ['ForbiddenError', new ForbiddenError('Topic tracking is disabled.'), 403],
    ['ServerError', new ServerError('Failed to start task: c-0'), 500],
    ['RequestTimeoutError', new RequestTimeoutError('Request timed out'), 500],
    ['a DomainError of no known kind', new DomainError('odd'), 500],
    ['any other error', new TypeError("Cannot read properties of undefined (reading 'x')"), 500],
  ];
  for (const [name, error, status] of cases) {
    test(`${name} → ${status} with its message in the envelope`, async (t) => {
      const { app, herder } = await buildTestApp(t);
      herder.stub('connectorInfo', async () => {
        throw error;
      });
      const res = await app.inject({ url: '/connectors/c' });
      assert.equal(res.statusCode, status);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.deepEqual(envelope(res.body), { error_code: status, message: error.message });
    });
  }

  test('an error without a message gives "message": null, like a Java NPE', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorInfo', async () => {
      throw new Error();
    });
    const res = await app.inject({ url: '/connectors/c' });
    assert.equal(res.body, '{"error_code":500,"message":null}');
  });

  test('a herder that throws synchronously is mapped the same way', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorInfo', (name) => {
      throw new NotFoundError(`Connector ${name} not found`);
    });
    const res = await app.inject({ url: '/connectors/c' });
    assert.deepEqual(envelope(res.body), { error_code: 404, message: 'Connector c not found' });
  });
});
