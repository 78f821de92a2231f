/**
 * Java regular expressions (`java.util.regex.Pattern`) for Kafka's configs that name one (`topics.regex`,
 * RegexRouter's `regex`, TopicNameMatches' `pattern`), run by JavaScript's engine after a faithful
 * translation (see java-regex-translation.ts for what is rewritten and what is refused), and Java's
 * replacement strings (`$1`, `${name}`, `\` escapes) on its matches.
 */
import { JavaRegexError, translateJavaRegex } from './java-regex-translation.js';

export { JavaRegexError } from './java-regex-translation.js';

/** A compiled Java regex (Pattern.compile). */
export interface JavaPattern {
  /** the Java source */
  readonly regex: string;
  /** a RegExp that accepts exactly the whole inputs Matcher.matches() accepts */
  readonly wholeInput: RegExp;
  /** each Java group's number in `wholeInput` (index 0: the whole match) */
  readonly groupIndexes: readonly number[];
  /** Java group names and their numbers */
  readonly groupNames: ReadonlyMap<string, number>;
  /** groups whose value may differ from Java's in some matches */
  readonly unstableGroups: ReadonlySet<number>;
}

/** A successful Matcher.matches(): the groups by Java's numbering (undefined: did not match). */
export interface JavaMatch {
  readonly groups: readonly (string | undefined)[];
  readonly groupNames: ReadonlyMap<string, number>;
}

/** Pattern.compile(regex); throws JavaRegexError (Java's PatternSyntaxException message, or what is not supported). */
export function javaRegex(regex: string): JavaPattern {
  const translation = translateJavaRegex(regex);
  let wholeInput: RegExp;
  try {
    wholeInput = new RegExp(`^(?:${translation.source})$`, translation.flags);
  } catch (error) {
    // the translation is meant to be valid; say so plainly if JavaScript disagrees
    throw new JavaRegexError(`it cannot be translated for this worker's regex engine: ${(error as Error).message}`);
  }
  const { groupIndexes, groupNames, unstableGroups } = translation;
  return { regex, wholeInput, groupIndexes, groupNames, unstableGroups };
}

/** Java's Matcher.matches(): the whole input must match. The match, or null. */
export function matchesWhole(pattern: JavaPattern, input: string): JavaMatch | null {
  const match = pattern.wholeInput.exec(input);
  if (match === null) return null;
  return { groups: pattern.groupIndexes.map((index) => match[index]), groupNames: pattern.groupNames };
}

/**
 * Java's Matcher.replaceFirst(replacement) on a whole-input match: `$n` and `${name}` refer to groups (a
 * multi-digit reference takes as many digits as still name a group), a backslash quotes the next character.
 * Throws, as Java does, on a reference to a group that does not exist or a trailing `$` or `\`.
 */
export function javaReplacement(match: JavaMatch, replacement: string): string {
  return replacementParts(replacement, match.groups.length - 1, match.groupNames)
    .map((part) => (typeof part === 'number' ? (match.groups[part] ?? '') : part))
    .join('');
}

/**
 * The groups of the pattern a replacement string refers to whose value this engine may give differently
 * from Java in some matches (a group inside a repetition; see java-regex-translation.ts). A replacement
 * Java would refuse refers to none here: it fails when it is used, as in Java.
 */
export function unstableReplacementGroups(pattern: JavaPattern, replacement: string): number[] {
  try {
    const parts = replacementParts(replacement, pattern.groupIndexes.length - 1, pattern.groupNames);
    return parts.filter((part): part is number => typeof part === 'number' && pattern.unstableGroups.has(part));
  } catch {
    return [];
  }
}

/** A replacement string as literal text and group numbers, read as Matcher.appendReplacement reads it. */
function replacementParts(replacement: string, groupCount: number, groupNames: ReadonlyMap<string, number>): Array<string | number> {
  const parts: Array<string | number> = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new Error('character to be escaped is missing');
      text += replacement[i];
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new Error('Illegal group reference: group index is missing');
      parts.push(text);
      text = '';
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        const name = end < 0 ? '' : replacement.slice(i + 1, end);
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error("named capturing group is missing trailing '}'");
        const group = groupNames.get(name);
        if (group === undefined) throw new Error(`No group with name {${name}}`);
        parts.push(group);
        i = end;
      } else {
        let digits = replacement[i];
        if (!/\d/.test(digits)) throw new Error('Illegal group reference');
        let group = Number(digits);
        if (group > groupCount) throw new Error(`No group ${group}`);
        while (i + 1 < replacement.length && /\d/.test(replacement[i + 1])) {
          const longer = Number(digits + replacement[i + 1]);
          if (longer > groupCount) break;
          digits += replacement[++i];
          group = longer;
        }
        parts.push(group);
      }
    } else {
      text += c;
    }
  }
  parts.push(text);
  return parts;
}
