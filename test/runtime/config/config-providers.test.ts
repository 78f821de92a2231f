import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../src/plugin/index.js';
import { DirectoryConfigProvider, EnvVarConfigProvider, FileConfigProvider, loadConfigProviders } from '../../../src/runtime/config/config-providers.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'config-providers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('loadConfigProviders', () => {
  test("accepts Kafka's class names, their simple names and short names", () => {
    const providers = loadConfigProviders({
      'config.providers': 'env, file,directory',
      'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      'config.providers.file.class': 'FileConfigProvider',
      'config.providers.directory.class': 'directory',
    });
    assert.deepEqual([...providers.keys()], ['env', 'file', 'directory']);
    assert.ok(providers.get('env') instanceof EnvVarConfigProvider);
    assert.ok(providers.get('file') instanceof FileConfigProvider);
    assert.ok(providers.get('directory') instanceof DirectoryConfigProvider);
  });

  test('no config.providers: no providers', () => {
    assert.equal(loadConfigProviders({}).size, 0);
  });

  test('a listed provider without a class, or with an unknown one, is a config error that lists the known classes', () => {
    assert.throws(
      () => loadConfigProviders({ 'config.providers': 'vault' }),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /config\.providers lists 'vault' but config\.providers\.vault\.class is not set/);
        assert.match(e.message, /org\.apache\.kafka\.common\.config\.provider\.FileConfigProvider/);
        return true;
      },
    );
    assert.throws(
      () => loadConfigProviders({ 'config.providers': 'vault', 'config.providers.vault.class': 'io.confluent.VaultProvider' }),
      /Invalid value io\.confluent\.VaultProvider for configuration config\.providers\.vault\.class: no such config provider/,
    );
  });

  test('allowed.paths must be absolute and exist, as in Kafka', (t) => {
    const dir = tempDir(t);
    assert.throws(
      () =>
        loadConfigProviders({ 'config.providers': 'file', 'config.providers.file.class': 'file', 'config.providers.file.param.allowed.paths': 'relative/dir' }),
      /config\.providers\.file\.param\.allowed\.paths.*should be absolute and exist/,
    );
    assert.throws(
      () =>
        loadConfigProviders({
          'config.providers': 'file',
          'config.providers.file.class': 'file',
          'config.providers.file.param.allowed.paths': join(dir, 'missing'),
        }),
      /should be absolute and exist/,
    );
  });
});

describe('EnvVarConfigProvider', () => {
  test('reads variables by name; path is not supported', () => {
    const provider = new EnvVarConfigProvider('env', {}, { MILVUS_TOKEN: 'secret', OTHER: 'x' });
    assert.deepEqual(provider.get('', new Set(['MILVUS_TOKEN', 'UNSET'])), new Map([['MILVUS_TOKEN', 'secret']]));
    assert.match(provider.missing('', 'UNSET'), /environment variable UNSET is not set/);
    assert.throws(() => provider.get('/some/path', new Set(['X'])), /Path is not supported for EnvVarConfigProvider/);
  });

  test('allowlist.pattern limits the variables that may be read, and says so', () => {
    const provider = new EnvVarConfigProvider('env', { 'allowlist.pattern': 'MILVUS_.*' }, { MILVUS_TOKEN: 'secret', HOME: '/root' });
    assert.deepEqual(provider.get('', new Set(['MILVUS_TOKEN', 'HOME'])), new Map([['MILVUS_TOKEN', 'secret']]));
    assert.match(provider.missing('', 'HOME'), /does not match config\.providers\.env\.param\.allowlist\.pattern/);
  });
});

describe('FileConfigProvider', () => {
  test('reads keys of a properties file; a missing key or file says which', (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'milvus.properties');
    writeFileSync(file, '# secrets\ntoken=root:Milvus\nother = two words\n');
    const provider = new FileConfigProvider('file', {});
    assert.deepEqual(
      provider.get(file, new Set(['token', 'other', 'absent'])),
      new Map([
        ['token', 'root:Milvus'],
        ['other', 'two words'],
      ]),
    );
    assert.equal(provider.missing(file, 'absent'), `the properties file ${file} has no key 'absent'`);
    assert.throws(() => provider.get(join(dir, 'nope.properties'), new Set(['token'])), /nope\.properties does not exist/);
  });

  test('allowed.paths refuses files outside the allowed directories, including through ..', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'allowed'));
    mkdirSync(join(dir, 'allowed-not'));
    writeFileSync(join(dir, 'allowed', 'a.properties'), 'k=v\n');
    writeFileSync(join(dir, 'allowed-not', 'b.properties'), 'k=v\n');
    const provider = new FileConfigProvider('file', { 'allowed.paths': join(dir, 'allowed') });
    assert.deepEqual(provider.get(join(dir, 'allowed', 'a.properties'), new Set(['k'])), new Map([['k', 'v']]));
    assert.throws(() => provider.get(join(dir, 'allowed-not', 'b.properties'), new Set(['k'])), /outside config\.providers\.file\.param\.allowed\.paths/);
    assert.throws(() => provider.get(join(dir, 'allowed', '..', 'allowed-not', 'b.properties'), new Set(['k'])), /outside/);
  });
});

describe('DirectoryConfigProvider', () => {
  test('a key is the whole content of the file of that name in the directory', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'token'), 'root:Milvus');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'nested'), 'x');
    const provider = new DirectoryConfigProvider('directory', {});
    assert.deepEqual(provider.get(dir, new Set(['token', 'sub', 'sub/nested', '../token', 'absent'])), new Map([['token', 'root:Milvus']]));
    assert.match(provider.missing(dir, 'absent'), /has no regular file named 'absent'/);
    assert.throws(() => provider.get(join(dir, 'token'), new Set(['x'])), /is not a directory/);
    assert.throws(() => provider.get(join(dir, 'gone'), new Set(['x'])), /does not exist/);
  });
});
