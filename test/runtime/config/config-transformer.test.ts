import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfigProviders } from '../../../src/runtime/config/config-providers.js';
import { ConfigTransformer, hasPlaceholder } from '../../../src/runtime/config/config-transformer.js';

const SECRET = 'root:S3cret-value';

function fixture(t: { after(fn: () => void): void }): { dir: string; transformer: ConfigTransformer } {
  const dir = mkdtempSync(join(tmpdir(), 'config-transformer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'milvus.properties'), `token=${SECRET}\ncollection=articles\n`);
  writeFileSync(join(dir, 'token'), SECRET);
  const providers = loadConfigProviders(
    {
      'config.providers': 'env,file,directory',
      'config.providers.env.class': 'EnvVarConfigProvider',
      'config.providers.file.class': 'FileConfigProvider',
      'config.providers.directory.class': 'DirectoryConfigProvider',
    },
    { MILVUS_TOKEN: SECRET, REGION: 'eu' },
  );
  return { dir, transformer: new ConfigTransformer(providers) };
}

describe('ConfigTransformer', () => {
  test('resolves env, file and directory placeholders, also inside longer values', (t) => {
    const { dir, transformer } = fixture(t);
    const { config, errors } = transformer.transform({
      a: '${env:MILVUS_TOKEN}',
      b: `\${file:${dir}/milvus.properties:token}`,
      c: `\${directory:${dir}:token}`,
      d: `https://\${env:REGION}.example.org/\${file:${dir}/milvus.properties:collection}`,
      plain: 'no placeholder',
      empty: null,
    });
    assert.deepEqual(errors, new Map());
    assert.deepEqual(config, { a: SECRET, b: SECRET, c: SECRET, d: 'https://eu.example.org/articles', plain: 'no placeholder', empty: null });
  });

  test('an unresolvable placeholder is an error on its key that says what to fix and never shows a value', (t) => {
    const { dir, transformer } = fixture(t);
    const { config, errors } = transformer.transform({
      token: '${env:MISSING_TOKEN}',
      fileKey: `\${file:${dir}/milvus.properties:nope}`,
      noFile: `\${file:${dir}/absent.properties:token}`,
      unknown: '${vault:secret/milvus:token}',
      fine: '${env:MILVUS_TOKEN}',
    });
    assert.equal(errors.get('token'), "Could not resolve ${env:MISSING_TOKEN}: the environment variable MISSING_TOKEN is not set in the worker's environment");
    assert.equal(
      errors.get('fileKey'),
      `Could not resolve \${file:${dir}/milvus.properties:nope}: the properties file ${dir}/milvus.properties has no key 'nope'`,
    );
    assert.match(errors.get('noFile')!, /absent\.properties does not exist/);
    assert.match(
      errors.get('unknown')!,
      /no config provider named 'vault' is configured on this worker \(config\.providers=env,file,directory\); add 'vault' to config\.providers/,
    );
    assert.equal(errors.has('fine'), false);
    // keys that failed keep their raw value; no message carries the secret
    assert.equal(config.token, '${env:MISSING_TOKEN}');
    for (const message of errors.values()) assert.ok(!message.includes(SECRET));
  });

  test('without providers every placeholder is an error naming config.providers', () => {
    const { errors } = ConfigTransformer.NONE.transform({ token: '${env:MILVUS_TOKEN}' });
    assert.match(errors.get('token')!, /no config provider named 'env' is configured on this worker \(config\.providers is not set\)/);
  });

  test('resolve() throws one error listing every key that failed', (t) => {
    const { transformer } = fixture(t);
    assert.throws(
      () => transformer.resolve({ token: '${env:A}', other: '${env:B}', ok: 'x' }, 'connector sink'),
      (e: Error) => {
        assert.match(e.message, /^The configuration of connector sink has placeholders that cannot be resolved:\ntoken: Could not resolve \$\{env:A\}/);
        assert.match(e.message, /\nother: Could not resolve \$\{env:B\}/);
        return true;
      },
    );
  });

  test('reverseTransform puts the raw placeholders back into configs derived from the resolved one', (t) => {
    const { transformer } = fixture(t);
    const raw = { token: '${env:MILVUS_TOKEN}', 'collection.name': 'c', topics: 't' };
    const derived: Record<string, string>[] = [{ token: SECRET, 'collection.name': 'c', 'task.extra': '1' }, { 'collection.name': 'c' }];
    assert.deepEqual(transformer.reverseTransform(raw, derived), [
      { token: '${env:MILVUS_TOKEN}', 'collection.name': 'c', 'task.extra': '1' },
      { 'collection.name': 'c' },
    ]);
  });

  test('hasPlaceholder', () => {
    assert.equal(hasPlaceholder('${env:X}'), true);
    assert.equal(hasPlaceholder('a ${file:/p:k} b'), true);
    assert.equal(hasPlaceholder('${not a placeholder}'), false);
    assert.equal(hasPlaceholder('$5 {x:y}'), false);
    assert.equal(hasPlaceholder(null), false);
  });
});
