import { ConfigError } from '../../plugin/index.js';

/**
 * `topics.regex` is a Java regex matched against the whole topic name (`Matcher.matches()`).
 * The common subset is the same in JavaScript; the Java-only constructs that have an equivalent are
 * rewritten (`\Q…\E` quoting, `\A`, `\z`/`\Z`, leading inline flags), and the ones without one
 * (possessive quantifiers, atomic groups, POSIX `\p{Alpha}` classes) are refused with a clear error.
 */
export function javaRegexToRegExp(javaRegex: string): RegExp {
  let source = javaRegex;
  let flags = '';
  const inline = /^\(\?([imsux]+)\)/.exec(source);
  if (inline) {
    for (const flag of inline[1]) {
      if (flag === 'i' || flag === 'm' || flag === 's') flags += flags.includes(flag) ? '' : flag;
      else if (flag === 'x') throw unsupported(javaRegex, 'the comments flag (?x)');
    }
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, literal: string) => literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  if (/(?<!\\)(?:\\\\)*\\[pP]\{/.test(source)) throw unsupported(javaRegex, 'character class names \\p{…}');
  if (/(?<!\\)(?:\\\\)*\(\?>/.test(source)) throw unsupported(javaRegex, 'atomic groups');
  if (/(?<!\\)(?:\\\\)*[*+?}][+]/.test(source)) throw unsupported(javaRegex, 'possessive quantifiers');
  source = source.replace(/(?<!\\)((?:\\\\)*)\\A/g, '$1^').replace(/(?<!\\)((?:\\\\)*)\\[zZ]/g, '$1$');
  try {
    return new RegExp(`^(?:${source})$`, flags);
  } catch (error) {
    throw new ConfigError(`Invalid value ${javaRegex} for configuration topics.regex: ${(error as Error).message}`);
  }
}

function unsupported(regex: string, what: string): ConfigError {
  return new ConfigError(`Invalid value ${regex} for configuration topics.regex: it uses ${what}, which this worker's regex engine does not support`);
}
