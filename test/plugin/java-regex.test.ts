/**
 * Java regexes run by JavaScript's engine. Every expectation here is what java.util.regex.Pattern gives
 * (Matcher.matches(), groups, PatternSyntaxException messages) on a Java 21+ JVM for the same input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JavaRegexError, javaRegex, javaReplacement, matchesWhole, unstableReplacementGroups } from '../../src/plugin/index.js';

const matches = (regex: string, input: string): boolean => matchesWhole(javaRegex(regex), input) !== null;
const groups = (regex: string, input: string) => matchesWhole(javaRegex(regex), input)?.groups;

describe('javaRegex: Java-only syntax, translated', () => {
  it('possessive quantifiers and atomic groups do not give back what they matched', () => {
    assert.equal(matches('a*+a', 'aaa'), false);
    assert.equal(matches('a*+b', 'aab'), true);
    assert.equal(matches('\\d++-\\d+', '12-3'), true);
    assert.equal(matches('(?>a|ab)c', 'abc'), false);
    assert.equal(matches('(?>a|ab)c', 'ac'), true);
  });

  it('keeps Java group numbers around the captures the translation adds', () => {
    assert.deepEqual(groups('(?>a)(b)', 'ab'), ['ab', 'b']);
    const match = matchesWhole(javaRegex('(?>x*+)(?<topic>[a-z]+)-(\\d+)'), 'xxorders-7');
    assert.ok(match);
    assert.equal(javaReplacement(match, '${topic}_$2'), 'orders_7');
  });

  it('\\A, \\z and \\Z anchor at the input with Java line terminators', () => {
    assert.equal(matches('\\Aab\\z', 'ab'), true);
    assert.equal(matches('ab\\Z\\n', 'ab\n'), true, '\\Z also matches before a final line terminator');
    assert.equal(matches('ab\\z\\n', 'ab\n'), false);
    assert.equal(matches('a$\\n', 'a\n'), true, '$ without MULTILINE: the end or before a final terminator');
  });

  it('\\Q…\\E quotes, in a class too; octal, \\x and \\u escapes', () => {
    assert.equal(matches('\\Qa.b\\E-.*', 'a.b-1'), true);
    assert.equal(matches('\\Qa.b\\E-.*', 'axb-1'), false);
    assert.equal(matches('[\\Q]\\E]', ']'), true);
    assert.equal(matches('\\x41\\u0042\\0103', 'ABC'), true);
    assert.equal(matches('[]a]+', ']a'), true, 'a ] first in a class is literal, as in Java');
  });

  it('inline flags at the start; (?i) folds ASCII letters only unless (?u)', () => {
    assert.equal(matches('(?i)vectors\\..*', 'VECTORS.x'), true);
    assert.equal(matches('(?i)é', 'É'), false);
    assert.equal(matches('(?iu)é', 'É'), true);
    assert.equal(matches('(?i)s', 'ſ'), false);
    assert.equal(matches('(?i)s', 'S'), true);
    assert.equal(matches('(?x) a b # a comment', 'ab'), true);
  });

  it('POSIX classes, Unicode properties and scripts as Java defines them', () => {
    assert.equal(matches('\\p{Alpha}+', 'abc'), true);
    assert.equal(matches('\\p{Alpha}+', 'é'), false, 'POSIX classes are ASCII');
    assert.equal(matches('\\p{IsAlphabetic}+', 'é'), true);
    assert.equal(matches('\\p{Punct}', '-'), true);
    assert.equal(matches('\\p{IsLatin}+', 'abé'), true);
    assert.equal(matches('\\p{javaLowerCase}+', 'aé'), true);
  });

  it("Java's ., \\s and \\w, not JavaScript's", () => {
    assert.equal(matches('a.', 'a\u0085'), false, 'NEL is a line terminator to Java');
    assert.equal(matches('\\s', '\u00a0'), false);
    assert.equal(matches('\\w+', 'é'), false);
  });

  it('back references, named ones too', () => {
    assert.deepEqual(groups('(?<name>a)-\\k<name>', 'a-a'), ['a-a', 'a']);
    assert.equal(matches('(?<name>a)-\\k<name>', 'a-b'), false);
    assert.equal(matches('(a)\\2', 'a'), false, 'a reference to a group the pattern lacks never matches');
  });
});

describe('javaRegex: refused with a clear message', () => {
  const refusals: Array<[string, RegExp]> = [
    ['[a-c&&b]', /character class intersections/],
    ['\\p{InGreek}', /Unicode block/],
    ['a(?i)b', /inline flags after the start/],
    ['(?i:a)b', /flags scoped to a group/],
    ['(?U)\\w', /\(\?U\)/],
    ['\\X', /grapheme clusters/],
    ['(a)?\\1', /back reference to group 1/],
    ['(?:(a)|b)+\\1', /back reference to group 1/],
    ['(?i)(a)\\1', /back reference under \(\?i\)/],
  ];
  for (const [regex, message] of refusals) {
    it(regex, () =>
      assert.throws(
        () => javaRegex(regex),
        (e: Error) => e instanceof JavaRegexError && message.test(e.message),
      ),
    );
  }
});

describe("javaRegex: Java's syntax errors, with Java's messages", () => {
  const errors: Array<[string, string]> = [
    ['(unclosed', 'Unclosed group near index 9\n(unclosed'],
    ['a{', 'Illegal repetition near index 2\na{'],
    ['[z-a]', 'Illegal character range near index 3\n[z-a]\n   ^'],
    ['(?<=(?:ab)*)c', 'Look-behind group does not have an obvious maximum length near index 10\n(?<=(?:ab)*)c\n          ^'],
  ];
  for (const [regex, message] of errors) {
    it(regex, () => assert.throws(() => javaRegex(regex), new JavaRegexError(message)));
  }
});

describe('unstableReplacementGroups', () => {
  it('names the groups whose value JavaScript may give differently (inside a repetition), and only those', () => {
    // Java keeps the last `a` of "ab" in group 1; JavaScript resets it at the `b` repetition
    assert.deepEqual(unstableReplacementGroups(javaRegex('(?:(a)|b)+-(\\d+)'), '$1_$2'), [1]);
    assert.deepEqual(unstableReplacementGroups(javaRegex('(.*)-(\\d+)'), '$1_$2'), []);
  });
});
