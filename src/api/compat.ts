/**
 * Kafka Connect's wire quirks, in one place. Connect runs on JAX-RS (Jersey) and Jackson; clients have
 * come to depend on how those parse query strings, path segments and JSON maps. Each helper names the
 * Java behaviour it reproduces (spec/kafka-connect-rest.md §1.3–1.6).
 */
import type { FastifyRequest } from 'fastify';
import { numberText } from './json-body.js';

/** Java `Boolean.valueOf`: only a case-insensitive `true` is true; absent → the documented default. */
export function javaBoolean(value: unknown, whenAbsent: boolean): boolean {
  const first = firstValue(value);
  if (first === undefined) return whenAbsent;
  return first.toLowerCase() === 'true';
}

/** JAX-RS binds single-valued query params to the first occurrence when a key is repeated. */
export function firstValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
  return value === undefined || value === null ? undefined : String(value);
}

const JAVA_INT = /^[+-]?[0-9]+$/;

/**
 * Java `Integer.valueOf` for `{task}` path params: an optional sign and decimal digits within the int
 * range; anything else (`1.0`, `0x1`, ` 1`) is not an int, and JAX-RS answers such paths with 404.
 */
export function javaInt(text: string): number | null {
  if (!JAVA_INT.test(text)) return null;
  const value = Number(text);
  return value >= -2147483648 && value <= 2147483647 ? value : null;
}

/**
 * Jackson's `Map<String, String>` binding: strings as they are, numbers as their JSON text (`1.0` stays
 * "1.0"), booleans as "true"/"false", null kept as null. The schema has already rejected nested
 * objects and arrays. Key order is preserved so configs echo back as they were sent.
 */
export function toStringMap(body: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, scalarText(body, key, value)]));
}

function scalarText(holder: object, key: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return numberText(holder, key) ?? String(value);
  return String(value);
}

/**
 * Values of a `Map<String, ?>` (offset partitions and offsets) as Jackson would hand them to Connect:
 * integers that JavaScript holds exactly stay numbers; every other number is passed as its JSON text,
 * so a long offset keeps all its digits and `1.0` is still recognisably not an int.
 */
export function toLooseMap(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => {
      if (typeof value !== 'number') return [key, value];
      const text = numberText(body, key) ?? String(value);
      return [key, Number.isSafeInteger(value) && /^-?[0-9]+$/.test(text) ? value : text];
    }),
  );
}

// pchar of RFC 3986 that encodeURIComponent escapes anyway; JAX-RS' UriBuilder keeps these in a path segment
// (all but `;`, its matrix-parameter separator), so Location headers look like Kafka's.
const PATH_SEGMENT_KEEP = /%(?:24|26|2B|2C|3D|3A|40)/g;

/**
 * One path segment percent-encoded the way JAX-RS' `UriBuilder.path()` does for a connector name. Never
 * throws: the herder refuses names with lone surrogates, but a Location header must not turn a done
 * write into a 500, so one would be encoded as U+FFFD.
 */
export function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment.toWellFormed()).replace(PATH_SEGMENT_KEEP, (encoded) => decodeURIComponent(encoded));
}

/**
 * Kafka builds `/connectors/<name>` and JAX-RS resolves it against the request's base URI, so clients
 * get an absolute `Location`.
 */
export function connectorLocation(request: FastifyRequest, name: string): string {
  return `${request.protocol}://${request.host}/connectors/${encodePathSegment(name)}`;
}

/** Java's `Instant.toString()`: ISO-8601 in UTC, fraction digits only when non-zero. */
export function javaInstant(epochMillis: number): string {
  return new Date(epochMillis).toISOString().replace('.000Z', 'Z');
}
