/**
 * REST load with autocannon, run as its own process (its CLI, JSON output) so the harness's own work
 * (producer, latency poller) never delays the load generator's event loop and inflates the latencies.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cpuSeconds } from './process-stats.js';
import { REPO } from './service.js';

export interface RestLoadResult {
  readonly path: string;
  readonly seconds: number;
  /** fixed rate asked for, or null for as fast as possible */
  readonly targetRate: number | null;
  readonly connections: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p99: number; max: number; mean: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** the serving process's CPU per request (idle phase and ceilings only: during ingestion the CPU is mostly the sink's) */
  serviceCpuUsPerRequest?: number;
  /** cores the Kafka broker and Milvus Lite used meanwhile: what of the 2 cores the service and autocannon did not have */
  stackCpuCores?: number;
}

interface AutocannonJson {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

const CLI = join(REPO, 'node_modules', 'autocannon', 'autocannon.js');

export interface RestLoadOptions {
  readonly baseUrl: string;
  readonly path: string;
  readonly seconds: number;
  readonly connections: number;
  readonly rate?: number;
}

/** restLoad, plus the CPU the serving process `pid` spent per request meanwhile. */
export async function restLoadWithCpu(pid: number, options: RestLoadOptions): Promise<RestLoadResult> {
  const before = cpuSeconds(pid);
  const result = await restLoad(options);
  result.serviceCpuUsPerRequest = ((cpuSeconds(pid) - before) * 1e6) / Math.max(1, result.requests);
  return result;
}

export function restLoad(options: RestLoadOptions): Promise<RestLoadResult> {
  const args = [CLI, '--json', '--no-progress', '-c', String(options.connections), '-d', String(options.seconds)];
  if (options.rate !== undefined) args.push('-R', String(options.rate));
  args.push(`${options.baseUrl}${options.path}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}: ${err}`));
      let json: AutocannonJson;
      try {
        json = JSON.parse(out.slice(out.indexOf('{'))) as AutocannonJson;
      } catch {
        return reject(new Error(`autocannon printed no JSON: ${out}${err}`));
      }
      resolve({
        path: options.path,
        seconds: json.duration,
        targetRate: options.rate ?? null,
        connections: options.connections,
        requests: json.requests.total,
        requestsPerSecond: json.requests.total / json.duration,
        latencyMs: { p50: json.latency.p50, p99: json.latency.p99, max: json.latency.max, mean: json.latency.average },
        non2xx: json.non2xx,
        errors: json.errors,
        timeouts: json.timeouts,
      });
    });
  });
}
