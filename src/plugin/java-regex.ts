/**
 * Java regular expressions (`java.util.regex.Pattern`) as JavaScript RegExps. Kafka's configs name Java
 * regexes (`topics.regex`, RegexRouter's `regex`, TopicNameMatches' `pattern`); the common subset reads
 * the same in JavaScript, the Java-only constructs that have an equivalent are rewritten (`\Q…\E` quoting,
 * `\A`, `\z`/`\Z`, leading inline flags), and those without one (possessive quantifiers, atomic groups,
 * POSIX `\p{Alpha}` classes, the comments flag) are refused with a clear message.
 */

/** Thrown for a regex this engine cannot take; the message says why, without the config's name. */
export class JavaRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JavaRegexError';
  }
}

/** The JavaScript equivalent of a Java regex, unanchored (use `matchesWhole` for Matcher.matches()). */
export function javaRegex(regex: string): RegExp {
  let source = regex;
  let flags = '';
  const inline = /^\(\?([imsux]+)\)/.exec(source);
  if (inline) {
    for (const flag of inline[1]) {
      if (flag === 'i' || flag === 'm' || flag === 's') flags += flags.includes(flag) ? '' : flag;
      else if (flag === 'x') throw new JavaRegexError("it uses the comments flag (?x), which this worker's regex engine does not support");
    }
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, literal: string) => literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  const unsupported = (what: string): JavaRegexError => new JavaRegexError(`it uses ${what}, which this worker's regex engine does not support`);
  if (/(?<!\\)(?:\\\\)*\\[pP]\{/.test(source)) throw unsupported('character class names \\p{…}');
  if (/(?<!\\)(?:\\\\)*\(\?>/.test(source)) throw unsupported('atomic groups');
  if (/(?<!\\)(?:\\\\)*[*+?}][+]/.test(source)) throw unsupported('possessive quantifiers');
  source = source.replace(/(?<!\\)((?:\\\\)*)\\A/g, '$1^').replace(/(?<!\\)((?:\\\\)*)\\[zZ]/g, '$1$');
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new JavaRegexError((error as Error).message);
  }
}

/** Java's Matcher.matches(): the whole input must match. The match, or null. */
export function matchesWhole(pattern: RegExp, input: string): RegExpExecArray | null {
  const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags);
  return whole.exec(input);
}

/**
 * Java's Matcher.replaceFirst(replacement) on a whole-input match: `$n` and `${name}` refer to groups (a
 * multi-digit reference takes as many digits as still name a group), a backslash quotes the next character.
 * Throws, as Java does, on a reference to a group that does not exist or a trailing `$` or `\`.
 */
export function javaReplacement(match: RegExpExecArray, replacement: string): string {
  let out = '';
  const groupCount = match.length - 1;
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new Error('character to be escaped is missing');
      out += replacement[i];
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new Error('Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        const name = end < 0 ? '' : replacement.slice(i + 1, end);
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error("named capturing group is missing trailing '}'");
        if (!match.groups || !Object.hasOwn(match.groups, name)) throw new Error(`No group with name {${name}}`);
        out += match.groups[name] ?? '';
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
        out += match[group] ?? '';
      }
    } else {
      out += c;
    }
  }
  return out;
}
