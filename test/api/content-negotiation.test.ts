import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { acceptsJson, isJsonMediaType } from '../../src/api/content-negotiation.js';

describe('isJsonMediaType', () => {
  test('application/json with any parameters, in any case', () => {
    for (const type of ['application/json', 'application/json; charset=UTF-8', 'APPLICATION/JSON', ' application/json ;x=y'])
      assert.ok(isJsonMediaType(type), type);
  });
  test('not vendor +json types, text or forms', () => {
    for (const type of ['application/vnd.kafka.v2+json', 'text/json', 'application/x-www-form-urlencoded', 'text/plain', ''])
      assert.ok(!isJsonMediaType(type), type);
  });
});

describe('acceptsJson', () => {
  test('missing, wildcard and JSON ranges with q > 0 accept', () => {
    for (const accept of [undefined, '', '*/*', 'application/*', 'application/json', 'text/html, application/json;q=0.1', 'Application/JSON'])
      assert.ok(acceptsJson(accept), String(accept));
  });
  test('ranges that exclude JSON, or q=0, do not', () => {
    for (const accept of ['text/html', 'text/*', 'application/xml', 'application/json;q=0', '*/*;q=0', 'application/vnd.x+json'])
      assert.ok(!acceptsJson(accept), accept);
  });
});
