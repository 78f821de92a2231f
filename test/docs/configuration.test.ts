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
