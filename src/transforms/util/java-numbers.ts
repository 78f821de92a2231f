/**
 * Java's number conversions as Kafka's Cast and MaskField perform them: narrowing casts that wrap
 * (`(byte) 300L == 44`) or saturate (`(int) 1e20 == Integer.MAX_VALUE`), Java's string parsers, and
 * Java's toString of floats and doubles. A value's Java type comes from its schema, or for schemaless
 * data from the value itself (whole numbers are Longs, others Doubles, as JSON gives them).
 */
import { javaDoubleToString, javaFloatToString, parseJavaDouble, parseJavaFloat, SchemaType, type Schema } from '../../plugin/index.js';
import { LogicalName } from './connect-data.js';

export type JavaNumberType = 'byte' | 'short' | 'int' | 'long' | 'float' | 'double' | 'decimal';

/** Java's NumberFormatException: the text is no number of the requested type. */
export class JavaNumberFormatError extends Error {}

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function numberTypeOf(value: unknown, schema: Schema | null): JavaNumberType | null {
  if (schema) {
    if (schema.name === LogicalName.DECIMAL) return 'decimal';
    switch (schema.type) {
      case SchemaType.INT8:
        return 'byte';
      case SchemaType.INT16:
        return 'short';
      case SchemaType.INT32:
        return 'int';
      case SchemaType.INT64:
        return 'long';
      case SchemaType.FLOAT32:
        return 'float';
      case SchemaType.FLOAT64:
        return 'double';
      default:
        return null;
    }
  }
  if (typeof value === 'bigint') return 'long';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  return null;
}

/** A decimal text truncated toward zero (BigDecimal.toBigInteger()). */
function truncateDecimal(text: string): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new JavaNumberFormatError(text);
  const [, sign, whole = '', fraction = '', exponent = '0'] = m;
  const shift = Number(exponent);
  const digits = whole + fraction;
  const point = whole.length + shift;
  const integral = point <= 0 ? '0' : point >= digits.length ? digits + '0'.repeat(point - digits.length) : digits.slice(0, point);
  const n = BigInt(integral === '' ? '0' : integral);
  return sign === '-' ? -n : n;
}

/** Java's (long) of a double: NaN is 0, beyond the range saturates, else truncates toward zero. */
function doubleToLong(x: number, bits: 32 | 64): bigint {
  if (Number.isNaN(x)) return 0n;
  const max = 2n ** BigInt(bits - 1) - 1n;
  const min = -(2n ** BigInt(bits - 1));
  if (x >= Number(max)) return max;
  if (x <= Number(min)) return min;
  return BigInt(Math.trunc(x));
}

/**
 * Number.byteValue()/shortValue()/intValue()/longValue() of a Java number: integers wrap to the width,
 * floats go through an int (or a long for longValue) first, decimals truncate then wrap.
 */
export function javaIntegral(value: number | bigint | string, from: JavaNumberType, bits: 8 | 16 | 32 | 64): bigint {
  if (from === 'decimal') return BigInt.asIntN(bits, truncateDecimal(String(value)));
  if (from === 'float' || from === 'double') return BigInt.asIntN(bits, doubleToLong(Number(value), bits === 64 ? 64 : 32));
  return BigInt.asIntN(bits, typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))));
}

/** A Java long as this worker holds an int64: a number when it is safe, else a bigint. */
export function int64Value(n: bigint): number | bigint {
  const asNumber = Number(n);
  return Number.isSafeInteger(asNumber) ? asNumber : n;
}

/** Integer.parseInt / Long.parseLong / … on the given width; throws JavaNumberFormatError. */
export function parseJavaIntegral(text: string, bits: 8 | 16 | 32 | 64): bigint {
  if (!INTEGER_TEXT.test(text)) throw new JavaNumberFormatError(`For input string: "${text}"`);
  const n = BigInt(text);
  if (n !== BigInt.asIntN(bits, n)) throw new JavaNumberFormatError(`Value out of range. Value:"${text}"`);
  return n;
}

/** Double.parseDouble, or Float.parseFloat for a float; throws JavaNumberFormatError. */
export function parseJavaFloatingPoint(text: string, type: 'float' | 'double'): number {
  const parsed = type === 'float' ? parseJavaFloat(text) : parseJavaDouble(text);
  if (parsed === undefined) throw new JavaNumberFormatError(`For input string: "${text}"`);
  return parsed;
}

/** new BigDecimal(text) as this worker holds a Decimal: the plain decimal text (no exponent). */
export function parseBigDecimal(text: string): string {
  if (!DECIMAL_TEXT.test(text)) throw new JavaNumberFormatError(`Character array is missing "exponent" mark 'e' or 'E'.`);
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const [, sign, whole = '', fraction = '', exponent = '0'] = m;
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '') || '0';
  const scale = fraction.length - Number(exponent);
  let plain: string;
  if (scale <= 0) plain = digits === '0' ? '0' : digits + '0'.repeat(-scale);
  else {
    const padded = digits.padStart(scale + 1, '0');
    plain = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  }
  return sign === '-' ? `-${plain}` : plain;
}

/** new BigDecimal(text).longValue(): Kafka's Values.asLong for text. */
export function bigDecimalLongValue(text: string): bigint {
  return BigInt.asIntN(64, truncateDecimal(parseBigDecimal(text)));
}

/**
 * BigDecimal.toString() of a Decimal held as text: plain notation while the scale is not negative and the
 * adjusted exponent (the power of ten of the first digit) is at least -6, scientific otherwise ("1E+3",
 * "1.234E-7", "0E-8"). The scale is the text's own (its fraction digits, less any exponent); plain text
 * cannot show a negative scale, so a whole-number text under a Decimal schema whose `scale` is negative
 * takes that scale, as the value was decoded with it.
 */
export function bigDecimalToString(text: string, schemaScale?: number): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return text;
  const [, sign, whole = '', fraction = '', exponent = '0'] = m;
  let digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  let scale = fraction.length - Number(exponent);
  if (schemaScale !== undefined && schemaScale < 0 && scale === 0) {
    const zeros = -schemaScale;
    if (digits === '0') scale = schemaScale;
    else if (digits.length > zeros && /^0*$/.test(digits.slice(-zeros))) {
      digits = digits.slice(0, -zeros);
      scale = schemaScale;
    }
  }
  const negative = sign === '-' && /[1-9]/.test(digits);
  const adjusted = digits.length - 1 - scale;
  let body: string;
  if (scale === 0) body = digits;
  else if (scale > 0 && adjusted >= -6) {
    body =
      digits.length > scale
        ? `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
        : `0.${'0'.repeat(scale - digits.length)}${digits}`;
  } else {
    // never adjusted 0 here: a negative scale makes it positive, a positive one below -6
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${mantissa}E${adjusted > 0 ? '+' : ''}${adjusted}`;
  }
  return negative ? `-${body}` : body;
}

/** Java's toString of a number of the given type; a Decimal's with its schema's scale (see bigDecimalToString). */
export function javaNumberToString(value: number | bigint | string, type: JavaNumberType, schema: Schema | null = null): string {
  if (type === 'double') return javaDoubleToString(Number(value));
  if (type === 'float') return javaFloatToString(Number(value));
  if (type === 'decimal') {
    const scale = Number(schema?.parameters?.scale);
    return bigDecimalToString(String(value), Number.isInteger(scale) ? scale : undefined);
  }
  return String(value);
}
