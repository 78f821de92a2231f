/**
 * Plugin version requirements (KIP-891): `connector.plugin.version`, `*.converter.plugin.version` and
 * `GET /connector-plugins/{p}/config?version=` take a Maven version range, as Kafka 4.1 does. Every plugin
 * here is built in, like a plugin on Kafka's classpath: exactly one version is installed, and a requirement
 * either contains it or fails with the classpath wording of Kafka's DelegatingClassLoader.
 */
import { invalidValue, type Validator } from '../../plugin/index.js';

interface Restriction {
  readonly lower: string | null;
  readonly lowerInclusive: boolean;
  readonly upper: string | null;
  readonly upperInclusive: boolean;
}

/** A hard version range (a plain version `v` already turned into `[v]`, as Kafka's PluginUtils does). */
export class VersionRange {
  constructor(readonly restrictions: readonly Restriction[]) {}

  contains(version: string): boolean {
    return this.restrictions.some((r) => {
      if (r.lower !== null) {
        const c = compareVersions(version, r.lower);
        if (c < 0 || (c === 0 && !r.lowerInclusive)) return false;
      }
      if (r.upper !== null) {
        const c = compareVersions(version, r.upper);
        if (c > 0 || (c === 0 && !r.upperInclusive)) return false;
      }
      return true;
    });
  }

  /** Maven's VersionRange.toString: `[1.0,1.0]`, `(,2.0)`, restrictions joined by commas. */
  toString(): string {
    return this.restrictions.map((r) => `${r.lowerInclusive ? '[' : '('}${r.lower ?? ''},${r.upper ?? ''}${r.upperInclusive ? ']' : ')'}`).join(',');
  }
}

/** Thrown for a malformed requirement, with Maven's message (InvalidVersionSpecificationException). */
export class InvalidVersionSpecError extends Error {}

/** Thrown when the installed version is not in the range (Kafka's VersionedPluginLoadingException). */
export class PluginVersionMismatchError extends Error {
  constructor(
    message: string,
    readonly availableVersions: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Kafka's PluginUtils.connectorVersionRequirement: null or `latest` means "the installed one" (null);
 * a plain version is an exact requirement; anything else is parsed as a Maven range.
 */
export function versionRequirement(spec: string | null | undefined): VersionRange | null {
  if (spec === null || spec === undefined || spec === 'latest') return null;
  const trimmed = spec.trim();
  if (!/[[\]()]/.test(trimmed)) {
    if (trimmed.includes(',')) throw new InvalidVersionSpecError(`Single version must be surrounded by []: ${trimmed}`);
    return new VersionRange([{ lower: trimmed, lowerInclusive: true, upper: trimmed, upperInclusive: true }]);
  }
  return parseRanges(trimmed);
}

function parseRanges(spec: string): VersionRange {
  const restrictions: Restriction[] = [];
  let rest = spec;
  while (rest.startsWith('[') || rest.startsWith('(')) {
    const close = rest.search(/[\])]/);
    if (close < 0) throw new InvalidVersionSpecError(`Unbounded range: ${spec}`);
    const restriction = parseRestriction(rest.slice(0, close + 1), spec);
    const previous = restrictions.at(-1);
    if (previous?.upper != null && restriction.lower !== null && compareVersions(restriction.lower, previous.upper) < 0) {
      throw new InvalidVersionSpecError(`Ranges overlap: ${spec}`);
    }
    restrictions.push(restriction);
    rest = rest.slice(close + 1).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
  }
  if (rest !== '') throw new InvalidVersionSpecError(`Only fully-qualified sets allowed in multiple set scenario: ${spec}`);
  return new VersionRange(restrictions);
}

function parseRestriction(text: string, spec: string): Restriction {
  const lowerInclusive = text.startsWith('[');
  const upperInclusive = text.endsWith(']');
  const inner = text.slice(1, -1).trim();
  const comma = inner.indexOf(',');
  if (comma < 0) {
    if (!lowerInclusive || !upperInclusive) throw new InvalidVersionSpecError(`Single version must be surrounded by []: ${spec}`);
    return { lower: inner, lowerInclusive, upper: inner, upperInclusive };
  }
  const lower = inner.slice(0, comma).trim() || null;
  const upper = inner.slice(comma + 1).trim() || null;
  if (upper !== null && lower !== null && compareVersions(upper, lower) < 0) throw new InvalidVersionSpecError(`Range defies version ordering: ${spec}`);
  return { lower, lowerInclusive, upper, upperInclusive };
}

/** Dotted versions compared part by part: numbers as numbers, missing parts as 0, text after numbers. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = /^\d+$/.test(x) ? Number(x) : null;
    const ny = /^\d+$/.test(y) ? Number(y) : null;
    if (nx !== null && ny !== null) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (nx !== null || ny !== null) {
      return nx !== null ? 1 : -1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/**
 * Checks the installed `version` of `className` against a requirement; Kafka's classpath wording when it
 * does not match. Throws InvalidVersionSpecError for a malformed requirement.
 */
export function checkPluginVersion(className: string, version: string, spec: string | null | undefined): void {
  const range = versionRequirement(spec);
  if (range === null || range.contains(version)) return;
  throw new PluginVersionMismatchError(`Plugin ${className} has version ${version} which does not match the required version range ${range.toString()}`, [
    version,
  ]);
}

/** Kafka's ConnectorConfig.PluginVersionValidator: the value must be a valid version requirement. */
export function pluginVersionValidator(): Validator {
  return (name, value) => {
    try {
      versionRequirement(value as string | null);
    } catch (e) {
      throw invalidValue(name, value, (e as Error).message);
    }
  };
}
