/**
 * A headless Chromium for browser tests: Debian's `chromium` package driven by playwright-core (never
 * playwright's own browser downloads). `launchChromium` installs the package on first use — `apt-get
 * update` then `apt-get install chromium`, serialised across processes by a lock file, which takes a
 * minute on a fresh machine — and closes the browser and removes its profile when the test ends.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, network-silent headless browser in a container (we run as root, hence no sandbox). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** apt and dpkg allow one writer at a time; other people's test runs may be installing too. */
const INSTALL_LOCK = join(tmpdir(), 'milvus-connect-chromium-install.lock');
const APT_LOCK_WAIT_SECONDS = '600';
const INSTALL_TIMEOUT_MS = 15 * 60_000;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && executable(join(dir, command)));
}

/** Runs a command, resolving with its combined output; rejects with that output when it fails. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), INSTALL_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}

let installing: Promise<void> | undefined;

async function installChromium(): Promise<void> {
  if (!onPath('apt-get')) {
    throw new Error(
      `The browser tests need ${CHROMIUM_PATH} (Debian's chromium package) and there is no apt-get to install it: install Chromium at that path and run the tests again.`,
    );
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      `The browser tests need ${CHROMIUM_PATH}; installing it takes root: run "apt-get install -y --no-install-recommends chromium" as root, then the tests again.`,
    );
  }
  // flock serialises installs across processes; once inside, another run may have finished the job
  const apt = `apt-get -o DPkg::Lock::Timeout=${APT_LOCK_WAIT_SECONDS}`;
  const script = `test -x ${CHROMIUM_PATH} || { ${apt} update && ${apt} install -y --no-install-recommends chromium; }`;
  const args = onPath('flock') ? ['flock', INSTALL_LOCK, 'sh', '-c', script] : ['sh', '-c', script];
  process.stderr.write(`Installing Chromium (Debian package) for the browser tests; this can take a minute…\n`);
  await run(args[0], args.slice(1), { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
  if (!executable(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing`);
}

/** Makes sure Debian's Chromium is at CHROMIUM_PATH, installing it once per process when missing. */
export async function ensureChromium(): Promise<string> {
  if (!executable(CHROMIUM_PATH)) {
    installing ??= installChromium().finally(() => (installing = undefined));
    await installing;
  }
  return CHROMIUM_PATH;
}

async function loadPlaywright(): Promise<typeof import('playwright-core')> {
  try {
    return await import('playwright-core');
  } catch (e) {
    throw new Error(`playwright-core is missing from node_modules (a devDependency): run "npm ci" or "npm test", which installs it. (${(e as Error).message})`);
  }
}

/** A headless Chromium with a fresh profile; closed, and its profile removed, when the test ends. */
export async function launchChromium(t: TestContext): Promise<BrowserContext> {
  const executablePath = await ensureChromium();
  const { chromium } = await loadPlaywright();
  const profile = mkdtempSync(join(tmpdir(), 'milvus-connect-chromium-'));
  let context: BrowserContext | undefined;
  t.after(async () => {
    try {
      await context?.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
  // playwright-core passes the profile as --user-data-dir; it refuses that flag among `args`
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  return context;
}
