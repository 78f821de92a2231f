/**
 * The real API app over a FakeHerder, closed when the test ends. Also small builders for the entities
 * the fake herder returns, so tests state only what matters to them.
 */
import type { TestContext } from 'node:test';
import type { FastifyBaseLogger, FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, type ApiOptions } from '../../src/api/app.js';
import type { WorkerConfigView } from '../../src/api/options.js';
import type { ConnectorInfo, ConnectorStateInfo } from '../../src/runtime/types.js';
import { FakeHerder } from './fake-herder.js';

export interface TestApp {
  app: FastifyInstance;
  herder: FakeHerder;
}

export async function buildTestApp(
  t: TestContext,
  options: { api?: ApiOptions; workerConfig?: WorkerConfigView; logger?: FastifyBaseLogger; herder?: FakeHerder } = {},
): Promise<TestApp> {
  const herder = options.herder ?? new FakeHerder();
  const app = buildApp({ herder, api: options.api, workerConfig: options.workerConfig, logger: options.logger });
  t.after(() => app.close());
  await app.ready();
  return { app, herder };
}

/** A JSON request: string payloads are sent verbatim, others serialised; JSON content type unless overridden. */
export function json(method: InjectOptions['method'], url: string, payload?: unknown, headers: Record<string, string> = {}): InjectOptions {
  return {
    method,
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' || payload === undefined ? payload : JSON.stringify(payload),
  };
}

export function connectorInfo(name: string, config: Record<string, string> = {}, tasks = 1): ConnectorInfo {
  return {
    name,
    config: { 'connector.class': 'MilvusSink', ...config, name },
    tasks: Array.from({ length: tasks }, (_, task) => ({ connector: name, task })),
    type: 'sink',
  };
}

export function connectorStatus(name: string, overrides: Partial<ConnectorStateInfo> = {}): ConnectorStateInfo {
  return {
    name,
    connector: { state: 'RUNNING', worker_id: 'localhost:8083' },
    tasks: [{ id: 0, state: 'RUNNING', worker_id: 'localhost:8083' }],
    type: 'sink',
    ...overrides,
  };
}

/** The parsed error envelope, asserting it is one. */
export function envelope(body: string): { error_code: number; message: string | null } {
  const parsed = JSON.parse(body) as { error_code: number; message: string | null };
  if (Object.keys(parsed).join() !== 'error_code,message') throw new Error(`not an error envelope: ${body}`);
  return parsed;
}
