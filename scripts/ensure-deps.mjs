#!/usr/bin/env node
/**
 * Installs the dependencies when node_modules is missing or older than package-lock.json, so that
 * `npm start`, `npm test`, `npm run bench` and the other scripts run on a fresh clone. Plain JavaScript on purpose:
 * it runs before node_modules exists.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** better-sqlite3 compiles against Node's headers when no prebuilt binary can be fetched. */
function installEnv() {
  const env = { ...process.env };
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  return env;
}

export function dependenciesUpToDate() {
  const installed = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  return existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
}

/**
 * Runs `npm ci` if needed. `onChild` receives the child process (so a caller can forward signals).
 * Resolves when the dependencies are in place; rejects with a readable error otherwise.
 */
export async function ensureDependencies({ say = (line) => process.stderr.write(`${line}\n`), onChild } = {}) {
  if (dependenciesUpToDate()) return;
  const missing = !existsSync(join(ROOT, 'node_modules', '.package-lock.json'));
  say(missing ? 'node_modules is missing: running npm ci' : 'package-lock.json is newer than node_modules: running npm ci');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const code = await new Promise((done) => {
    // npm's output goes to stderr: a script's stdout may be its product (hash-password >> credentials)
    const child = spawn(npm, ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, env: installEnv(), stdio: ['ignore', 2, 2] });
    onChild?.(child);
    child.on('error', (error) => {
      say(`npm: ${error.message}`);
      done(127);
    });
    child.on('exit', (exitCode) => done(exitCode ?? 1));
  });
  if (code !== 0) throw new Error(`npm ci failed with exit code ${code}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureDependencies().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
