import { SchemaType, type Schema, type SchemaAndValue } from './schema.js';

/**
 * The string → typed value inference of Kafka's Values.parseString, which SimpleHeaderConverter applies to
 * every header: `true`/`false` (any case) are booleans, `null` is null, whole numbers take the smallest of
 * int8/int16/int32/int64 that holds them (`1.0` and `1e3` too), other numbers float32 while finite as a
 * float and float64 beyond, `[a, b]` is an array and `{k: v}` a map (element schema shared when all elements agree,
 * none otherwise), a double-quoted token is its content; anything that is not one whole value stays the
 * original string. Not inferred here (they stay strings): dates/times and numbers beyond int64.
 */
export function parseString(text: string | null): SchemaAndValue {
  if (text === null) return { schema: null, value: null };
  if (text === '') return { schema: STRING, value: '' };
  const parser = new Parser(text);
  try {
    const parsed = parser.value();
    if (parser.atEnd()) return parsed;
  } catch {
    // not a single value: the string as it is
  }
  return { schema: STRING, value: text };
}

const schema = (type: SchemaType): Schema => Object.freeze({ type, optional: false });
const STRING = schema(SchemaType.STRING);
const BOOLEAN = schema(SchemaType.BOOLEAN);
const INT8 = schema(SchemaType.INT8);
const INT16 = schema(SchemaType.INT16);
const INT32 = schema(SchemaType.INT32);
const INT64 = schema(SchemaType.INT64);
const FLOAT32 = schema(SchemaType.FLOAT32);
const FLOAT64 = schema(SchemaType.FLOAT64);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DELIMITERS = '[]{},:"';

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Kafka's parseAsNumber on the token read as a BigDecimal: a whole value (whatever its notation, so `1.0`
 * and `1e3` too) takes the smallest of int8/int16/int32/int64 that holds it; any other value is float32
 * while finite as a float (Kafka's rule: not only when exact), else float64. The value is the text's
 * nearest double either way. What Kafka makes a Decimal (whole numbers beyond int64 written without
 * exponent or fraction, numbers beyond float64) is not inferred: null, so the text stays a string.
 */
function number(token: string): SchemaAndValue | null {
  const m = NUMBER.test(token) ? DECIMAL.exec(token) : null;
  if (!m) return null;
  const [, sign, whole = '', fraction = '', exponent = '0'] = m;
  const scale = fraction.length - Number(exponent);
  const integral = wholeValue(sign + whole + fraction, scale);
  if (integral !== null && integral >= INT64_MIN && integral <= INT64_MAX) {
    const n = Number(integral);
    if (integral >= -128n && integral <= 127n) return { schema: INT8, value: n };
    if (integral >= -32768n && integral <= 32767n) return { schema: INT16, value: n };
    if (integral >= -2147483648n && integral <= 2147483647n) return { schema: INT32, value: n };
    return { schema: INT64, value: Number.isSafeInteger(n) ? n : integral };
  }
  const x = Number(token);
  if (scale === 0 || !Number.isFinite(x)) return null;
  return Number.isFinite(Math.fround(x)) ? { schema: FLOAT32, value: x } : { schema: FLOAT64, value: x };
}

/** digits × 10^-scale as a bigint when that is a whole number (null otherwise, or when absurdly large). */
function wholeValue(digits: string, scale: number): bigint | null {
  if (scale > 0) {
    const kept = digits.length - scale;
    if (!/^0*$/.test(digits.slice(Math.max(kept, 0)).replace(/^[+-]/, ''))) return null;
    return kept <= 0 || digits.slice(0, kept).replace(/^[+-]$/, '') === '' ? 0n : BigInt(digits.slice(0, kept));
  }
  // beyond 10^40 it is outside int64 anyway; avoid building huge bigints from exponents like 1e999999
  if (-scale > 40 && !/^[+-]?0*$/.test(digits)) return 2n ** 64n;
  return BigInt(digits === '' || /^[+-]$/.test(digits) ? '0' : digits) * 10n ** BigInt(-scale);
}

/** The element schema when every non-null element has the same one, else none (Kafka's commonSchemaFor). */
function common(schemas: Array<Schema | null>): Schema | null {
  let found: Schema | null = null;
  for (const s of schemas) {
    if (s === null) continue;
    if (found !== null && found.type !== s.type) return null;
    found = s;
  }
  return found;
}

class Parser {
  #pos = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean {
    this.#skipSpace();
    return this.#pos >= this.text.length;
  }

  value(): SchemaAndValue {
    this.#skipSpace();
    const c = this.text[this.#pos];
    if (c === '[') return this.#array();
    if (c === '{') return this.#map();
    if (c === '"') return { schema: STRING, value: this.#quoted() };
    const token = this.#token();
    if (token === '') throw new Error('no value');
    if (/^(true|false)$/i.test(token)) return { schema: BOOLEAN, value: token.toLowerCase() === 'true' };
    if (token === 'null') return { schema: null, value: null };
    return number(token) ?? { schema: STRING, value: token };
  }

  #array(): SchemaAndValue {
    this.#pos++;
    const items: SchemaAndValue[] = [];
    if (!this.#consume(']')) {
      do items.push(this.value());
      while (this.#consume(','));
      if (!this.#consume(']')) throw new Error('unterminated array');
    }
    const element = common(items.map((i) => i.schema));
    return { schema: element ? Object.freeze({ type: SchemaType.ARRAY, optional: false, valueSchema: element }) : null, value: items.map((i) => i.value) };
  }

  #map(): SchemaAndValue {
    this.#pos++;
    const entries: Array<[SchemaAndValue, SchemaAndValue]> = [];
    if (!this.#consume('}')) {
      do {
        const key = this.value();
        if (!this.#consume(':')) throw new Error('map entry without value');
        entries.push([key, this.value()]);
      } while (this.#consume(','));
      if (!this.#consume('}')) throw new Error('unterminated map');
    }
    const keySchema = common(entries.map(([k]) => k.schema));
    const valueSchema = common(entries.map(([, v]) => v.schema));
    const stringKeys = entries.every(([k]) => typeof k.value === 'string');
    const value = stringKeys ? Object.fromEntries(entries.map(([k, v]) => [k.value, v.value])) : new Map(entries.map(([k, v]) => [k.value, v.value]));
    const mapSchema = keySchema && valueSchema ? Object.freeze({ type: SchemaType.MAP, optional: false, keySchema, valueSchema }) : null;
    return { schema: mapSchema, value };
  }

  #quoted(): string {
    let out = '';
    for (this.#pos++; this.#pos < this.text.length; this.#pos++) {
      const c = this.text[this.#pos];
      if (c === '\\' && this.#pos + 1 < this.text.length) out += this.text[++this.#pos];
      else if (c === '"') {
        this.#pos++;
        return out;
      } else out += c;
    }
    throw new Error('unterminated string');
  }

  #token(): string {
    const start = this.#pos;
    while (this.#pos < this.text.length && !DELIMITERS.includes(this.text[this.#pos])) this.#pos++;
    return this.text.slice(start, this.#pos).trim();
  }

  #consume(c: string): boolean {
    this.#skipSpace();
    if (this.text[this.#pos] !== c) return false;
    this.#pos++;
    return true;
  }

  #skipSpace(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos])) this.#pos++;
  }
}
