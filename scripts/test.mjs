#!/usr/bin/env node
/**
 * `npm test`: the one test command, here and in CI.
 *
 *   npm test                          install deps if needed, start a stack, run every test/**\/*.test.ts
 *   npm test -- --unit                no stack, skip test/integration (also: npm run test:unit)
 *   npm test -- test/x.test.ts dir/   only these files / folders (the stack still starts unless --unit)
 *   npm test -- --test-name-pattern=… other --options (in --opt=value form) go to `node --test`
 *
 * Every run first checks lint and formatting (`npm run lint`: Biome, biome.jsonc) and stops there if
 * it fails; `npm run format` fixes what is formattable.
 *
 * Env: TEST_TIMEOUT_MS (default 300000) bounds each test and each file; STACK_CACHE_DIR as for the stack;
 * SKIP_LINT=1 skips the lint check in a local edit-test loop (ignored when CI is set: CI always lints).
 *
 * Plain JavaScript on purpose: it must run before node_modules exists. The stack is started and
 * stopped through scripts/stack.ts (the same code as `npm run stack:up|down`), under its own
 * instance name, so it never touches a developer's `dev` stack. It is stopped on success, on test
 * failure and on SIGINT/SIGTERM/SIGHUP; if this process is killed outright, the stack's watchdog
 * stops it. Exit code: non-zero on any failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies as ensureInstalled } from './ensure-deps.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TEST_DIR = join(ROOT, 'test');
const INTEGRATION_DIR = join(TEST_DIR, 'integration');
const STACK_NAME = `test-${process.pid}`;
const CACHE_DIR = resolve(process.env.STACK_CACHE_DIR ?? join(ROOT, '.cache', 'stack'));
const RUN_DIR = join(CACHE_DIR, 'run', STACK_NAME);
// Per test and per file: bounds a hung test so CI fails instead of running into its own limit.
const TEST_TIMEOUT_MS = process.env.TEST_TIMEOUT_MS ?? '300000';

const say = (line) => process.stderr.write(`test: ${line}\n`);

/** The child currently running (npm ci, stack up, the test runner), to forward signals to. */
let current;
let interrupted;
let stackStarted = false;

function parseArgs(argv) {
  const options = { unit: false, paths: [], passthrough: [] };
  for (const arg of argv) {
    if (arg === '--unit') options.unit = true;
    else if (arg.startsWith('-')) options.passthrough.push(arg);
    else options.paths.push(resolve(arg));
  }
  return options;
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { recursive: true })
    .map((entry) => join(dir, entry))
    .filter((file) => file.endsWith('.test.ts') && !file.includes(`${sep}node_modules${sep}`))
    .sort();
}

function selectTests(options) {
  if (options.paths.length > 0) {
    const missing = options.paths.filter((path) => !existsSync(path));
    if (missing.length > 0) throw new Error(`no such test file or folder: ${missing.map((p) => relative(ROOT, p)).join(', ')}`);
    return [...new Set(options.paths.flatMap(findTests))];
  }
  const all = findTests(TEST_DIR);
  return options.unit ? all.filter((file) => !file.startsWith(INTEGRATION_DIR + sep)) : all;
}

/** `npm ci` when node_modules is missing or older than package-lock.json (shared with `npm start`). */
function ensureDependencies() {
  return ensureInstalled({ say, onChild: (child) => (current = { child, detached: false }) });
}

/** The check `npm run lint` runs (package.json), run with this Node rather than through npm. */
const BIOME = join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
const LINT_ARGS = ['check', '--error-on-warnings', '.'];

async function lint() {
  if (process.env.SKIP_LINT === '1') {
    if (!process.env.CI) {
      say('SKIP_LINT=1: lint and format check skipped');
      return 0;
    }
    say('SKIP_LINT is ignored in CI: checking lint and format');
  }
  const code = await run(process.execPath, [BIOME, ...LINT_ARGS]);
  if (code !== 0 && !interrupted) say('lint or format check failed (see above); `npm run format` fixes formatting and safe lint fixes');
  return code;
}

function run(command, args, { env = process.env, detached = false } = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit', detached });
    current = { child, detached };
    child.on('error', (error) => {
      say(`${command}: ${error.message}`);
      resolveRun(127);
    });
    child.on('exit', (code, signal) => {
      current = undefined;
      resolveRun(code ?? (signal ? 128 + (signalNumbers[signal] ?? 1) : 1));
    });
  });
}

