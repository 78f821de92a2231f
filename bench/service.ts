/**
 * The service under test, as a child process: compiled to a private build directory (so a teammate's
 * `npm run build` and ours never write the same files), started with a temporary worker.properties and
 * SQLite file, and the bench-only probe preloaded for event-loop and GC figures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { say } from './progress.js';
import { sleep } from './stats.js';

export const REPO = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const BUILD_DIR = join(REPO, '.cache', 'bench', 'build');
const PROBE = join(REPO, 'bench', 'service-probe.mjs');

/** The probe's figures for one interval (see service-probe.mjs). */
export interface ProbeSnapshot {
  seq: number;
  intervalMs: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number; samples: number };
  eventLoopUtilization: number;
  gc: { count: number; ms: number; maxMs: number };
  memory: NodeJS.MemoryUsage;
}

/**
 * Compiles src/ into .cache/bench/build/dist beside a copy of package.json and a link to migrations/,
 * the layout main.ts expects. Type errors (a teammate mid-edit) are reported but do not stop the run
 * as long as JavaScript was emitted.
 */
export function buildService(): { entry: string; typeErrors: boolean } {
  mkdirSync(BUILD_DIR, { recursive: true });
  copyFileSync(join(REPO, 'package.json'), join(BUILD_DIR, 'package.json'));
  if (!existsSync(join(BUILD_DIR, 'migrations'))) symlinkSync(join(REPO, 'migrations'), join(BUILD_DIR, 'migrations'));
  say('compiling the service (tsc, incremental)…');
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(BUILD_DIR, 'dist'), '--incremental', '--tsBuildInfoFile', join(BUILD_DIR, 'tsbuildinfo')],
    { cwd: REPO, encoding: 'utf8' },
  );
  const entry = join(BUILD_DIR, 'dist', 'main.js');
  if (result.status !== 0) {
    if (!existsSync(entry)) throw new Error(`tsc failed:\n${result.stdout}${result.stderr}`);
    say(`tsc reported type errors (kept going with the emitted JavaScript):\n${result.stdout.split('\n').slice(0, 10).join('\n')}`);
  }
  return { entry, typeErrors: result.status !== 0 };
}

export interface ServiceOptions {
  readonly runDir: string;
  readonly kafkaBootstrap: string;
  readonly runtime: 'dist' | 'tsx';
  readonly entry: string;
  readonly workerProps: Readonly<Record<string, string>>;
  readonly cpuProf: boolean;
}

/** Counters only grow: a phase's figures are the difference of two readings. */
export interface SinkCounters {
  readonly requests: number;
  readonly rows: number;
  /** time spent writing batches, retries included, summed over all of them (several run at once) */
  readonly batchSeconds: number;
}

export class Service {
  readonly #child: ChildProcess;
  readonly #probeFile: string;
  readonly url: string;
  readonly logFile: string;

  private constructor(child: ChildProcess, url: string, probeFile: string, logFile: string) {
    this.#child = child;
    this.url = url;
    this.#probeFile = probeFile;
    this.logFile = logFile;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  static async start(o: ServiceOptions): Promise<Service> {
    const props: Record<string, string> = {
      'bootstrap.servers': o.kafkaBootstrap,
      listeners: 'http://127.0.0.1:0',
      'sqlite.path': join(o.runDir, 'connect.db'),
      ...o.workerProps,
    };
    const propsFile = join(o.runDir, 'worker.properties');
    writeFileSync(
      propsFile,
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    const probeFile = join(o.runDir, 'probe.json');
    const logFile = join(o.runDir, 'service.log');
    // BENCH_NODE_ARGS: extra node flags for experiments (e.g. --expose-gc with BENCH_PROBE_GC=1)
    const nodeArgs = ['--import', PROBE, ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
    if (o.cpuProf) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${join(o.runDir, 'cpu-profiles')}`);
    const args = o.runtime === 'tsx' ? ['--import', 'tsx', ...nodeArgs, join(REPO, 'src', 'main.ts'), propsFile] : [...nodeArgs, o.entry, propsFile];
    say(`starting the service: node ${args.map((a) => a.replace(`${REPO}/`, '')).join(' ')}`);
    const child = spawn(process.execPath, args, { cwd: o.runDir, env: { ...process.env, BENCH_PROBE_FILE: probeFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(logFile);
    child.stderr!.pipe(log);
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service did not start within 60 s; see ${logFile}`)), 60_000);
      child.once('exit', (code) => reject(new Error(`the service exited (${code}) during start; see ${logFile}`)));
      let listening: string | undefined;
      createInterface({ input: child.stdout! }).on('line', (line) => {
        log.write(`${line}\n`);
        listening ??= /REST server listening on (http:\/\/[^"\s]+)/.exec(line)?.[1];
        if (listening && line.includes('Kafka Connect started')) {
          clearTimeout(timer);
          resolve(listening);
        }
      });
    });
    say(`service pid ${child.pid} listening on ${url}`);
    return new Service(child, url, probeFile, logFile);
  }

  /** Ends the probe's current interval and returns its figures. */
  async probe(): Promise<ProbeSnapshot> {
    const before = this.#readProbe()?.seq ?? 0;
    this.#child.kill('SIGUSR2');
    for (let i = 0; i < 200; i++) {
      const snapshot = this.#readProbe();
      if (snapshot && snapshot.seq > before) return snapshot;
      await sleep(10);
    }
    throw new Error('the service probe did not answer SIGUSR2 within 2 s');
  }

  #readProbe(): ProbeSnapshot | undefined {
    try {
      return JSON.parse(readFileSync(this.#probeFile, 'utf8')) as ProbeSnapshot;
    } catch {
      return undefined;
    }
  }

  /** The Milvus sink's request counters of `connector`, read from the service's own `GET /metrics`. */
  async sinkCounters(connector: string): Promise<SinkCounters> {
    const response = await fetch(`${this.url}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics: ${response.status}`);
    const text = await response.text();
    const read = (name: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`kafka_connect_plugins_${name}{`) && l.includes(`connector="${connector}"`));
      if (line === undefined) throw new Error(`GET /metrics has no kafka_connect_plugins_${name} for ${connector}`);
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    return { requests: read('milvus_requests_total'), rows: read('milvus_records_written_total'), batchSeconds: read('milvus_batch_time_seconds_sum') };
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  async createConnector(name: string, config: Record<string, string>): Promise<void> {
    const { status, body } = await this.request('POST', '/connectors', { name, config });
    if (status !== 201) throw new Error(`POST /connectors ${name}: ${status} ${JSON.stringify(body)}`);
  }

  async deleteConnector(name: string): Promise<void> {
    const { status, body } = await this.request('DELETE', `/connectors/${name}`);
    if (status !== 204) throw new Error(`DELETE /connectors/${name}: ${status} ${JSON.stringify(body)}`);
  }

  /** Throws when a task of the connector FAILED (its trace in the message). */
  async assertHealthy(name: string): Promise<void> {
    const { body } = await this.request('GET', `/connectors/${name}/status`);
    const status = body as { tasks?: { id: number; state: string; trace?: string }[] };
    const failed = status.tasks?.find((t) => t.state === 'FAILED');
    if (failed) throw new Error(`task ${name}-${failed.id} FAILED:\n${failed.trace ?? ''}`);
  }

  /** SIGTERM (a graceful stop, which also writes --cpu-prof profiles), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
