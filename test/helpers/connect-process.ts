/**
 * The real service as operators run it: `node --import tsx src/main.ts <worker.properties> [connector files]`
 * in its own process, with a temp worker properties file, a SQLite file that can outlive the process (to
 * start again on the same state), and the REST API on a free port. End-to-end tests talk to it over HTTP
 * only; they stop it with SIGTERM (bounded, then SIGKILL) or crash it with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackAddresses } from './stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src', 'main.ts');
const DISTRIBUTED_MAIN = join(ROOT, 'src', 'distributed.ts');
const LISTENING = /REST server listening on (http:\/\/\S+)/;
/** Log lines kept in memory for failure messages; the whole log is in `<dir>/connect.log`. */
const KEPT_LINES = 2000;

export interface ConnectProcessOptions {
  /** Worker properties over the test defaults (these win); a null value removes a default. */
  readonly workerProps?: Readonly<Record<string, string | null>>;
  /**
   * A directory from an earlier process (its `connect.db` is reused), removed by whoever made it. Default: a
   * fresh temp dir, removed when the test process exits (a later start may still reuse it until then).
   */
  readonly dir?: string;
  /** Connector files (properties or JSON) passed on the command line after the worker file. */
  readonly connectorFiles?: readonly string[];
  /** Bound for the listening line and a healthy /health. */
  readonly startTimeoutMs?: number;
  /** Extra environment (e.g. CONNECT_* overrides). */
  readonly env?: Readonly<Record<string, string>>;
  /** `distributed` runs milvus-connect-distributed (no SQLite; give it group.id and the storage topics). */
  readonly mode?: 'standalone' | 'distributed';
}

export interface HttpResult<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ConnectProcess {
  readonly pid: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** The directory holding worker.properties, connect.db and connect.log; pass it to start again on the same state. */
  readonly dir: string;
  readonly sqlitePath: string;
  /** Parsed JSON log lines seen so far (the last KEPT_LINES). */
  logs(): Array<Record<string, unknown>>;
  /** The last `n` log lines as text, for assertion messages. */
  logTail(n?: number): string;
  /** An HTTP request to the REST API; a JSON body is sent and parsed back (text when not JSON). */
  request<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. Idempotent. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL (a crash) and wait for the process to be gone. */
  kill9(): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the process has not exited yet. */
  alive(): boolean;
}

/** Processes still alive when the test process exits are killed, so no run leaves a worker behind. */
const live = new Set<ChildProcess>();
/** Directories startConnect made itself (no `dir` given): removed when the test process exits. */
const ownDirs = new Set<string>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of ownDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp directory for one service's state; removed by `removeDir` (call it in t.after). */
export function makeDir(): string {
  return mkdtempSync(join(tmpdir(), 'milvus-connect-e2e-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What every e2e worker gets unless a test says otherwise: the stack's broker, fast commits and fetches. */
export function defaultWorkerProps(dir: string): Record<string, string> {
  return {
    'bootstrap.servers': stackAddresses().kafkaBootstrap,
    listeners: 'http://127.0.0.1:0',
    'rest.advertised.host.name': '127.0.0.1',
    'sqlite.path': join(dir, 'connect.db'),
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'offset.flush.interval.ms': '200',
    'consumer.session.timeout.ms': '10000',
    'consumer.heartbeat.interval.ms': '1000',
    'consumer.fetch.max.wait.ms': '100',
    'log4j.root.loglevel': 'INFO',
  };
}

function propertiesText(props: Readonly<Record<string, string>>): string {
  // backslashes and line breaks are the only characters our values need escaped in .properties
  const escaped = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `${Object.entries(props)
    .map(([k, v]) => `${escaped(k)}=${escaped(v)}`)
    .join('\n')}\n`;
}

/**
 * Starts the service and resolves once it listens and `GET /health` answers 200. If it exits or does
 * not become healthy within the bound, it is killed and the error carries its last log lines.
 */
export async function startConnect(options: ConnectProcessOptions = {}): Promise<ConnectProcess> {
  let dir = options.dir;
  if (dir === undefined) ownDirs.add((dir = makeDir()));
  const props: Record<string, string> = defaultWorkerProps(dir);
  if (options.mode === 'distributed') delete props['sqlite.path'];
  for (const [k, v] of Object.entries(options.workerProps ?? {})) {
    if (v === null) delete props[k];
    else props[k] = v;
  }
  const workerFile = join(dir, 'worker.properties');
  writeFileSync(workerFile, propertiesText(props));
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;

  // only PATH and HOME from the parent: a CONNECT_* variable of the developer's shell must not leak in
  const entry = options.mode === 'distributed' ? DISTRIBUTED_MAIN : MAIN;
  const child = spawn(process.execPath, ['--import', 'tsx', entry, workerFile, ...(options.connectorFiles ?? [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const logFile: WriteStream = createWriteStream(join(dir, 'connect.log'), { flags: 'a' });
  void exited.then(() => logFile.end());

  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  let listeningUrl: string | undefined;
  const onLine = (line: string) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      parsed = { msg: line };
    }
    lines.push(parsed);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
    const match = LISTENING.exec(String(parsed.msg ?? ''));
    if (match && listeningUrl === undefined) listeningUrl = match[1];
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    logFile.write(chunk);
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    logFile.write(chunk);
    for (const line of chunk.split('\n')) if (line.trim()) lines.push({ stderr: line });
  });

  const logTail = (n = 40) =>
    lines
      .slice(-n)
      .map((l) =>
        l.stderr !== undefined
          ? `stderr: ${String(l.stderr)}`
          : `${String(l.level ?? '')} ${String(l.logger ?? '')} ${String(l.msg ?? '')}${l.err ? ` ${JSON.stringify(l.err)}` : ''}`,
      )
      .join('\n');

  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const stop = (graceMs = 30_000) =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, graceMs);
      });
      await Promise.race([exited, killed]);
      clearTimeout(timer);
      return exited;
    })());
  const kill9 = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  // wait for the listening line, then for a healthy herder
  const deadline = Date.now() + startTimeoutMs;
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  const fail = async (why: string): Promise<never> => {
    await kill9();
    throw new Error(`The service did not start: ${why}\n--- last log lines ---\n${logTail(60)}`);
  };
  while (listeningUrl === undefined) {
    if (exitedEarly) return fail(`it exited (${JSON.stringify(await exited)})`);
    if (Date.now() > deadline) return fail(`no "REST server listening" line within ${startTimeoutMs} ms`);
    await sleep(50);
  }
  const baseUrl = listeningUrl;
  for (;;) {
    if (exitedEarly) return fail(`it exited (${JSON.stringify(await exited)})`);
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) return fail(`GET /health was not 200 within ${startTimeoutMs} ms`);
    await sleep(100);
  }

  return {
    pid: child.pid!,
    baseUrl,
    dir,
    sqlitePath: props['sqlite.path'],
    logs: () => [...lines],
    logTail,
    async request(method, path, body) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        signal: AbortSignal.timeout(90_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: the text itself
      }
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
    stop,
    kill9,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown by a `waitUntil` probe to give up at once (e.g. the task FAILED: waiting longer cannot help). */
export class GiveUp extends Error {
  override name = 'GiveUp';
}

/**
 * Polls `probe` until it returns a truthy value or the deadline passes; the error names what was awaited
 * and the last value seen (and `describe()` output, e.g. a connector status, when given).
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => unknown } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      const extra = options.describe ? `\n${JSON.stringify(await options.describe(), null, 1)}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})${extra}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}
