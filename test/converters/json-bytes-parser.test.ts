import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GIVE_UP, tryParseJsonBytes } from '../../src/converters/json-bytes-parser.js';
import { decodeUtf8, parseJson, parseJsonBytes } from '../../src/converters/json-parse.js';
import { seededRandom } from '../../scripts/lib/seeded-random.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** What JsonConverter did before the byte-level parser: the reference every answer must match. */
function textPath(bytes: Uint8Array): unknown {
  const text = decodeUtf8(bytes);
  return text.trim() === '' ? undefined : parseJson(text);
}

type Outcome = { value: unknown } | { error: { name: string; message: string } };

function outcome(parse: (bytes: Uint8Array) => unknown, bytes: Uint8Array): Outcome {
  try {
    return { value: parse(bytes) };
  } catch (e) {
    return { error: { name: (e as Error).constructor.name, message: (e as Error).message } };
  }
}

/** Strict equality down to Object.is for numbers, number vs bigint, key order and prototypes. */
function assertSame(actual: unknown, expected: unknown, path = '$'): void {
  assert.equal(typeof actual, typeof expected, `${path}: type`);
  if (typeof expected !== 'object' || expected === null || actual === null) {
    assert.ok(Object.is(actual, expected), `${path}: ${String(actual)} is not ${String(expected)}`);
    return;
  }
  const object = actual as object;
  assert.equal(Object.getPrototypeOf(object), Object.getPrototypeOf(expected), `${path}: prototype`);
  assert.equal(Array.isArray(object), Array.isArray(expected), `${path}: array`);
  assert.deepEqual(Reflect.ownKeys(object), Reflect.ownKeys(expected), `${path}: keys in order`);
  for (const key of Reflect.ownKeys(expected)) {
    const a = (actual as Record<string | symbol, unknown>)[key];
    const e = (expected as Record<string | symbol, unknown>)[key];
    assertSame(a, e, `${path}.${String(key)}`);
  }
}

function assertAgrees(bytes: Uint8Array, label: string): Outcome {
  const expected = outcome(textPath, bytes);
  const actual = outcome(parseJsonBytes, bytes);
  if ('error' in expected) {
    assert.ok('error' in actual, `${label}: expected ${expected.error.name}: ${expected.error.message}`);
    assert.deepEqual(actual.error, expected.error, label);
  } else {
    assert.ok('value' in actual, `${label}: threw ${'error' in actual ? actual.error.message : ''}`);
    assertSame(actual.value, expected.value, label);
  }
  return expected;
}

