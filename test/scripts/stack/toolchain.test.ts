import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { StackError } from '../../../scripts/stack/errors.js';
import { downloadError, requireToolchain } from '../../../scripts/stack/toolchain.js';

/** Runs `fn` with PATH limited to a scratch bin dir holding only the given fake tools. */
function withTools(t: { after: (fn: () => void) => void }, tools: Record<string, string>, fn: () => void): void {
  const bin = mkdtempSync(join(tmpdir(), 'stack-toolchain-'));
  t.after(() => rmSync(bin, { recursive: true, force: true }));
  for (const [name, script] of Object.entries(tools)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  symlinkSync('/bin/sh', join(bin, 'sh'));
  const saved = process.env.PATH;
  process.env.PATH = bin;
  try {
    fn();
  } finally {
    process.env.PATH = saved;
  }
}

const java = (version: string) => `echo 'openjdk version "${version}" 2025-04-15' >&2`;

describe('requireToolchain', () => {
  test('passes when every needed tool is there', (t) => {
    withTools(t, { java: java('17.0.15'), mvn: 'exit 0', python3: 'exit 0' }, () => {
      requireToolchain({ java: true, maven: true, pip: true });
    });
  });

  test('a missing java is one message with the install command, not a stack trace', (t) => {
    withTools(t, {}, () => {
      assert.throws(
        () => requireToolchain({ java: true, maven: false, pip: false }),
        (error: Error) => {
          assert.ok(error instanceof StackError);
          assert.match(error.message, /^Java 17 or newer is needed to run the Kafka broker, but `java` was not found on PATH\./);
          assert.match(error.message, /apt-get install -y openjdk-17-jre-headless/);
          return true;
        },
      );
    });
  });

  test('a Java older than 17 is named with its version', (t) => {
    withTools(t, { java: java('1.8.0_392') }, () => {
      assert.throws(() => requireToolchain({ java: true, maven: false, pip: false }), /`java -version` reports version 8/);
    });
    withTools(t, { java: java('11.0.2') }, () => {
      assert.throws(() => requireToolchain({ java: true, maven: false, pip: false }), /reports version 11/);
    });
  });

  test('every missing tool is listed at once', (t) => {
    withTools(t, {}, () => {
      assert.throws(
        () => requireToolchain({ java: true, maven: true, pip: true }),
        (error: Error) => {
          assert.match(error.message, /^The local stack needs tools that are missing:/);
          assert.match(error.message, /- Java 17/);
          assert.match(error.message, /- Maven \(`mvn`\)[^\n]*\n\s+On Debian\/Ubuntu: sudo apt-get install -y maven/);
          assert.match(error.message, /- Python 3 \(`python3`\)[^\n]*\n\s+On Debian\/Ubuntu: sudo apt-get install -y python3 python3-pip/);
          return true;
        },
      );
    });
  });

  test('python3 without pip asks for python3-pip', (t) => {
    withTools(t, { python3: 'case "$*" in *pip*) exit 1;; *) exit 0;; esac' }, () => {
      assert.throws(
        () => requireToolchain({ java: false, maven: false, pip: true }),
        /`python3 -m pip` is not available\.\n\s+On Debian\/Ubuntu: sudo apt-get install -y python3-pip/,
      );
    });
  });

  test('tools for downloads are not required once the cache is warm', (t) => {
    withTools(t, { java: java('21') }, () => {
      requireToolchain({ java: true, maven: false, pip: false });
    });
  });
});

describe('downloadError', () => {
  test('an unreachable registry is called that, with the one line that matters', () => {
    const output = [
      '\u001b[0m[ERROR] Plugin x could not be resolved: Could not transfer artifact y from/to central: Connect to 127.0.0.1:9 failed: Connection refused -> [Help 1]',
      '[ERROR] ',
      '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
      '[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/PluginResolutionException',
    ].join('\n');
    const error = downloadError('the Kafka jars', 'Maven Central', output, '~/.m2/settings.xml');
    assert.ok(error instanceof StackError);
    assert.match(error.message, /^Could not download the Kafka jars: Maven Central could not be reached from this machine\./);
    assert.match(error.message, /Connection refused/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no terminal escape (ESC) may reach the message
    assert.doesNotMatch(error.message, /re-run Maven|\[Help 1\] http|\u001b/);
  });

  test('pip finding no version at all counts as unreachable; a failure with versions listed does not', () => {
    const none = 'ERROR: Could not find a version that satisfies the requirement milvus-lite==2.5.1 (from versions: none)';
    assert.match(downloadError('milvus-lite', 'PyPI', none, 'pip.conf').message, /PyPI could not be reached/);
    const wrongPin = 'ERROR: Could not find a version that satisfies the requirement milvus-lite==9.9 (from versions: 2.4.0, 2.5.1)';
    assert.match(downloadError('milvus-lite', 'PyPI', wrongPin, 'pip.conf').message, /^Could not download milvus-lite from PyPI\./);
  });
});
