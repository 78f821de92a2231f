import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodePathSegment, firstValue, javaBoolean, javaInstant, javaInt, toLooseMap, toStringMap } from '../../src/api/compat.js';
import { parseJsonBody } from '../../src/api/json-body.js';

describe('javaBoolean (Boolean.valueOf)', () => {
  test('only a case-insensitive "true" is true; absent gives the default; the first repeat wins', () => {
    assert.deepEqual(
      ['true', 'TRUE', 'tRuE'].map((v) => javaBoolean(v, false)),
      [true, true, true],
    );
    assert.deepEqual(
      ['false', '1', 'yes', 'on', '', ' true'].map((v) => javaBoolean(v, true)),
      [false, false, false, false, false, false],
    );
    assert.equal(javaBoolean(undefined, true), true);
    assert.equal(javaBoolean(undefined, false), false);
    assert.equal(javaBoolean(['true', 'false'], false), true);
    assert.equal(firstValue([]), undefined);
  });
});

describe('javaInt (Integer.valueOf)', () => {
  test('accepts an optional sign and decimal digits within the int range', () => {
    assert.deepEqual(['0', '+7', '-1', '007', '2147483647', '-2147483648'].map(javaInt), [0, 7, -1, 7, 2147483647, -2147483648]);
  });
  test('rejects everything else', () => {
    for (const text of ['', ' 1', '1 ', '1.0', '1e0', '0x1', 'abc', '2147483648', '-2147483649', '+', '١']) {
      assert.equal(javaInt(text), null, JSON.stringify(text));
    }
  });
});

describe('toStringMap (Jackson Map<String, String>)', () => {
  test('keeps strings and nulls, renders booleans, and numbers as their JSON text', () => {
    const body = parseJsonBody('{"s":"x","n":1,"f":1.0,"e":-2.5E-3,"big":123456789012345678901234567890,"t":true,"no":false,"z":null}') as Record<
      string,
      unknown
    >;
    assert.deepEqual(toStringMap(body), { s: 'x', n: '1', f: '1.0', e: '-2.5E-3', big: '123456789012345678901234567890', t: 'true', no: 'false', z: null });
  });
  test('numbers not produced by the body parser fall back to their JS rendering', () => {
    assert.deepEqual(toStringMap({ n: 1.5 }), { n: '1.5' });
  });
  test('a "__proto__" key stays an ordinary key', () => {
    const body = parseJsonBody('{"__proto__":"x","a":"b"}') as Record<string, unknown>;
    const map = toStringMap(body);
    assert.deepEqual(Object.keys(map), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(map), Object.prototype);
  });
});

describe('toLooseMap (Jackson Map<String, ?>)', () => {
  test('exact integers stay numbers; other numbers keep their JSON text', () => {
    const body = parseJsonBody('{"a":42,"b":9007199254740993,"c":1.0,"d":1.5,"e":"7","f":null,"g":{"x":1}}') as Record<string, unknown>;
    assert.deepEqual(toLooseMap(body), { a: 42, b: '9007199254740993', c: '1.0', d: '1.5', e: '7', f: null, g: { x: 1 } });
  });
});

describe('encodePathSegment (JAX-RS UriBuilder.path)', () => {
  test('percent-encodes what a path segment cannot hold, keeps sub-delimiters', () => {
    assert.equal(encodePathSegment('my conn'), 'my%20conn');
    assert.equal(encodePathSegment('a+b=c,d:e@f$g&h'), 'a+b=c,d:e@f$g&h');
    assert.equal(encodePathSegment('a;b?c#d%e/f'), 'a%3Bb%3Fc%23d%25e%2Ff');
    assert.equal(encodePathSegment('é名'), '%C3%A9%E5%90%8D');
  });

  test('never throws: a lone surrogate is encoded as U+FFFD rather than failing a write already done', () => {
    assert.equal(encodePathSegment('z\ud800'), 'z%EF%BF%BD');
  });
});

describe('javaInstant (Instant.toString)', () => {
  test('prints fraction digits only when there are any', () => {
    assert.equal(javaInstant(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02T03:04:05Z');
    assert.equal(javaInstant(Date.UTC(2024, 0, 2, 3, 4, 5, 120)), '2024-01-02T03:04:05.120Z');
  });
});
