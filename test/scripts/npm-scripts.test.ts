import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
  scripts: Record<string, string>;
};
const ENSURE = 'node scripts/ensure-deps.mjs && ';

/** Scripts that load tsx, tsc or biome from node_modules, which a fresh clone does not have. */
const needingPackages = Object.entries(pkg.scripts).filter(([, command]) => /\btsx\b|\btsc\b|\bbiome\b/.test(command));
const runner = readFileSync(fileURLToPath(new URL('../../scripts/test.mjs', import.meta.url)), 'utf8');

describe('npm scripts on a fresh clone', () => {
  test('every script that runs TypeScript installs the dependencies first', () => {
    // build alone does not: npm start runs it after ensure-deps (prestart), and the Dockerfile after npm ci,
    // in a build stage that has no scripts/ folder
    const missing = needingPackages.filter(([name, command]) => name !== 'build' && !command.startsWith(ENSURE)).map(([name]) => name);
    assert.deepEqual(missing, []);
    assert.ok(
      needingPackages.some(([name]) => name === 'bench'),
      'the benchmark is among them',
    );
    assert.ok(
      needingPackages.some(([name]) => name === 'lint'),
      'the linter is among them',
    );
  });

  test('npm start installs the dependencies before it builds', () => {
    assert.equal(pkg.scripts.prestart, `${ENSURE}npm run build`);
  });

  test('npm test installs them itself (scripts/test.mjs)', () => {
    assert.match(runner, /from '\.\/ensure-deps\.mjs'/);
  });

  test('npm test runs the same lint and format check as npm run lint, and CI cannot skip it', () => {
    assert.equal(pkg.scripts.lint, `${ENSURE}biome check --error-on-warnings .`);
    assert.match(runner, /const LINT_ARGS = \['check', '--error-on-warnings', '\.'\];/);
    assert.match(runner, /SKIP_LINT is ignored in CI/);
  });
});
