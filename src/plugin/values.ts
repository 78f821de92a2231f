import { decimalText } from './decimal.js';
import { DataError } from './errors.js';
import { javaTrim } from './config-def.js';
import { parseJavaDouble, parseJavaFloat } from './java-floating-point.js';
import { LogicalName, SchemaType, type Schema, type SchemaAndValue } from './schema.js';
import { DateParseError, SimpleDateFormat } from './simple-date-format.js';

/**
 * Kafka's Values.parseString, which SimpleHeaderConverter applies to every header and InsertHeader to its
 * literal: the same tokenizer (`:` `,` `[` `]` `{` `}` `"` are delimiters unless escaped with `\`) and the
 * same rules, in order. `true`, `false` and `null` (exactly so) alone; `[…]` an array and `{…}` a map
 * whose elements are read the same way (strings inside must be quoted; a quoted string stays as written,
 * escapes included) and whose element schema is the one they share, numbers widening as Kafka's
 * SchemaMerger widens them (none when they disagree, and a null element among typed ones makes the whole
 * text a string); a token starting with a digit that is an ISO date (`2024-01-31`), time
 * (`10:15:30.000Z`) or timestamp (`2024-01-31T10:15:30.000Z`) by Kafka's patterns, read leniently in
 * UTC, is a Date, Time or Timestamp; then a number: whole values take the smallest of int8 to int64
 * (`1.0` and `1e3` too), others float32 while a float holds them and float64 beyond, and what neither
 * holds a Decimal; anything else is the whole text as a string. Differences from Kafka: a float32 keeps
 * the double nearest to its text (Kafka narrows it to a Java float, also for integers widened into a
 * float list), only ASCII digits are digits, and a Decimal whose plain text would pass 10,000 characters
 * (`1e99999`) stays a string.
 */
export function parseString(text: string | null): SchemaAndValue {
  if (text === null) return NULL;
  if (text === '') return { schema: STRING, value: '' };
  return new ValueParser(new Parser(text)).parse(false) ?? NULL;
}

const schema = (type: SchemaType, more: Partial<Schema> = {}): Schema => Object.freeze({ type, optional: false, ...more });
const NULL: SchemaAndValue = Object.freeze({ schema: null, value: null });
const STRING = schema(SchemaType.STRING);
const BOOLEAN = schema(SchemaType.BOOLEAN);
const INT8 = schema(SchemaType.INT8);
const INT16 = schema(SchemaType.INT16);
const INT32 = schema(SchemaType.INT32);
const INT64 = schema(SchemaType.INT64);
const FLOAT32 = schema(SchemaType.FLOAT32);
const FLOAT64 = schema(SchemaType.FLOAT64);
const DATE = schema(SchemaType.INT32, { name: LogicalName.DATE, version: 1 });
const TIME = schema(SchemaType.INT32, { name: LogicalName.TIME, version: 1 });
const TIMESTAMP = schema(SchemaType.INT64, { name: LogicalName.TIMESTAMP, version: 1 });
const decimalSchema = (scale: number): Schema => schema(SchemaType.BYTES, { name: LogicalName.DECIMAL, version: 1, parameters: { scale: String(scale) } });

const MILLIS_PER_DAY = 86_400_000;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const MAX_DECIMAL_TEXT = 10_000;
const DELIMITERS = ':,{}[]"';

