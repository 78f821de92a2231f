import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaRegexToRegExp } from '../../../src/runtime/kafka/topic-pattern.js';

test('topics.regex matches whole topic names, as Java Matcher.matches() does', () => {
  const re = javaRegexToRegExp('embeddings-.*');
  assert.equal(re.test('embeddings-a'), true);
  assert.equal(re.test('old-embeddings-a'), false);
  assert.equal(javaRegexToRegExp('a|b').test('ab'), false, 'alternation is anchored as a whole');
});

test('Java-only syntax is translated: flags, quoting, anchors, possessive quantifiers, POSIX classes', () => {
  assert.equal(javaRegexToRegExp('(?i)Vectors\\..*').test('vectors.x'), true, 'leading inline flags');
  assert.equal(javaRegexToRegExp('\\Qa.b\\E-.*').test('a.b-1'), true, '\\Q…\\E quoting');
  assert.equal(javaRegexToRegExp('\\Qa.b\\E-.*').test('axb-1'), false);
  assert.equal(javaRegexToRegExp('\\Atopic\\z').test('topic'), true);
  assert.equal(javaRegexToRegExp('embeddings-\\p{Alnum}++').test('embeddings-a1'), true);
  assert.equal(javaRegexToRegExp('(?>a|ab)c').test('abc'), false, 'an atomic group does not backtrack');
});

test('what has no faithful translation, or is no Java regex, is a ConfigError of topics.regex', () => {
  assert.throws(() => javaRegexToRegExp('[a-z&&[^x]]'), /^ConfigError: Invalid value \[a-z&&\[\^x\]\] for configuration topics\.regex: .*intersections/);
  assert.throws(() => javaRegexToRegExp('(unclosed'), /^ConfigError: Invalid value \(unclosed for configuration topics\.regex: Unclosed group near index 9/);
});
