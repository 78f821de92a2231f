import { SchemaType, type Schema, type SchemaAndValue } from '../plugin/index.js';

/**
 * The string → typed value inference of Kafka's Values.parseString, which SimpleHeaderConverter applies to
 * every header: `true`/`false` (any case) are booleans, `null` is null, whole numbers take the smallest of
 * int8/int16/int32/int64 that holds them, other numbers float32 when exact as a float and float64
 * otherwise, `[a, b]` is an array and `{k: v}` a map (element schema shared when all elements agree,
 * none otherwise), a double-quoted token is its content; anything that is not one whole value stays the
 * original string. Not inferred here (they stay strings): dates/times and numbers beyond int64.
 */
export function parseHeaderString(text: string | null): SchemaAndValue {
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

function number(token: string): SchemaAndValue | null {
  if (!NUMBER.test(token)) return null;
  if (/^[+-]?\d+$/.test(token)) {
    const n = BigInt(token);
    if (n >= -128n && n <= 127n) return { schema: INT8, value: Number(n) };
    if (n >= -32768n && n <= 32767n) return { schema: INT16, value: Number(n) };
    if (n >= -2147483648n && n <= 2147483647n) return { schema: INT32, value: Number(n) };
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return { schema: INT64, value: Number.isSafeInteger(Number(n)) ? Number(n) : n };
    return null;
  }
  const x = Number(token);
  if (!Number.isFinite(x)) return null;
  return Math.fround(x) === x ? { schema: FLOAT32, value: x } : { schema: FLOAT64, value: x };
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