/** Kafka's ISO patterns, told apart by the length of the text (quotes in the pattern not counted). */
const TEMPORAL: ReadonlyMap<number, { readonly format: SimpleDateFormat; readonly schema: Schema }> = new Map([
  [13, { format: new SimpleDateFormat("HH:mm:ss.SSS'Z'"), schema: TIME }],
  [24, { format: new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"), schema: TIMESTAMP }],
  [10, { format: new SimpleDateFormat('yyyy-MM-dd'), schema: DATE }],
]);

const isBlank = (s: string | null): boolean => s === null || javaTrim(s) === '';

/** Kafka's Values.Parser: tokens split at unescaped delimiters, each delimiter a token of its own. */
class Parser {
  #index = 0;
  #nextToken: string | null = null;
  #previousToken: string | null = null;

  constructor(readonly original: string) {}

  position(): number {
    return this.#index;
  }

  mark(): number {
    return this.#index - (this.#nextToken?.length ?? 0);
  }

  rewindTo(position: number): void {
    this.#index = position;
    this.#nextToken = null;
    this.#previousToken = null;
  }

  hasNext(): boolean {
    return this.#nextToken !== null || this.#canConsumeNextToken();
  }

  #canConsumeNextToken(): boolean {
    return this.original.length > this.#index;
  }

  next(): string {
    if (this.#nextToken !== null) {
      this.#previousToken = this.#nextToken;
      this.#nextToken = null;
    } else {
      this.#previousToken = this.#consumeNextToken();
    }
    return this.#previousToken;
  }

  /** The text of the next n tokens, or null (and nothing consumed) when there are fewer. */
  nextTokens(n: number): string | null {
    const start = this.mark();
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.slice(start, this.position());
  }

  previous(): string | null {
    return this.#previousToken;
  }

  #consumeNextToken(): string {
    let escaped = false;
    const start = this.#index;
    for (; this.#canConsumeNextToken(); this.#index++) {
      const c = this.original[this.#index];
      if (c === '\\') {
        escaped = !escaped;
      } else if (DELIMITERS.includes(c) && !escaped) {
        if (start < this.#index) return this.original.slice(start, this.#index);
        this.#index++;
        return c;
      } else {
        escaped = false;
      }
    }
    return this.original.slice(start, this.#index);
  }

  /** Consumes the next token (blank tokens skipped) when it is `expected`, surrounding whitespace aside. */
  canConsume(expected: string): boolean {
    if (this.#nextToken === null) {
      if (!this.hasNext()) return false;
      this.#nextToken = this.#consumeNextToken();
    }
    while (isBlank(this.#nextToken) && this.#canConsumeNextToken()) this.#nextToken = this.#consumeNextToken();
    if (javaTrim(this.#nextToken ?? '') !== expected) return false;
    this.#nextToken = null;
    return true;
  }
}

/** Kafka's Values.ValueParser. DataError is its DataException: "not this kind of value", caught by an enclosing array or map. */
class ValueParser {
  constructor(readonly parser: Parser) {}

  #singleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.parser.mark();
    // a literal alone; at the top level, followed by anything it is part of a string ("true}")
    if (this.parser.canConsume(literal) && (embedded || !this.parser.hasNext())) return true;
    this.parser.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): SchemaAndValue | null {
    const parser = this.parser;
    if (!parser.hasNext()) return null;
    if (embedded && parser.canConsume('"')) return this.#quotedString();
    if (this.#singleTokenLiteral(embedded, 'null')) return null;
    if (this.#singleTokenLiteral(embedded, 'true')) return { schema: BOOLEAN, value: true };
    if (this.#singleTokenLiteral(embedded, 'false')) return { schema: BOOLEAN, value: false };
    const start = parser.mark();
    try {
      if (parser.canConsume('[')) return this.#array();
      if (parser.canConsume('{')) return this.#map();
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      parser.rewindTo(start);
    }
    const token = parser.next();
    if (isBlank(token)) return { schema: STRING, value: token };
    return this.#nextToken(embedded, javaTrim(token));
  }

  #nextToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token[0];
    const digitFirst = first >= '0' && first <= '9';
    if (digitFirst) {
      // a time or timestamp spans five tokens, its colons being delimiters
      const position = this.parser.mark();
      const rest = this.parser.nextTokens(4);
      const spanning = rest === null ? null : temporalValue(token + rest);
      if (spanning !== null) return spanning;
      this.parser.rewindTo(position);
      const temporal = temporalValue(token);
      if (temporal !== null) return temporal;
    }
    if (digitFirst || first === '+' || first === '-') {
      const parsed = numberValue(token);
      if (parsed !== null) return parsed;
    }
    if (embedded) throw new DataError('Failed to parse embedded value');
    return { schema: STRING, value: this.parser.original };
  }

  #quotedString(): SchemaAndValue {
    let content = '';
    while (this.parser.hasNext()) {
      if (this.parser.canConsume('"')) break;
      content += this.parser.next();
    }
    return temporalValue(content) ?? { schema: STRING, value: content };
  }

  #array(): SchemaAndValue {
    const parser = this.parser;
    const items: unknown[] = [];
    const element = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume(']')) {
        const common = element.schema;
        if (common === null) return { schema: schema(SchemaType.ARRAY), value: items };
        return { schema: schema(SchemaType.ARRAY, { valueSchema: common }), value: items.map((item) => convertTo(common, item)) };
      }
      if (parser.canConsume(',')) throw new DataError(`Unable to parse an empty array element: ${parser.original}`);
      const parsed = this.parse(true);
      element.merge(parsed);
      items.push(parsed?.value ?? null);
      const position = parser.mark();
      if (parser.canConsume(']')) parser.rewindTo(position);
      else if (!parser.canConsume(',')) throw new DataError("Array elements missing ',' delimiter");
    }
    if (parser.previous() === ',') throw new DataError(`Array is missing element after ',': ${parser.original}`);
    throw new DataError(`Array is missing terminating ']': ${parser.original}`);
  }

  #map(): SchemaAndValue {
    const parser = this.parser;
    const entries: Array<[unknown, unknown]> = [];
    const keys = new SchemaMerger();
    const values = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume('}')) {
        const keySchema = keys.schema;
        const valueSchema = values.schema;
        if (keySchema === null) return { schema: schema(SchemaType.MAP), value: mapValue(entries) };
        const aligned = entries.map(([k, v]): [unknown, unknown] => [convertTo(keySchema, k), valueSchema === null ? v : convertTo(valueSchema, v)]);
        return { schema: schema(SchemaType.MAP, { keySchema, ...(valueSchema === null ? {} : { valueSchema }) }), value: mapValue(aligned) };
      }
      if (parser.canConsume(',')) throw new DataError(`Unable to parse a map entry with no key or value: ${parser.original}`);
      const key = this.parse(true);
      if (key === null || key.value === null) throw new DataError(`Map entry may not have a null key: ${parser.original}`);
      if (!parser.canConsume(':')) throw new DataError(`Map entry is missing ':' at ${parser.position()} in ${parser.original}`);
      const value = this.parse(true);
      entries.push([key.value, value?.value ?? null]);
      parser.canConsume(',');
      keys.merge(key);
      values.merge(value);
    }
    if (parser.previous() === ',') throw new DataError(`Map is missing element after ',': ${parser.original}`);
    throw new DataError(`Map is missing terminating '}': ${parser.original}`);
  }
}

/** String keys make a plain object (this worker's map form); any other key a Map. Later keys replace earlier ones. */
function mapValue(entries: ReadonlyArray<[unknown, unknown]>): unknown {
  if (entries.every(([k]) => typeof k === 'string')) return Object.fromEntries(entries);
  return new Map(entries);
}

/** Kafka's parseAsTemporal: by its length, one of the ISO patterns (escaped colons allowed), read leniently in UTC. */
function temporalValue(text: string): SchemaAndValue | null {
  const token = text.replaceAll('\\:', ':');
  const temporal = TEMPORAL.get(token.length);
  if (temporal === undefined) return null;
  try {
    const value = temporal.format.parse(token);
    // beyond what a JavaScript Date holds (year 275760): not read as a date here
    return Number.isNaN(value.getTime()) ? null : { schema: temporal.schema, value };
  } catch (error) {
    if (error instanceof DateParseError) return null;
    throw error;
  }
}

/** new BigDecimal(token): its unscaled digits and scale, or null where Java throws NumberFormatException. */
function bigDecimal(token: string): { unscaled: bigint; scale: number; digits: string } | null {
  const m = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/.exec(token);
  if (!m) return null;
  const sign = m[1];
  const whole = m[2] ?? '';
  const fraction = m[3] ?? m[4] ?? '';
  const exponentText = m[5] ?? '0';
  const exponent = Number(exponentText);
  const scale = fraction.length - exponent;
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 2 ** 31 - 1 || Math.abs(scale) > 2 ** 31 - 1) return null;
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  const magnitude = BigInt(digits);
  return { unscaled: sign === '-' ? -magnitude : magnitude, scale, digits };
}

