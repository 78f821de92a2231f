import { ConfigError, JavaRegexError, javaRegex } from '../../plugin/index.js';

/**
 * `topics.regex` is a Java regex matched against the whole topic name (`Matcher.matches()`); see the
 * plugin API's javaRegex for what is rewritten and what is refused.
 */
export function javaRegexToRegExp(regex: string): RegExp {
  try {
    const pattern = javaRegex(regex);
    return new RegExp(`^(?:${pattern.source})$`, pattern.flags);
  } catch (error) {
    if (!(error instanceof JavaRegexError)) throw error;
    throw new ConfigError(`Invalid value ${regex} for configuration topics.regex: ${error.message}`);
  }
}
