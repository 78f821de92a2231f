/**
 * The idle REST phase's ceiling: the same autocannon load on the status path, against a bare node:http
 * server and a bare Fastify app (bench/rest-ceiling-server.mjs) that answer with the service's own
 * status body, each in a process of its own like the service. Their CPU per request is what the HTTP
 * stack costs on this machine at this moment, before any of the service's work.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { restLoadWithCpu, type RestLoadResult } from './rest-load.js';
import { REPO } from './service.js';

export type CeilingServer = 'node' | 'fastify';

export interface RestCeilingResult extends RestLoadResult {
  readonly server: CeilingServer;
}

const SERVER = join(REPO, 'bench', 'rest-ceiling-server.mjs');

async function startServer(kind: CeilingServer, body: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, BENCH_SERVER: kind, BENCH_BODY: body }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    const port = /port (\d+)/.exec(out)?.[1];
    if (port) return { child, url: `http://127.0.0.1:${port}` };
  }
  throw new Error(`the ${kind} ceiling server ended without a port (exit ${child.exitCode})`);
}

export async function restCeilings(o: { serviceUrl: string; path: string; seconds: number; connections: number }): Promise<RestCeilingResult[]> {
  const response = await fetch(`${o.serviceUrl}${o.path}`);
  if (!response.ok) throw new Error(`GET ${o.path}: ${response.status}`);
  const body = await response.text();
  const out: RestCeilingResult[] = [];
  for (const server of ['node', 'fastify'] as const) {
    const { child, url } = await startServer(server, body);
    try {
      const result = await restLoadWithCpu(child.pid!, { baseUrl: url, path: o.path, seconds: o.seconds, connections: o.connections });
      out.push({ ...result, server });
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  }
  return out;
}