/** Kafka's parseAsNumber; null where the token is no BigDecimal (or a Decimal too long to hold as text). */
function numberValue(token: string): SchemaAndValue | null {
  const decimal = bigDecimal(token);
  if (decimal === null) return null;
  const { unscaled, scale, digits } = decimal;
  const whole = wholeValue(unscaled, scale, digits);
  if (whole !== null && whole >= LONG_MIN && whole <= LONG_MAX) {
    const n = Number(whole);
    if (whole >= -128n && whole <= 127n) return { schema: INT8, value: n };
    if (whole >= -32768n && whole <= 32767n) return { schema: INT16, value: n };
    if (whole >= -2147483648n && whole <= 2147483647n) return { schema: INT32, value: n };
    return { schema: INT64, value: Number.isSafeInteger(n) ? n : whole };
  }
  if (scale !== 0 && Number.isFinite(parseJavaFloat(token))) return { schema: FLOAT32, value: parseJavaDouble(token) };
  const double = parseJavaDouble(token);
  if (scale !== 0 && double !== undefined && Number.isFinite(double)) return { schema: FLOAT64, value: double };
  const length = digits.length + Math.max(-scale, 0);
  if (length > MAX_DECIMAL_TEXT) return null;
  return { schema: decimalSchema(scale), value: decimalText(unscaled, scale) };
}