describe('tryParseJsonBytes: answers only what it is sure of', () => {
  it('reads a benchmark record (id, title, 768 nine-decimal floats) into what the text path builds', () => {
    const vector = Array.from({ length: 768 }, (_, i) => Math.round(Math.sin(i * 7.3) * 1e8) / 1e9);
    const bytes = utf8(JSON.stringify({ id: 17, title: 'Document 17: a benchmark record', vector }));
    const fast = tryParseJsonBytes(bytes);
    assert.notEqual(fast, GIVE_UP);
    assertSame(fast, textPath(bytes));
  });

  it('reads a vector of 32,768 numbers (the Milvus maximum) on the fast path', () => {
    const vector = Array.from({ length: 32768 }, (_, i) => (i % 7) / 8 - 0.25);
    const bytes = utf8(JSON.stringify(vector));
    const fast = tryParseJsonBytes(bytes);
    assert.notEqual(fast, GIVE_UP);
    assertSame(fast, vector);
  });

  const numbers: [string, unknown][] = [
    ['0', 0],
    ['-0', -0],
    ['-0.0', -0],
    ['0.012345678', 0.012345678],
    ['-0.000000001', -1e-9],
    ['123456789012345', 123456789012345], // 15 digits: the exact fast path
    ['12345678901234.5', 12345678901234.5],
    ['0.1234567890123456', 0.1234567890123456], // 17 digits: the text path
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', 9007199254740993n],
    ['-9223372036854775808', -9223372036854775808n],
    // biome-ignore lint/correctness/noPrecisionLoss: the literal is the nearest double, which the parser must produce
    ['12345678901234567.0', 12345678901234567.0],
    ['1e5', 1e5],
    ['1.5E-7', 1.5e-7],
    ['2e+10', 2e10],
    ['1e400', Infinity],
    ['5e-324', 5e-324],
  ];
  for (const [text, expected] of numbers) {
    it(`reads ${text} as ${typeof expected} ${String(expected)}, alone and inside an object and an array`, () => {
      for (const doc of [text, `{"n":${text}}`, `[${text}]`, `[1.5, ${text}, -2]`]) {
        assertAgrees(utf8(doc), doc);
        const fast = tryParseJsonBytes(utf8(doc));
        // vectors with literals it cannot read exactly go to the text path whole
        if (!doc.startsWith('[1.5') || typeof expected === 'number') {
          if (fast !== GIVE_UP) assertSame(fast, parseJson(doc), doc);
        }
      }
      assertSame(tryParseJsonBytes(utf8(text)), expected);
    });
  }

  it('keeps the last of duplicate keys at the place of the first, and orders integer-like keys as JSON.parse does', () => {
    const doc = '{"b":1,"a":2,"b":3,"10":4,"2":5}';
    const fast = tryParseJsonBytes(utf8(doc));
    assertSame(fast, JSON.parse(doc));
    assert.deepEqual(Object.keys(fast as object), ['2', '10', 'b', 'a']);
  });

  it('decodes non-ASCII strings exactly, a U+FEFF or U+FFFD inside a string included', () => {
    for (const s of ['héllo', '中文', '👋', '\uFEFFbom', 'genuine \uFFFD', 'line\u2028sep']) {
      const doc = JSON.stringify({ [s]: s });
      assertSame(tryParseJsonBytes(utf8(doc)), { [s]: s });
    }
  });

  it('reads mixed arrays, empty containers, literals and whitespace everywhere', () => {
    const doc = ' \t\r\n{ "a" : [ 1 , "x" , true , false , null , { } , [ ] , [ -0.5 , 2 ] ] , "b" : { "c" : null } } \n';
    assertSame(tryParseJsonBytes(utf8(doc)), JSON.parse(doc));
  });

  const giveUps: [string, Uint8Array][] = [
    ['a string escape', utf8('{"a":"x\\ny"}')],
    ['a \\u escape', utf8('["\\u00e9"]')],
    ['a raw control character in a string', utf8('["a\tb"]')],
    ['a "__proto__" key', utf8('{"__proto__":{"x":1}}')],
    ['nesting deeper than the limit', utf8(`${'['.repeat(100)}1${']'.repeat(100)}`)],
    ['a leading byte-order mark', new Uint8Array([0xef, 0xbb, 0xbf, 0x31])],
    ['empty input', new Uint8Array(0)],
    ['whitespace only', utf8(' \n\t ')],
    ['malformed UTF-8 in a string', new Uint8Array([0x22, 0xc3, 0x28, 0x22])],
    ['a UTF-8-encoded surrogate', new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22])],
    ['a trailing comma', utf8('[1,2,]')],
    ['a leading zero', utf8('[01]')],
    ['a bare minus', utf8('[-]')],
    ['a fraction without integer part', utf8('.5')],
    ['a fraction without digits', utf8('[1.]')],
    ['NaN', utf8('NaN')],
    ['an unquoted key', utf8('{a:1}')],
    ['a truncated document', utf8('{"a":[1,2')],
    ['text after the value', utf8('{} {}')],
    ['a missing colon', utf8('{"a" 1}')],
    ['an object closed by a bracket', utf8('{"a":1]')],
    ['an array closed by a brace', utf8('[1}')],
    ['a missing comma between members', utf8('{"a":1 "b":2}')],
    ['a missing comma between numbers', utf8('[1 2]')],
    ['a leading comma', utf8('[,1]')],
    ['a trailing comma in an object', utf8('{"a":1,}')],
    ['a key without a value', utf8('{"a"}')],
    ['a number as key', utf8('{1:2}')],
    ['a vector with an exponent literal (the text path is faster for such vectors)', utf8('[0.5,1e-7]')],
    ['a vector of more than 65,536 numbers (the scratch buffer stays bounded)', utf8(`[${'0.5,'.repeat(65536)}1]`)],
  ];
  for (const [what, bytes] of giveUps) {
    it(`gives up on ${what}, and parseJsonBytes then answers as the text path does`, () => {
      assert.equal(tryParseJsonBytes(bytes), GIVE_UP);
      assertAgrees(bytes, what);
    });
  }
});

