/**
 * The entry point as operators run it: a real process, a real SQLite file, HTTP on a free port.
 * Nothing here needs Kafka or Milvus: connectors are created STOPPED and without `public.endpoint`
 * (so validation does not dial Milvus), and the broker address points at a closed port.
 */
import { unusedPort } from './helpers/ports.js';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'src', 'main.ts');
const START_TIMEOUT_MS = 30_000;
/** a process that never exits fails its test instead of hanging the run */
const TEST_TIMEOUT = { timeout: 90_000 };

interface Run {
  readonly child: ChildProcess;
  readonly lines: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the first log line matching, rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'milvus-connect-main-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function run(t: TestContext, args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ msg: line });
      }
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close' rather than 'exit': by then every line the process wrote has been read
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${pattern}; output:\n${JSON.stringify(lines, null, 1)}\n${stderr}`)),
        START_TIMEOUT_MS,
      );
      const check = () => {
        const found = lines.find((l) => pattern.test(String(l.msg)));
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before ${pattern}; output:\n${JSON.stringify(lines, null, 1)}\n${stderr}`));
      });
      check();
    });
  return { child, lines, stderr: () => stderr, waitFor, exited };
}

async function baseEnv(dir: string): Promise<Record<string, string>> {
  return {
    CONNECT_LISTENERS: 'http://127.0.0.1:0',
    CONNECT_SQLITE_PATH: join(dir, 'state', 'connect.db'),
    CONNECT_BOOTSTRAP_SERVERS: `127.0.0.1:${await unusedPort()}`,
  };
}