/** unscaled × 10^-scale when it is a whole number; null otherwise, or when it is far beyond 64 bits. */
function wholeValue(unscaled: bigint, scale: number, digits: string): bigint | null {
  if (unscaled === 0n) return 0n;
  if (scale <= 0) return digits.length - scale > 40 ? null : unscaled * 10n ** BigInt(-scale);
  const zeros = digits.length - digits.replace(/0+$/, '').length;
  if (zeros < scale) return null;
  return unscaled / 10n ** BigInt(scale);
}

/**
 * Kafka's SchemaMerger: the schema all elements share. Numbers widen (int8 → int16 → int32 → int64 →
 * float32 → float64; Date and Time count as int32, Timestamp as int64, so they widen too); two schemas
 * of one type give the later one; anything else has no common schema, for good.
 */
class SchemaMerger {
  #common: Schema | null = null;
  #compatible = true;

  get schema(): Schema | null {
    return this.#common;
  }

  merge(latest: SchemaAndValue | null): void {
    if (latest === null || latest.schema === null || !this.#compatible) return;
    if (this.#common === null) {
      this.#common = latest.schema;
      return;
    }
    this.#common = mergeSchemas(this.#common, latest.schema);
    this.#compatible = this.#common !== null;
  }
}

const NUMERIC_ORDER: readonly SchemaType[] = [SchemaType.INT8, SchemaType.INT16, SchemaType.INT32, SchemaType.INT64, SchemaType.FLOAT32, SchemaType.FLOAT64];

function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type === next.type) return next;
  const a = NUMERIC_ORDER.indexOf(previous.type);
  const b = NUMERIC_ORDER.indexOf(next.type);
  if (a < 0 || b < 0) return null;
  return b > a ? next : previous;
}

/** Kafka's convertTo(schema, null, value) as the aligning of a list or map to its common schema uses it. */
function convertTo(target: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (target.optional) return null;
    throw new DataError('Unable to convert a null value to a schema that requires a value');
  }
  switch (target.name) {
    case LogicalName.DATE:
      return value instanceof Date ? value : new Date(Number(BigInt.asIntN(32, asLong(value))) * MILLIS_PER_DAY);
    case LogicalName.TIME: {
      if (value instanceof Date) return value;
      const millis = Number(BigInt.asIntN(32, asLong(value)));
      if (millis < 0 || millis > MILLIS_PER_DAY) throw new DataError('Time values must use number of milliseconds greater than 0 and less than 86400000');
      return new Date(millis);
    }
    case LogicalName.TIMESTAMP:
      return value instanceof Date ? value : new Date(Number(asLong(value)));
  }
  switch (target.type) {
    case SchemaType.INT8:
    case SchemaType.INT16:
    case SchemaType.INT32:
    case SchemaType.INT64:
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64:
      // widening keeps the value (a float32 keeps its exact double here, see parseString)
      if (value instanceof Date) throw new DataError(`Unable to convert ${value.toISOString()} (class java.util.Date) to a number`);
      return value;
    default:
      return value;
  }
}

function asLong(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  throw new DataError(`Unable to convert ${String(value)} to a number`);
}
