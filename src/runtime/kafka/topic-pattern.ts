import { ConfigError, JavaRegexError, javaRegex } from '../../plugin/index.js';

/**
 * `topics.regex` is a Java regex matched against the whole topic name (`Matcher.matches()`); see the
 * plugin API's javaRegex for how it is translated and what is refused.
 */
export function javaRegexToRegExp(regex: string): RegExp {
  try {
    return javaRegex(regex).wholeInput;
  } catch (error) {
    if (!(error instanceof JavaRegexError)) throw error;
    throw new ConfigError(`Invalid value ${regex} for configuration topics.regex: ${error.message}`);
  }
}
