import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpError } from '../../src/api/errors.js';
import { numberText, parseJsonBody } from '../../src/api/json-body.js';

describe('parseJsonBody', () => {
  test("parses JSON to plain values and remembers each number's text beside its holder", () => {
    const body = parseJsonBody('{"a":1.0,"list":[2e1, 3],"nested":{"b":-0}}') as { a: number; list: number[]; nested: { b: number } };
    assert.deepEqual(body, { a: 1, list: [20, 3], nested: { b: -0 } });
    assert.equal(numberText(body, 'a'), '1.0');
    assert.equal(numberText(body.list, '0'), '2e1');
    assert.equal(numberText(body.nested, 'b'), '-0');
    assert.equal(numberText(body, 'list'), undefined);
  });

  test('an empty or blank body is undefined, a literal null is null', () => {
    assert.equal(parseJsonBody(''), undefined);
    assert.equal(parseJsonBody(' \n\t'), undefined);
    assert.equal(parseJsonBody('null'), null);
  });

  test('duplicate keys keep the last value', () => {
    assert.deepEqual(parseJsonBody('{"a":"1","a":"2"}'), { a: '2' });
  });

  test('malformed JSON is a 400 HttpError naming the position', () => {
    assert.throws(
      () => parseJsonBody('{"a":}'),
      (err: unknown) => err instanceof HttpError && err.statusCode === 400 && /^Malformed JSON in request body: .* at position 5$/.test(err.message),
    );
    assert.throws(() => parseJsonBody('{"a":01}'), HttpError);
    assert.throws(() => parseJsonBody('NaN'), HttpError);
  });

  test('absurdly deep nesting is a 400, not a crash', () => {
    assert.throws(
      () => parseJsonBody(`${'['.repeat(200_000)}${']'.repeat(200_000)}`),
      (err: unknown) => err instanceof HttpError && err.statusCode === 400 && err.message === 'Malformed JSON in request body: nested too deeply',
    );
  });
});