class Documents {
  readonly #random: () => number;
  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  int(n: number): number {
    return Math.floor(this.#random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  digits(n: number, first = '0123456789'): string {
    let out = this.pick([...first]);
    for (let i = 1; i < n; i++) out += String(this.int(10));
    return out;
  }

  /** Number literals of every form JSON allows, weighted towards the edges of the fast path. */
  number(): string {
    const sign = this.int(3) === 0 ? '-' : '';
    switch (this.int(12)) {
      case 0:
        return sign + String(this.int(1000));
      case 1:
        return sign + this.pick(['0', '0.0', '0.000']);
      case 2: // embedding-style fractions, leading zeros included
        return `${sign}0.${'0'.repeat(this.int(4))}${this.digits(1 + this.int(9), '123456789')}`;
      case 3: // 14 to 18 digits with the point anywhere
      case 4: {
        const total = 14 + this.int(5);
        const whole = 1 + this.int(total - 1);
        return `${sign}${this.digits(whole, '123456789')}.${this.digits(total - whole)}`;
      }
      case 5: // integers around 2^53 and int64
        return (
          sign +
          this.pick([
            '9007199254740991',
            '9007199254740992',
            '9007199254740993',
            '9223372036854775807',
            '9223372036854775808',
            '123456789012345',
            '1234567890123456',
            '12345678901234567890123',
          ])
        );
      case 6:
        return sign + this.digits(1 + this.int(20), '123456789');
      case 7: // exponents
        return `${sign}${this.digits(1, '123456789')}${this.int(2) ? `.${this.digits(1 + this.int(6))}` : ''}${this.pick(['e', 'E'])}${this.pick(['', '+', '-'])}${this.int(330)}`;
      case 8:
        return sign + this.pick(['1.7976931348623157e308', '5e-324', '2.2250738585072014e-308', '1e400', '1e-400', '4.9e-324']);
      case 9:
        return `${sign}${this.int(100)}.${this.digits(1 + this.int(3))}`;
      default:
        return `${sign}0.${this.digits(9)}`;
    }
  }

  string(): string {
    const pieces = [
      'a',
      'Document',
      ' ',
      'x y',
      'é',
      '中文',
      '👋',
      '\uFEFF',
      '\uFFFD',
      '\u2028',
      '\u007f',
      '"',
      '\\',
      '\n',
      '\t',
      '\u0001',
      '/',
      '\uD83D\uDE00',
    ];
    let s = '';
    for (let n = this.int(5); n > 0; n--) s += this.pick(pieces);
    return s;
  }

  key(): string {
    return this.pick(['a', 'b', 'id', 'title', 'vector', '1', '10', '0', 'constructor', 'toString', 'é', 'k y', '__proto__', 'a\\b']);
  }

  space(): string {
    return this.int(4) === 0 ? this.pick([' ', '\n', '\t', '\r\n  ', '  ']) : '';
  }

  value(depth: number): string {
    const s = () => this.space();
    const kind = depth > 5 ? this.int(4) : this.int(8);
    switch (kind) {
      case 0:
      case 1:
        return this.number();
      case 2:
        return JSON.stringify(this.string());
      case 3:
        return this.pick(['true', 'false', 'null']);
      case 4: {
        const n = this.int(6);
        return `[${s()}${Array.from({ length: n }, () => `${s()}${this.number()}${s()}`).join(',')}${s()}]`;
      }
      case 5:
      case 6: {
        const n = this.int(5);
        return `{${s()}${Array.from({ length: n }, () => `${s()}${JSON.stringify(this.key())}${s()}:${s()}${this.value(depth + 1)}${s()}`).join(',')}${s()}}`;
      }
      default: {
        const n = this.int(5);
        return `[${s()}${Array.from({ length: n }, () => `${s()}${this.value(depth + 1)}${s()}`).join(',')}${s()}]`;
      }
    }
  }

  document(): string {
    return `${this.space()}${this.value(0)}${this.space()}`;
  }

  /** A document broken the ways producers break JSON (some breaks happen to leave it valid). */
  broken(): Uint8Array {
    const text = this.document();
    const at = this.int(text.length + 1);
    const edit = (insert: string, remove = 0) => utf8(text.slice(0, at) + insert + text.slice(at + remove));
    switch (this.int(11)) {
      case 0:
        return utf8(text.slice(0, at));
      case 10: {
        // a structural character swapped for another or dropped
        const marks = [...text].flatMap((ch, i) => ('{}[]:,'.includes(ch) ? [i] : []));
        if (marks.length === 0) return utf8(`${text}]`);
        const i = this.pick(marks);
        return utf8(text.slice(0, i) + this.pick(['{', '}', '[', ']', ':', ',', '', ' ']) + text.slice(i + 1));
      }
      case 1:
        return edit(',');
      case 2:
        return edit(this.pick(['01', '-01', '-', '.5', '1.', 'NaN', 'Infinity', '+1', '1e', '1e+', '0x10', '1.5.5', '--1']));
      case 3:
        return edit(this.pick(['}', ']', '{', '[', ':', '"', "'", 'tru', 'nul']));
      case 4:
        return edit(this.int(2) ? '' : this.pick(['}', ']', ',', ':', ' ', '0', '"', 'x']), 1);
      case 5: {
        const bytes = utf8(text);
        const bad = this.pick([[0xff], [0xc3, 0x28], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]);
        const at8 = this.int(bytes.length + 1);
        return new Uint8Array([...bytes.subarray(0, at8), ...bad, ...bytes.subarray(at8)]);
      }
      case 6:
        return new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
      case 7:
        return edit(this.pick(['\u0000', '\u001f', '\u00a0', '\uFEFF']));
      case 8:
        return utf8(`[${'['.repeat(60 + this.int(10))}${text}${']'.repeat(60 + this.int(10))}]`);
      default:
        return utf8(`${text}${this.pick([',', ' x', '{}', '\u00a0'])}`);
    }
  }
}

describe('parseJsonBytes ≡ decodeUtf8 + parseJson (generated documents)', () => {
  it('agrees on 4,000 valid documents: values, number vs bigint, -0, key order', () => {
    const docs = new Documents(20260101);
    let fast = 0;
    for (let n = 0; n < 4000; n++) {
      const text = docs.document();
      const bytes = utf8(text);
      assertAgrees(bytes, `document ${n}: ${text}`);
      if (tryParseJsonBytes(bytes) !== GIVE_UP) fast++;
    }
    // the comparison proves nothing if the fast path never answers
    assert.ok(fast > 1000, `fast path answered only ${fast} of 4000`);
  });

  it('agrees on 4,000 broken documents: the same error class and message, or the same value', () => {
    const docs = new Documents(4242);
    let errors = 0;
    for (let n = 0; n < 4000; n++) {
      const bytes = docs.broken();
      if ('error' in assertAgrees(bytes, `broken ${n}: ${JSON.stringify(new TextDecoder().decode(bytes))}`)) errors++;
    }
    assert.ok(errors > 2000, `only ${errors} of 4000 were invalid`);
  });

  it('agrees on long vectors whose literals leave the fast path partway', () => {
    const docs = new Documents(7);
    for (let n = 0; n < 200; n++) {
      const items = Array.from({ length: 50 + docs.int(300) }, () => (docs.int(40) === 0 ? docs.number() : `${docs.int(2) ? '-' : ''}0.${docs.digits(9)}`));
      const text = `{"id":${n},"vector":[${items.join(',')}]}`;
      assertAgrees(utf8(text), text);
    }
  });
});
