/**
 * The REST contract is the same in both modes: one script of requests — every endpoint a client uses,
 * successes and errors — runs against a standalone worker and against a three-worker cluster (each
 * request to the next worker in turn, so reads and forwarded writes land everywhere), and every answer
 * is the same. Only what names a worker (`worker_id`) is left out of the comparison.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConnectProcess, HttpResult } from '../helpers/connect-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { collectionFor, createTopic, quickStartConfig, startService, status, uniqueName, type Cleanup } from './e2e-fixture.js';
import { startCluster, write } from './process-cluster.js';

/** One request of the script and its answer, with what depends on the worker taken out. */
interface Exchange {
  readonly request: string;
  readonly status: number;
  readonly body: unknown;
}

/** Replaces every `worker_id` and the names that differ per run, so answers of two runs compare. */
function normalized(body: unknown, names: Record<string, string>): unknown {
  let text = JSON.stringify(body ?? null);
  for (const [actual, placeholder] of Object.entries(names)) text = text.split(actual).join(placeholder);
  return JSON.parse(text, (key, value) => (key === 'worker_id' ? '<worker>' : value));
}

/**
 * Runs the script through `workers` (round robin) for connector `name` reading `topic` into the
 * collection of the same name; returns each exchange.
 */
async function script(workers: readonly ConnectProcess[], name: string, topic: string): Promise<Exchange[]> {
  let next = 0;
  const worker = () => workers[next++ % workers.length];
  const names = { [name]: '<connector>', [topic]: '<topic>' };
  const exchanges: Exchange[] = [];
  const record = (request: string, res: HttpResult) =>
    exchanges.push({ request: normalized(request, names) as string, status: res.status, body: normalized(res.body, names) });
  const read = async (path: string) => record(`GET ${path}`, await worker().request('GET', path));
  const change = async (method: string, path: string, body?: unknown) => record(`${method} ${path}`, await write(worker(), method, path, body));
  const settled = (what: string, ok: (s: Awaited<ReturnType<typeof status>>) => boolean) => waitFor(what, async () => ok(await status(worker(), name)), 60_000);

  const config = quickStartConfig(topic, topic, { 'tasks.max': '2' });
  await read('/connectors');
  await change('POST', '/connectors', { name, config });
  await change('POST', '/connectors', { name, config });
  await change('POST', '/connectors', { name: `${name}-bad`, config: { ...config, 'tasks.max': 'two' } });
  await settled('RUNNING', (s) => s?.tasks.length === 2 && s.tasks.every((t) => t.state === 'RUNNING'));
  await read(`/connectors/${name}`);
  await read(`/connectors/${name}/config`);
  await read(`/connectors/${name}/tasks`);
  await read(`/connectors/${name}/status`);
  await read(`/connectors/${name}/tasks/1/status`);
  await read(`/connectors?expand=info&expand=status`);
  await read('/connectors/nope');
  await read('/connectors/nope/status');
  await change('PUT', `/connectors/${name}/config`, { ...config, 'batch.max.rows': '500' });
  await change('PATCH', `/connectors/${name}/config`, { 'batch.max.rows': '600' });
  await read(`/connectors/${name}/config`);
  await change('PUT', `/connectors/${name}/pause`);
  await settled('PAUSED', (s) => s?.connector.state === 'PAUSED' && s.tasks.every((t) => t.state === 'PAUSED'));
  await read(`/connectors/${name}/status`);
  await change('PUT', `/connectors/${name}/resume`);
  await settled('RUNNING again', (s) => s?.connector.state === 'RUNNING' && s.tasks.every((t) => t.state === 'RUNNING'));
  await change('POST', `/connectors/${name}/restart`);
  await change('POST', `/connectors/${name}/tasks/1/restart`);
  await change('POST', `/connectors/${name}/tasks/9/restart`);
  await change('POST', '/connectors/nope/restart');
  await settled('RUNNING after the restarts', (s) => s?.connector.state === 'RUNNING' && s.tasks.every((t) => t.state === 'RUNNING'));
  await change('PUT', `/connectors/${name}/stop`);
  await settled('STOPPED', (s) => s?.connector.state === 'STOPPED' && s.tasks.length === 0);
  await read(`/connectors/${name}/tasks`);
  await read(`/connectors/${name}/offsets`);
  await change('PATCH', `/connectors/${name}/offsets`, { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 3 } }] });
  await read(`/connectors/${name}/offsets`);
  await change('DELETE', `/connectors/${name}/offsets`);
  await change('PUT', `/connector-plugins/MilvusSinkConnector/config/validate`, {
    ...config,
    'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
    'tasks.max': '0',
  });
  await read('/connector-plugins');
  await read('/connector-plugins?connectorsOnly=false');
  await change('DELETE', `/connectors/${name}`);
  await change('DELETE', `/connectors/${name}`);
  await read('/connectors');
  return exchanges;
}

/** A topic and its collection for one run of the script. */
async function target(t: Cleanup, prefix: string): Promise<string> {
  const topic = uniqueName(prefix).replace(/-/g, '_');
  await createTopic(topic);
  await collectionFor(t, topic);
  return topic;
}

describe('the REST contract in both modes', { concurrency: false }, () => {
  let standalone: Exchange[] = [];

  test('a standalone worker answers the script', async (t) => {
    const worker = await startService(t);
    standalone = await script([worker], uniqueName('surface'), await target(t, 'surface'));
    const statuses = standalone.map((e) => `${e.request} ${e.status}`);
    // the answers a client relies on, checked here once; the cluster must then give the same
    for (const expected of [
      'POST /connectors 201',
      'POST /connectors 409',
      'POST /connectors 400',
      'GET /connectors/nope 404',
      'POST /connectors/<connector>/tasks/9/restart 404',
      'POST /connectors/nope/restart 404',
      'DELETE /connectors/<connector> 204',
      'DELETE /connectors/<connector> 404',
    ]) {
      assert.ok(statuses.includes(expected), `${expected} in\n${statuses.join('\n')}`);
    }
  });

  test('a three-worker cluster answers every request of the script exactly as the standalone worker did', async (t) => {
    assert.ok(standalone.length > 0, 'the standalone run went first');
    const { workers } = await startCluster(t, 3);
    const cluster = await script(workers, uniqueName('surface'), await target(t, 'surface'));
    assert.equal(cluster.length, standalone.length);
    for (let i = 0; i < cluster.length; i++) {
      assert.deepEqual(cluster[i], standalone[i], `exchange ${i}: ${standalone[i].request}`);
    }
  });
});
