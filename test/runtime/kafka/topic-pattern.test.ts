import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaRegexToRegExp } from '../../../src/runtime/kafka/topic-pattern.js';

test('topics.regex matches whole topic names, as Java Matcher.matches() does', () => {
  const re = javaRegexToRegExp('embeddings-.*');
  assert.equal(re.test('embeddings-a'), true);
  assert.equal(re.test('old-embeddings-a'), false);
  assert.equal(javaRegexToRegExp('a|b').test('ab'), false, 'alternation is anchored as a whole');
});

test('Java-only syntax with a JavaScript equivalent is rewritten', () => {
  assert.equal(javaRegexToRegExp('(?i)Vectors\\..*').test('vectors.x'), true, 'leading inline flags');
  assert.equal(javaRegexToRegExp('\\Qa.b\\E-.*').test('a.b-1'), true, '\\Q…\\E quoting');
  assert.equal(javaRegexToRegExp('\\Qa.b\\E-.*').test('axb-1'), false);
  assert.equal(javaRegexToRegExp('\\Atopic\\z').test('topic'), true);
});

test('Java-only syntax without an equivalent is refused with a clear error', () => {
  assert.throws(() => javaRegexToRegExp('a*+'), /possessive quantifiers/);
  assert.throws(() => javaRegexToRegExp('(?>a)'), /atomic groups/);
  assert.throws(() => javaRegexToRegExp('\\p{Alpha}+'), /\\p\{…\}/);
  assert.throws(() => javaRegexToRegExp('(unclosed'), /^ConfigError: Invalid value \(unclosed for configuration topics\.regex/);
});
