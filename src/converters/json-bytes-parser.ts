/**
 * A fast path for JSON record values: parses the UTF-8 bytes directly, without decoding the whole record
 * into a string, and reads arrays of numbers (embedding vectors) through a scratch Float64Array into
 * double arrays, without a heap number per element. Decoding and JSON.parse were most of a sink task's CPU
 * and garbage on 768-dimension vectors.
 *
 * It answers only where it is sure to build exactly what parseJson(decodeUtf8(bytes)) builds (same
 * values, number vs bigint, key order, last duplicate wins, -0) and returns GIVE_UP for everything else:
 * string escapes, control characters, non-UTF-8 text, a "__proto__" key, deep nesting, any syntax error,
 * blank input. The caller then takes the canonical path, which also words the error for invalid input.
 */

export const GIVE_UP: unique symbol = Symbol('give up');
export type GiveUp = typeof GIVE_UP;
/** From inside: leave the whole document to the text path. */
const TEXT_PATH: unique symbol = Symbol('text path');
type TextPath = typeof TEXT_PATH;

/** Deeper documents are rare in records; the canonical path copes with them without risking the stack here. */
const MAX_DEPTH = 64;

// fatal: text the lenient decoder would repair is rejected by the canonical path, so the fast path stays
// out of it; ignoreBOM: a U+FEFF at the start of a string is content, not a byte-order mark
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// the binding behind buffer.toString('latin1'); it takes any Uint8Array, and ASCII needs no decoding
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

// 10^k is an exact double up to k = 22; literals use at most 15 digits here
const POW10 = new Float64Array([1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]);
const SIGN = new Float64Array([1, -1]);
/** Up to 15 digits the mantissa stays below 2^53, so it and 10^k are exact and one division rounds correctly. */
const MAX_EXACT_DIGITS = 15;

/** Reused across records: the number loop fills it, then copies exactly the right count into the result. */
let scratch = new Float64Array(1024);
/** Milvus vectors have at most 32,768 dimensions; longer arrays take the text path rather than pin a larger scratch. */
const MAX_SCRATCH = 1 << 16;