const signalNumbers = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function stackCommand(command, extra = []) {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'stack.ts'), command, ...extra], {
    env: { ...process.env, STACK_NAME },
  });
}

function readStackEnv() {
  const text = readFileSync(join(RUN_DIR, 'env'), 'utf8');
  const values = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  const keys = ['KAFKA_BOOTSTRAP', 'MILVUS_ADDRESS', 'SCHEMA_REGISTRY_URL', 'SCHEMA_REGISTRY_USER_INFO'];
  if (keys.some((key) => !values[key])) throw new Error(`${RUN_DIR}/env lacks the stack addresses`);
  return Object.fromEntries(keys.map((key) => [key, values[key]]));
}

async function stopStack(keepLogs) {
  if (!stackStarted) return;
  stackStarted = false;
  const code = await stackCommand('down');
  if (code !== 0) say(`stopping stack ${STACK_NAME} failed (exit ${code}); see npm run stack:status`);
  if (keepLogs) say(`stack logs kept in ${relative(ROOT, join(RUN_DIR, 'logs'))}`);
  else rmSync(RUN_DIR, { recursive: true, force: true });
}

/** Ends the test runner's whole process group, so no test subprocess outlives the run. */
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function onSignal(signal) {
  if (interrupted) return;
  interrupted = signal;
  say(`${signal} received: stopping tests and the stack`);
  if (!current) return;
  if (current.detached) {
    killGroup(current.child, 'SIGTERM');
    const { child } = current;
    setTimeout(() => killGroup(child, 'SIGKILL'), 5_000).unref();
  } else {
    current.child.kill(signal);
  }
}

/**
 * Run directories of earlier test runs are kept when they failed, for their logs; drop those whose
 * run is over (no state file, owner gone) so they do not pile up.
 */
function pruneOldTestRuns() {
  const runs = join(CACHE_DIR, 'run');
  if (!existsSync(runs)) return;
  for (const entry of readdirSync(runs)) {
    const match = /^test-(\d+)$/.exec(entry);
    if (!match || existsSync(join(runs, entry, 'state.json'))) continue;
    if (Number(match[1]) === process.pid || pidExists(Number(match[1]))) continue;
    rmSync(join(runs, entry), { recursive: true, force: true });
  }
}

function pidExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  pruneOldTestRuns();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
  await ensureDependencies();
  if (interrupted) return 1;
  const lintCode = await lint();
  if (lintCode !== 0 || interrupted) return lintCode || 1;
  const files = selectTests(options);
  if (files.length === 0) {
    say('no test files found');
    return 1;
  }

  let stackEnv = {};
  if (!options.unit) {
    stackStarted = true; // from here on, stopStack must run: `up` may have started something
    const code = await stackCommand('up', ['--owner-pid', String(process.pid)]);
    if (code !== 0 || interrupted) {
      await stopStack(true);
      if (!interrupted) say(`could not start the Kafka/Milvus stack (exit ${code})`);
      return code || 1;
    }
    stackEnv = readStackEnv();
  }

  say(`running ${files.length} test file(s)${options.unit ? ' (unit only, no stack)' : ''}`);
  const guard = join(ROOT, 'scripts', 'stack', 'orphan-guard.cjs');
  const args = [
    '--require',
    guard,
    '--import',
    'tsx',
    '--test',
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    ...options.passthrough,
    ...files.map((f) => relative(ROOT, f)),
  ];
  const env = { ...process.env, ...stackEnv, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  let code;
  try {
    code = await new Promise((resolveRun) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit', detached: true });
      current = { child, detached: true };
      child.on('error', (error) => {
        say(error.message);
        resolveRun(1);
      });
      child.on('exit', (exitCode, signal) => {
        current = undefined;
        killGroup(child, 'SIGKILL'); // a test that leaked a subprocess must not keep it alive
        resolveRun(exitCode ?? (signal ? 128 + (signalNumbers[signal] ?? 1) : 1));
      });
    });
  } finally {
    await stopStack(code !== 0 || Boolean(interrupted));
  }
  return code;
}

main()
  .catch(async (error) => {
    say(error instanceof Error ? error.message : String(error));
    await stopStack(true);
    return 1;
  })
  .then((code) => {
    const exitCode = interrupted ? 128 + signalNumbers[interrupted] : code;
    say(exitCode === 0 ? 'all tests passed' : `failed (exit ${exitCode})`);
    process.exit(exitCode);
  });
