import { parse as parseLossless } from 'lossless-json';
import { GIVE_UP, tryParseJsonBytes } from './json-bytes-parser.js';

/**
 * Lossless JSON for converters. Integers beyond ±(2^53-1) must reach Milvus' Int64 fields exactly, but
 * JSON.parse rounds them and a lossless parser is several times slower. So: parse with JSON.parse, and
 * only when the result holds a number beyond the safe range (every rounded integer literal ends up
 * there) parse the text again losslessly. Checking the parsed values is far cheaper than scanning the
 * text: ~1 µs for a 768-dimension vector against ~100 µs for a character scan.
 *
 * Value representation (src/plugin/schema.ts): safe integers and all non-integers are numbers, larger
 * integers bigint. Duplicate keys keep the last value, like JSON.parse and Jackson.
 */

const decoder = new TextDecoder('utf-8');
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Malformed UTF-8 in text that claims to be JSON. */
export class InvalidUtf8Error extends Error {
  constructor() {
    super('Invalid UTF-8 byte sequence');
    this.name = 'InvalidUtf8Error';
  }
}

/**
 * UTF-8 bytes → string, rejecting malformed input (Jackson does) instead of inserting U+FFFD. The
 * lenient decoder is twice as fast, so the strict one only confirms text that contains U+FFFD.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  if (text.includes('\uFFFD')) {
    try {
      strictDecoder.decode(bytes);
    } catch {
      throw new InvalidUtf8Error();
    }
  }
  return text;
}

/** lossless-json hands every number literal over as text; this runs once per number, so it stays cheap. */
function parseNumber(text: string): number | bigint {
  // up to 15 characters an integer literal is always safe and a float literal needs nothing special
  if (text.length < 16 || text.includes('.') || text.includes('e') || text.includes('E')) return Number(text);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** Always lossless (lossless-json); throws SyntaxError on invalid JSON. */
export function parseJsonLossless(text: string): unknown {
  return parseLossless(text, null, { parseNumber, onDuplicateKey: ({ newValue }) => newValue });
}

const MAX = Number.MAX_SAFE_INTEGER;

/** True when a number in `value` lies beyond ±(2^53-1), i.e. JSON.parse may have rounded an integer. */
export function hasUnsafeNumber(value: unknown): boolean {
  if (typeof value === 'number') return value > MAX || value < -MAX;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'number') {
        if (item > MAX || item < -MAX) return true;
      } else if (typeof item === 'object' && item !== null && hasUnsafeNumber(item)) {
        return true;
      }
    }
    return false;
  }
  for (const key in value) {
    if (hasUnsafeNumber((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** JSON text → value, exact for every integer; throws SyntaxError on invalid JSON. */
export function parseJson(text: string): unknown {
  const fast: unknown = JSON.parse(text);
  return hasUnsafeNumber(fast) ? parseJsonLossless(text) : fast;
}

/**
 * UTF-8 JSON bytes → exactly what parseJson(decodeUtf8(bytes)) gives, undefined for blank input (Jackson's
 * missing node). Most records take the byte-level fast path; the rest, and all invalid input, the text path,
 * which throws InvalidUtf8Error or SyntaxError with JSON.parse's wording.
 */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  const fast = tryParseJsonBytes(bytes);
  if (fast !== GIVE_UP) return fast;
  const text = decodeUtf8(bytes);
  return text.trim() === '' ? undefined : parseJson(text);
}
