/**
 * Clusters of worker processes for integration tests (distributed mode): workers in one fresh group, each with its own REST
 * port and the group's own state topics, on the stack's broker; stopped after the test.
 */
import { unusedPort } from '../helpers/ports.js';
import type { ConnectProcess, HttpResult } from '../helpers/connect-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { startService, status, uniqueName, type Cleanup, type StatusBody } from './e2e-fixture.js';

export const SESSION_TIMEOUT_MS = 6_000;

export interface Cluster {
  readonly workers: ConnectProcess[];
  /** Stops worker `i` gracefully and starts it again with the same settings (a rolling restart's step). */
  restart(i: number): Promise<ConnectProcess>;
  /** The worker that leads the cluster now, by its metrics. */
  leader(): Promise<ConnectProcess>;
}

/** `n` workers in one fresh group with their own state topics; stopped after test `t`. */
export async function startCluster(t: Cleanup, n: number): Promise<Cluster> {
  const group = uniqueName('cluster');
  const workerProps = async (): Promise<Record<string, string>> => {
    const port = await unusedPort();
    return {
      listeners: `http://127.0.0.1:${port}`,
      'rest.advertised.host.name': '127.0.0.1',
      'rest.advertised.port': String(port),
      'group.id': group,
      'config.storage.topic': `${group}-configs`,
      'offset.storage.topic': `${group}-offsets`,
      'status.storage.topic': `${group}-status`,
      'config.storage.replication.factor': '1',
      'offset.storage.replication.factor': '1',
      'status.storage.replication.factor': '1',
      'offset.storage.partitions': '1',
      'status.storage.partitions': '1',
      'session.timeout.ms': String(SESSION_TIMEOUT_MS),
      'heartbeat.interval.ms': '1000',
      'rebalance.timeout.ms': '20000',
    };
  };
  const settings = await Promise.all(Array.from({ length: n }, workerProps));
  const start = (props: Record<string, string>) => startService(t, { mode: 'distributed', workerProps: props, startTimeoutMs: 90_000 });
  const workers = await Promise.all(settings.map(start));
  return {
    workers,
    async restart(i) {
      await workers[i].stop();
      workers[i] = await start(settings[i]);
      return workers[i];
    },
    async leader() {
      return waitFor('a leader', async () => {
        for (const worker of workers.filter((w) => w.alive())) {
          const metrics = await worker.request('GET', '/metrics').catch(() => undefined);
          if (/^kafka_connect_connect_worker_rebalance_metrics_is_leader 1$/m.test(String(metrics?.body ?? ''))) return worker;
        }
        return undefined;
      });
    },
  };
}

/** The connector's status once every one of `tasks` tasks is RUNNING, as `worker` answers it. */
export function runningEverywhere(worker: ConnectProcess, name: string, tasks: number, timeoutMs = 60_000): Promise<StatusBody> {
  return waitFor(
    `${name}: ${tasks} tasks RUNNING`,
    async () => {
      const s = await status(worker, name);
      return s && s.connector.state === 'RUNNING' && s.tasks.length === tasks && s.tasks.every((task) => task.state === 'RUNNING') ? s : undefined;
    },
    timeoutMs,
  );
}

/**
 * A write as clients of a cluster make it: Kafka answers 409 while the workers rebalance (after a change
 * of the task set, for one), and clients (Terraform, go-kafka-connect) retry those; so does this.
 */
export async function write(worker: ConnectProcess, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return waitFor(
    `${method} ${path} past the rebalance`,
    async () => {
      const res = await worker.request(method, path, body);
      const rebalancing = res.status === 409 && /^Cannot complete request/.test(String((res.body as { message?: unknown })?.message));
      return rebalancing ? undefined : res;
    },
    30_000,
  );
}
