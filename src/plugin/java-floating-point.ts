/**
 * Java's text for doubles and floats, both ways: Double.toString / Float.toString, and
 * Double.parseDouble / Float.parseFloat, which Kafka calls for DOUBLE config values and for Cast from a
 * string. Parsing accepts exactly Java's grammar: surrounding characters up to U+0020 are ignored; an
 * optional sign; `NaN`, `Infinity`; decimal digits with an optional point and `e` exponent; hexadecimal
 * significands with a mandatory binary exponent (`0x1.8p1` is 3.0); an optional `f`/`F`/`d`/`D` suffix.
 * The result is the nearest double or float (ties to even), rounded once: a float is not a double
 * rounded again, which differs when the double lands exactly halfway between two floats.
 */

const SYMBOLIC = /^([+-]?)(NaN|Infinity)$/;
const DECIMAL = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?[fFdD]?$/;
const HEX = /^([+-]?)0[xX]([\da-fA-F]+\.?[\da-fA-F]*|\.[\da-fA-F]+)[pP]([+-]?\d+)[fFdD]?$/;

interface BinaryFormat {
  /** significand bits, the leading one included */
  readonly precision: number;
  /** exponent of the largest finite value's leading bit */
  readonly maxExponent: number;
  /** exponent of the smallest subnormal */
  readonly minExponent: number;
}

const DOUBLE: BinaryFormat = { precision: 53, maxExponent: 1023, minExponent: -1074 };
const FLOAT: BinaryFormat = { precision: 24, maxExponent: 127, minExponent: -149 };
const FLOAT_MAX = 2 ** 128 - 2 ** 104;

/** Double.parseDouble; undefined where Java throws NumberFormatException. */
export function parseJavaDouble(text: string): number | undefined {
  return parse(text, DOUBLE);
}

/** Float.parseFloat (as the double holding the float); undefined where Java throws NumberFormatException. */
export function parseJavaFloat(text: string): number | undefined {
  return parse(text, FLOAT);
}

function parse(text: string, format: BinaryFormat): number | undefined {
  const trimmed = withoutSurroundingBlanks(text);
  const symbolic = SYMBOLIC.exec(trimmed);
  if (symbolic) return symbolic[2] === 'NaN' ? Number.NaN : symbolic[1] === '-' ? -Infinity : Infinity;
  const hex = HEX.exec(trimmed);
  if (hex) {
    const [, sign, significand, exponent] = hex;
    const [whole, fraction = ''] = significand.split('.');
    const magnitude = roundBinary(BigInt(`0x${whole}${fraction}`), Number(exponent) - 4 * fraction.length, format);
    return sign === '-' ? -magnitude : magnitude;
  }
  const decimal = DECIMAL.exec(trimmed);
  if (!decimal) return undefined;
  const number = trimmed.replace(/[fFdD]$/, '');
  // V8 reads decimal text to the nearest double; a float needs one more look when that double is a tie
  return format === DOUBLE ? Number(number) : decimalToFloat(number);
}

/** Java's parser skips every char up to U+0020 around the number. */
function withoutSurroundingBlanks(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/** m × 2^e rounded once to the format (ties to even), subnormals and overflow included. */
function roundBinary(m: bigint, e: number, format: BinaryFormat): number {
  if (m === 0n) return 0;
  const top = m.toString(2).length - 1 + e;
  if (top > format.maxExponent) return Infinity;
  // below half the smallest subnormal (or exactly half: ties to the even zero)
  if (top < format.minExponent - 1) return 0;
  const lowest = Math.max(top - (format.precision - 1), format.minExponent);
  let kept = m;
  let exponent = e;
  if (lowest > e) {
    const shift = BigInt(lowest - e);
    kept = m >> shift;
    const rest = m - (kept << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (kept & 1n) === 1n)) kept += 1n;
    exponent = lowest;
  }
  // kept has at most precision + 1 bits, so the product is exact (or overflows, as it should)
  const value = Number(kept) * 2 ** exponent;
  return format === FLOAT && value > FLOAT_MAX ? Infinity : value;
}

/**
 * The float nearest to decimal text. Math.fround of the nearest double is that float except when the
 * double is exactly the midpoint of two floats: then the exact decimal decides which side it is on.
 */
function decimalToFloat(text: string): number {
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const d = Number(unsigned);
  const f = Math.fround(d);
  if (f === d || !Number.isFinite(d)) return negative ? -f : f;
  const [lower, upper] = f < d ? [f, adjacentFloat(f, 1)] : [adjacentFloat(f, -1), f];
  const midpoint = upper === Infinity ? FLOAT_MAX + 2 ** 103 : (lower + upper) / 2;
  let result = f;
  if (d === midpoint) {
    const order = compareDecimal(unsigned, midpoint);
    if (order !== 0) result = order > 0 ? upper : lower;
  }
  return negative ? -result : result;
}

/** The float next to a non-negative float, above (1) or below (-1); above the largest is Infinity. */
function adjacentFloat(f: number, step: 1 | -1): number {
  const bits = new Uint32Array(new Float32Array([f]).buffer);
  bits[0] += step;
  return new Float32Array(bits.buffer)[0];
}

/** The exact value of a finite positive double as m × 2^e. */
function binaryOf(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  return biased === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: biased - 1075 };
}

/** The sign of (unsigned decimal text) − x, computed exactly. */
function compareDecimal(text: string, x: number): number {
  const [, whole = '', fraction = '', exponent = '0'] = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text) ?? [];
  const digits = BigInt(`${whole}${fraction}` || '0');
  const power = Number(exponent) - fraction.length;
  const { m, e } = binaryOf(x);
  let left = digits;
  let right = m;
  if (power >= 0) left *= 10n ** BigInt(power);
  else right *= 10n ** BigInt(-power);
  if (e >= 0) right <<= BigInt(e);
  else left <<= BigInt(-e);
  return left === right ? 0 : left > right ? 1 : -1;
}

/** Java's Double.toString: `1.0`, `0.5`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`. */
export function javaDoubleToString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** Java's Float.toString: the shortest decimal that reads back as the same float. */
export function javaFloatToString(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaDoubleToString(f);
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(f.toPrecision(precision));
    if (Math.fround(candidate) === f) return javaDoubleToString(candidate);
  }
  return javaDoubleToString(f);
}