// biome-ignore lint/suspicious/noConstEnum: file-local, so tsc inlines the byte values in the hot parse loop
const enum Byte {
  Tab = 0x09,
  Lf = 0x0a,
  Cr = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerE = 0x65,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

function isSpace(c: number): boolean {
  return c === Byte.Space || c === Byte.Lf || c === Byte.Cr || c === Byte.Tab;
}

/** The value of one number literal by the canonical rule (json-parse.ts parseNumber on the lossless path). */
function numberFromText(text: string, integer: boolean): number | bigint {
  const n = Number(text);
  return integer && !Number.isSafeInteger(n) ? BigInt(text) : n;
}

class BytesParser {
  /** Position after the last thing read; each method takes its start from here and leaves its end here. */
  pos = 0;
  readonly #bytes: Uint8Array;
  readonly #end: number;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#end = bytes.length;
  }

  document(): unknown {
    const start = this.#skipSpace(0);
    if (start === this.#end) return GIVE_UP;
    this.pos = start;
    const value = this.#value(0);
    if (value === GIVE_UP || this.#skipSpace(this.pos) !== this.#end) return GIVE_UP;
    return value;
  }

  #skipSpace(i: number): number {
    const b = this.#bytes;
    const end = this.#end;
    while (i < end && isSpace(b[i])) i++;
    return i;
  }

  /** At the first byte of a value. */
  #value(depth: number): unknown {
    const b = this.#bytes;
    const i = this.pos;
    const c = b[i];
    if (c === Byte.Quote) return this.#string();
    if (c === Byte.OpenBrace) return depth < MAX_DEPTH ? this.#object(depth + 1) : GIVE_UP;
    if (c === Byte.OpenBracket) return depth < MAX_DEPTH ? this.#array(depth + 1) : GIVE_UP;
    if (c === Byte.Minus || (c >= Byte.Zero && c <= Byte.Nine)) return this.#number();
    if (this.#literal(i, 'true')) return true;
    if (this.#literal(i, 'false')) return false;
    if (this.#literal(i, 'null')) return null;
    return GIVE_UP;
  }

  #literal(i: number, word: string): boolean {
    const b = this.#bytes;
    if (i + word.length > this.#end) return false;
    for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return false;
    this.pos = i + word.length;
    return true;
  }

  /** At the opening quote. */
  #string(): string | GiveUp {
    const b = this.#bytes;
    const end = this.#end;
    const start = this.pos + 1;
    let ascii = true;
    let i = start;
    for (; i < end; i++) {
      const c = b[i];
      if (c === Byte.Quote) break;
      if (c < Byte.Space || c === Byte.Backslash) return GIVE_UP;
      if (c >= 0x80) ascii = false;
    }
    if (i === end) return GIVE_UP;
    this.pos = i + 1;
    if (ascii) return latin1Slice.call(b, start, i);
    try {
      return strictDecoder.decode(b.subarray(start, i));
    } catch {
      return GIVE_UP;
    }
  }

  /** At the first byte of a number; leaves pos after its last byte. */
  #number(): number | bigint | GiveUp {
    const b = this.#bytes;
    const end = this.#end;
    const start = this.pos;
    let i = start;
    const negative = b[i] === Byte.Minus;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let c = i < end ? b[i] : 0;
    if (c === Byte.Zero) {
      i++;
      digits = 1;
      c = i < end ? b[i] : 0;
      if (c >= Byte.Zero && c <= Byte.Nine) return GIVE_UP; // a leading zero
    } else if (c >= Byte.Zero + 1 && c <= Byte.Nine) {
      do {
        mantissa = mantissa * 10 + (c - Byte.Zero);
        digits++;
        i++;
        c = i < end ? b[i] : 0;
      } while (c >= Byte.Zero && c <= Byte.Nine);
    } else {
      return GIVE_UP;
    }
    let fraction = 0;
    if (c === Byte.Dot) {
      i++;
      c = i < end ? b[i] : 0;
      if (!(c >= Byte.Zero && c <= Byte.Nine)) return GIVE_UP;
      do {
        mantissa = mantissa * 10 + (c - Byte.Zero);
        fraction++;
        i++;
        c = i < end ? b[i] : 0;
      } while (c >= Byte.Zero && c <= Byte.Nine);
    }
    let exponent = false;
    if (c === Byte.LowerE || c === Byte.UpperE) {
      exponent = true;
      i++;
      c = i < end ? b[i] : 0;
      if (c === Byte.Plus || c === Byte.Minus) {
        i++;
        c = i < end ? b[i] : 0;
      }
      if (!(c >= Byte.Zero && c <= Byte.Nine)) return GIVE_UP;
      do {
        i++;
        c = i < end ? b[i] : 0;
      } while (c >= Byte.Zero && c <= Byte.Nine);
    }
    this.pos = i;
    if (!exponent && digits + fraction <= MAX_EXACT_DIGITS) {
      const value = fraction === 0 ? mantissa : mantissa / POW10[fraction];
      return negative ? -value : value;
    }
    return numberFromText(latin1Slice.call(b, start, i), fraction === 0 && !exponent);
  }

  /** At '['. */
  #array(depth: number): unknown[] | GiveUp {
    const open = this.pos;
    const i = this.#skipSpace(open + 1);
    const c = this.#bytes[i];
    if (c === Byte.Minus || (c >= Byte.Zero && c <= Byte.Nine)) {
      this.pos = i;
      const numbers = this.#numbers();
      if (numbers === TEXT_PATH) return GIVE_UP;
      if (numbers !== GIVE_UP) return numbers;
      // not numbers only (or invalid): read it again with the general loop, which decides
      this.pos = open;
    }
    return this.#items(depth);
  }

  /**
   * At the first of the numbers of an array, through its ']'. Vectors are most of a record, so this loop
   * is written for the machine: the index in a local, `| 0` turning a read past the end into a non-digit,
   * digit tests as one unsigned compare, counts taken from positions, the sign as a factor rather than a
   * branch (signs of embeddings are random, so a branch mispredicts half the time), fraction digits in
   * pairs. GIVE_UP: not an
   * array of numbers only, or not valid; TEXT_PATH: a literal it cannot read exactly (exponent, more than
   * 15 digits; the text path reads a vector of those faster than #number would), or a huge array.
   */
  #numbers(): number[] | GiveUp | TextPath {
    const b = this.#bytes;
    let out = scratch;
    let n = 0;
    let i = this.pos;
    for (;;) {
      // 1 for '-', else 0, without a branch (V8 compiles `b[i] === Byte.Minus ? 1 : 0` to one: ~15% slower)
      const negative = ((b[i] ^ Byte.Minus) - 1) >>> 31;
      i += negative;
      const first = i;
      let mantissa = 0;
      let d = (b[i] | 0) - Byte.Zero;
      if (d === 0) {
        d = (b[++i] | 0) - Byte.Zero;
        if (d >>> 0 < 10) return GIVE_UP; // a leading zero
      } else if (d >>> 0 < 10) {
        do {
          mantissa = mantissa * 10 + d;
          d = (b[++i] | 0) - Byte.Zero;
        } while (d >>> 0 < 10);
      } else {
        return GIVE_UP;
      }
      const digits = i - first;
      let fraction = 0;
      if (d === Byte.Dot - Byte.Zero) {
        const fractionStart = ++i;
        d = (b[i] | 0) - Byte.Zero;
        if (d >>> 0 >= 10) return GIVE_UP;
        // two digits a step: embeddings print ~9 fraction digits, and half the loop exits mispredict
        // half as often (~15% faster than one digit a step; four a step was slower)
        for (;;) {
          const next = (b[i + 1] | 0) - Byte.Zero;
          if (next >>> 0 >= 10) {
            mantissa = mantissa * 10 + d;
            d = next;
            i++;
            break;
          }
          mantissa = mantissa * 100 + (d * 10 + next);
          i += 2;
          d = (b[i] | 0) - Byte.Zero;
          if (d >>> 0 >= 10) break;
        }
        fraction = i - fractionStart;
      }
      if ((d | 0x20) === Byte.LowerE - Byte.Zero || digits + fraction > MAX_EXACT_DIGITS) return TEXT_PATH;
      // × ±1 is exact and keeps -0
      const value = (mantissa / POW10[fraction]) * SIGN[negative];
      if (n === out.length) {
        if (n >= MAX_SCRATCH) return TEXT_PATH;
        const grown = new Float64Array(n * 2);
        grown.set(out);
        scratch = out = grown;
      }
      out[n++] = value;
      let c = d + Byte.Zero;
      while (isSpace(c)) c = b[++i] | 0;
      if (c === Byte.Comma) {
        c = b[++i] | 0;
        while (isSpace(c)) c = b[++i] | 0;
        continue;
      }
      if (c !== Byte.CloseBracket) return GIVE_UP;
      this.pos = i + 1;
      break;
    }
    const result = new Array<number>(n);
    for (let k = 0; k < n; k++) result[k] = out[k];
    return result;
  }

  /** At '['. */
  #items(depth: number): unknown[] | GiveUp {
    const b = this.#bytes;
    const result: unknown[] = [];
    let i = this.#skipSpace(this.pos + 1);
    if (b[i] === Byte.CloseBracket) {
      this.pos = i + 1;
      return result;
    }
    for (;;) {
      if (i === this.#end) return GIVE_UP;
      this.pos = i;
      const value = this.#value(depth);
      if (value === GIVE_UP) return GIVE_UP;
      result.push(value);
      i = this.#skipSpace(this.pos);
      const c = b[i];
      i = this.#skipSpace(i + 1);
      if (c === Byte.Comma) continue;
      if (c !== Byte.CloseBracket) return GIVE_UP;
      this.pos = i;
      return result;
    }
  }

  /** At '{'. */
  #object(depth: number): Record<string, unknown> | GiveUp {
    const b = this.#bytes;
    const result: Record<string, unknown> = {};
    let i = this.#skipSpace(this.pos + 1);
    if (b[i] === Byte.CloseBrace) {
      this.pos = i + 1;
      return result;
    }
    for (;;) {
      if (b[i] !== Byte.Quote) return GIVE_UP;
      this.pos = i;
      const key = this.#string();
      // assignment would set the prototype where JSON.parse defines an own property
      if (key === GIVE_UP || key === '__proto__') return GIVE_UP;
      i = this.#skipSpace(this.pos);
      if (b[i] !== Byte.Colon) return GIVE_UP;
      i = this.#skipSpace(i + 1);
      if (i === this.#end) return GIVE_UP;
      this.pos = i;
      const value = this.#value(depth);
      if (value === GIVE_UP) return GIVE_UP;
      result[key] = value;
      i = this.#skipSpace(this.pos);
      const c = b[i];
      i = this.#skipSpace(i + 1);
      if (c === Byte.Comma) continue;
      if (c !== Byte.CloseBrace) return GIVE_UP;
      this.pos = i;
      return result;
    }
  }
}

/**
 * UTF-8 JSON bytes → the value parseJson(decodeUtf8(bytes)) gives, or GIVE_UP when this parser is not
 * sure to agree (it never throws for bad input; the canonical path words that error).
 */
export function tryParseJsonBytes(bytes: Uint8Array): unknown {
  return new BytesParser(bytes).document();
}