async function listeningUrl(r: Run): Promise<string> {
  const line = await r.waitFor(/^REST server listening on /);
  return String(line.msg).replace('REST server listening on ', '');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}`);
  return response.json();
}

async function stopWith(r: Run, signal: NodeJS.Signals): Promise<number | null> {
  r.child.kill(signal);
  return r.exited;
}

test('--help prints the usage and --version the package version', TEST_TIMEOUT, async (t) => {
  const help = run(t, ['--help'], {});
  assert.equal(await help.exited, 0);
  const version = run(t, ['--version'], {});
  assert.equal(await version.exited, 0);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual(
    version.lines.map((l) => l.msg),
    [pkg.version],
  );
  assert.match(help.lines.map((l) => l.msg).join('\n'), /Usage: milvus-connect \[options\] \[worker\.properties\]/);
});

test('an invalid worker setting stops the start with Kafka’s message, before any database is created', TEST_TIMEOUT, async (t) => {
  const dir = tempDir(t);
  const r = run(t, [], { ...(await baseEnv(dir)), CONNECT_OFFSET_FLUSH_INTERVAL_MS: 'often' });
  assert.equal(await r.exited, 1);
  assert.match(
    r.stderr(),
    /Invalid value often for configuration offset\.flush\.interval\.ms: Not a number of type LONG \(from environment variable CONNECT_OFFSET_FLUSH_INTERVAL_MS\)/,
  );
  assert.equal(existsSync(join(dir, 'state')), false);
});

test('a connector file given as the only argument is read as the worker file, with a hint saying so', TEST_TIMEOUT, async (t) => {
  const dir = tempDir(t);
  const connector = join(dir, 'milvus.properties');
  writeFileSync(connector, 'name=milvus\nconnector.class=com.milvus.io.kafka.MilvusSinkConnector\n');
  const r = run(t, [connector], await baseEnv(dir));
  const hint = await r.waitFor(/'connector\.class'.*looks like a connector config/);
  assert.equal(hint.level, 40);
  assert.equal(await stopWith(r, 'SIGTERM'), 0);
});

test('the worker serves REST on the configured listener and exits 0 on SIGTERM', TEST_TIMEOUT, async (t) => {
  const dir = tempDir(t);
  const r = run(t, [], await baseEnv(dir));
  const url = await listeningUrl(r);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  await r.waitFor(/^Kafka Connect started$/);
  assert.deepEqual(await getJson(`${url}/connectors`), []);
  assert.equal(await stopWith(r, 'SIGTERM'), 0);
  assert.ok(r.lines.some((l) => l.msg === 'Kafka Connect stopped'));
  assert.ok(existsSync(join(dir, 'state', 'connect.db')));
});

test('connector files are created at start, updated on the next start, and target states survive restarts', TEST_TIMEOUT, async (t) => {
  const dir = tempDir(t);
  const env = await baseEnv(dir);
  const workerFile = join(dir, 'worker.properties');
  writeFileSync(workerFile, '# stock keys still work\nkey.converter.schemas.enable=false\nvalue.converter.schemas.enable=false\n');
  const connectorFile = join(dir, 'milvus.json');
  const request = (topics: string, initialState: string) =>
    JSON.stringify({
      name: 'milvus',
      config: {
        'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
        topics,
        token: 'root:Milvus',
        'collection.name': 'vectors',
      },
      initial_state: initialState,
    });
  writeFileSync(connectorFile, request('first', 'STOPPED'));

  const first = run(t, [workerFile, connectorFile], env);
  const url1 = await listeningUrl(first);
  await first.waitFor(/^Created connector milvus from /);
  assert.equal((await getJson(`${url1}/connectors/milvus/status`)).connector.state, 'STOPPED');
  assert.equal(await stopWith(first, 'SIGINT'), 0);

  writeFileSync(connectorFile, request('second', 'PAUSED'));
  const second = run(t, [workerFile, connectorFile], env);
  const url2 = await listeningUrl(second);
  await second.waitFor(/^Updated connector milvus from /);
  const config = await getJson(`${url2}/connectors/milvus/config`);
  assert.equal(config.topics, 'second');
  assert.equal(config.token, 'root:Milvus');
  // STOPPED was persisted; the file's initial_state applies only when it creates the connector
  assert.equal((await getJson(`${url2}/connectors/milvus/status`)).connector.state, 'STOPPED');
  assert.ok(!second.lines.some((l) => JSON.stringify(l).includes('root:Milvus')), 'the token never reaches the logs');
  assert.equal(await stopWith(second, 'SIGTERM'), 0);
});

/** The environment of a worker that started once and stopped cleanly, leaving its database behind. */
async function startedOnce(t: TestContext): Promise<Record<string, string>> {
  const env = await baseEnv(tempDir(t));
  const prepared = run(t, [], env);
  await prepared.waitFor(/^Kafka Connect started$/);
  assert.equal(await stopWith(prepared, 'SIGTERM'), 0);
  return env;
}

test('a database written by a newer build is refused: exit 1, the migration named, nothing changed', TEST_TIMEOUT, async (t) => {
  const env = await startedOnce(t);
  const db = new Database(env.CONNECT_SQLITE_PATH);
  db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (9999, ?, 0)').run('9999_from_the_future.sql');
  db.close();

  const r = run(t, [], env);
  assert.equal(await r.exited, 1);
  const fatal = r.lines.find((l) => l.level === 60);
  assert.match(String(fatal?.msg), /9999_from_the_future\.sql/);
});

test('a connector file with an error stops the start with exit code 1 and names the file', TEST_TIMEOUT, async (t) => {
  const dir = tempDir(t);
  const bad = join(dir, 'bad.properties');
  writeFileSync(bad, 'connector.class=com.milvus.io.kafka.MilvusSinkConnector\n');
  const worker = join(dir, 'worker.properties');
  writeFileSync(worker, '');
  const r = run(t, [worker, bad], await baseEnv(dir));
  assert.equal(await r.exited, 1);
  assert.ok(r.lines.some((l) => l.level === 60 && String(l.msg).includes(`Connector configuration at '${bad}' is missing the mandatory 'name' configuration`)));
});

test('a damaged database stops the start with exit code 1, naming the file', TEST_TIMEOUT, async (t) => {
  const env = await startedOnce(t);
  // keep the header, scribble over every page after the first
  const file = readFileSync(env.CONNECT_SQLITE_PATH);
  writeFileSync(env.CONNECT_SQLITE_PATH, Buffer.concat([file.subarray(0, 4096), Buffer.alloc(Math.max(file.length - 4096, 4096), 0xa5)]));

  const r = run(t, [], env);
  assert.equal(await r.exited, 1);
  const fatal = r.lines.find((l) => l.level === 60);
  assert.ok(String(fatal?.msg).includes(`The SQLite database ${env.CONNECT_SQLITE_PATH} is unusable`), String(fatal?.msg));
});
