import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CONFIGURATION_DOC, renderConfigurationDoc } from '../../scripts/config-docs.js';

test('docs/configuration.md lists exactly the keys the ConfigDefs declare (run `npm run docs:config` to refresh)', () => {
  assert.equal(readFileSync(CONFIGURATION_DOC, 'utf8'), renderConfigurationDoc());
});

test('the configuration reference documents the original connector keys with their defaults', () => {
  const doc = renderConfigurationDoc();
  assert.match(doc, /\| `public\.endpoint` \| STRING \| "" \|/);
  assert.match(doc, /\| `token` \| PASSWORD \(shown as `\[hidden\]`\) \| `\[hidden\]` \|/);
  assert.match(doc, /\| `database\.name` \| STRING \| `default` \|/);
  assert.match(doc, /\| `collection\.name` \| STRING \| "" \|/);
});

test('the configuration reference has a section, with its keys, for every shipped transformation and predicate', async () => {
  const { builtinPredicates, builtinTransformations } = await import('../../src/transforms/index.js');
  const doc = renderConfigurationDoc();
  for (const plugin of [...builtinTransformations, ...builtinPredicates]) {
    assert.ok(doc.includes(`\`${plugin.className}\``), plugin.className);
    for (const key of plugin.create().config().keys.keys()) assert.ok(doc.includes(`| \`${key}\` |`), `${plugin.className} ${key}`);
  }
  assert.match(doc, /\| `transforms\.<alias>\.predicate` \|/);
});
