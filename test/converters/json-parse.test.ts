import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidUtf8Error, decodeUtf8, hasUnsafeNumber, parseJson, parseJsonBytes, parseJsonLossless } from '../../src/converters/json-parse.js';

describe('parseJson: integers stay exact, everything else parses like JSON.parse', () => {
  const cases: [string, unknown][] = [
    ['9007199254740991', 9007199254740991], // 2^53-1: the largest safe integer stays a number
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', 9007199254740992n], // 2^53 already is ambiguous as a double
    ['9007199254740993', 9007199254740993n], // 2^53+1: JSON.parse would give ...992
    ['-9007199254740993', -9007199254740993n],
    ['9223372036854775807', 9223372036854775807n], // Long.MAX_VALUE
    ['-9223372036854775808', -9223372036854775808n],
    ['123456789012345678901234567890', 123456789012345678901234567890n], // beyond int64: kept, judged later
    // biome-ignore lint/correctness/noPrecisionLoss: the literal is the nearest double, which the parser must produce
    ['0.12345678901234567', 0.12345678901234567], // a long fraction is a float, not an integer
    ['1.5e300', 1.5e300], // exponents stay floats
    ['1e20', 1e20],
    // biome-ignore lint/correctness/noPrecisionLoss: the literal is the nearest double, which the parser must produce
    ['12345678901234567.0', 12345678901234567.0], // a float literal with 17 integer digits stays a float
    ['0', 0],
    ['-0', -0],
  ];
  for (const [text, expected] of cases) {
    it(`${text} → ${typeof expected} ${String(expected)}`, () => {
      assert.deepEqual(parseJson(text), expected);
      assert.deepEqual(parseJson(`{"a":[${text}]}`), { a: [expected] });
    });
  }

  it('finds an unsafe integer deep inside objects and arrays and keeps its neighbours intact', () => {
    const parsed = parseJson('{"id": 1234567890123456789, "v": [0.5, -0.25, 1e-7], "m": {"n": [{"k": -1234567890123456789}]}}');
    assert.deepEqual(parsed, { id: 1234567890123456789n, v: [0.5, -0.25, 1e-7], m: { n: [{ k: -1234567890123456789n }] } });
  });

  it('returns the very object JSON.parse built when no number is beyond the safe range (the fast path)', () => {
    const text = JSON.stringify({ id: 42, vector: Array.from({ length: 768 }, (_, i) => Math.sin(i)) });
    assert.equal(hasUnsafeNumber(JSON.parse(text)), false);
    assert.deepEqual(parseJson(text), JSON.parse(text));
  });

  it('keeps the last of duplicate keys, like JSON.parse and Jackson, on the lossless path too', () => {
    assert.deepEqual(parseJson('{"a": 1, "a": 9007199254740993}'), { a: 9007199254740993n });
    assert.deepEqual(parseJsonLossless('{"a": 1, "a": 2}'), { a: 2 });
  });

  it('keeps "__proto__" as an ordinary key on both paths', () => {
    const fast = parseJson('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    const slow = parseJson('{"__proto__": {"x": 9007199254740993}}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(fast), ['__proto__']);
    assert.deepEqual(Object.keys(slow), ['__proto__']);
    assert.equal(Object.getPrototypeOf(slow), Object.prototype);
  });

  it('throws SyntaxError for invalid JSON', () => {
    assert.throws(() => parseJson('{"a":'), SyntaxError);
    assert.throws(() => parseJson('[1,]'), SyntaxError);
  });
});

describe('hasUnsafeNumber', () => {
  it('looks at numbers at any depth and nothing else', () => {
    assert.equal(hasUnsafeNumber(2 ** 53 - 1), false);
    assert.equal(hasUnsafeNumber(2 ** 53), true);
    assert.equal(hasUnsafeNumber(-(2 ** 53)), true);
    assert.equal(hasUnsafeNumber({ a: [1, 2, { b: 1e300 }] }), true);
    assert.equal(hasUnsafeNumber({ a: '99999999999999999999', b: [true, null] }), false);
  });
});

describe('decodeUtf8', () => {
  it('decodes valid UTF-8, including a genuine U+FFFD character', () => {
    assert.equal(decodeUtf8(new TextEncoder().encode('héllo \uFFFD 👋')), 'héllo \uFFFD 👋');
  });

  it('rejects malformed UTF-8 instead of replacing it', () => {
    assert.throws(() => decodeUtf8(new Uint8Array([0x7b, 0xc3, 0x28, 0x7d])), InvalidUtf8Error);
  });
});

describe('parseJsonBytes: UTF-8 bytes in, the same answers as decodeUtf8 + parseJson', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);

  it('reads a record, keeping integers beyond 2^53 exact', () => {
    assert.deepEqual(parseJsonBytes(utf8('{"id": 9007199254740993, "v": [0.5, -0.25]}')), { id: 9007199254740993n, v: [0.5, -0.25] });
  });

  it("reads blank input as undefined (Jackson's missing node), whatever the whitespace", () => {
    assert.equal(parseJsonBytes(new Uint8Array(0)), undefined);
    assert.equal(parseJsonBytes(utf8(' \r\n\t')), undefined);
    assert.equal(parseJsonBytes(utf8('\u00a0')), undefined);
  });

  it('skips a leading byte-order mark, as the decoder does', () => {
    assert.deepEqual(parseJsonBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('[1]')])), [1]);
  });

  it("throws JSON.parse's SyntaxError for invalid JSON", () => {
    let expected: unknown;
    try {
      JSON.parse('{"a":01}');
    } catch (e) {
      expected = e;
    }
    assert.throws(() => parseJsonBytes(utf8('{"a":01}')), { name: 'SyntaxError', message: (expected as Error).message });
  });

  it('throws InvalidUtf8Error for malformed UTF-8', () => {
    assert.throws(() => parseJsonBytes(new Uint8Array([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d])), InvalidUtf8Error);
  });
});
