/**
 * What `GET /` and `GET /health` say about this worker.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WorkerStatus } from '../types.js';

/**
 * The Kafka Connect REST API level we emulate, reported as `version` by `GET /`: tools gate features
 * (offsets, stop, PATCH config) on it. Our own version goes into `commit`.
 */
export const CONNECT_API_VERSION = '4.1.1';

/** The package version, read next to the build (works from src/ under tsx and from dist/). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * A 16-hex-character build id, the shape of Kafka's short commit id: `BUILD_COMMIT` when the build sets it
 * (e.g. the git commit), else derived from the package name and version so it changes with every release.
 */
export function buildCommitId(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const given = env.BUILD_COMMIT?.trim().toLowerCase();
  if (given && /^[0-9a-f]{16,40}$/.test(given)) return given.slice(0, 16);
  return createHash('sha256').update(`milvus-connect@${packageVersion()}`).digest('hex').slice(0, 16);
}

const READY = 'Worker has completed startup and is ready to handle requests.';

/**
 * Health decisions, for the docs:
 * - before start-up completes (within the wait budget): `starting`, like Kafka;
 * - start-up failed: `unhealthy`, naming the failure;
 * - the config store's file removed, replaced or damaged: `unhealthy`, naming the file (writes fail too);
 * - started, Kafka reachable: `healthy`, Kafka's message;
 * - started, Kafka unreachable: still `healthy` (HTTP 200) — the REST API keeps serving, desired state is
 *   safe in SQLite and sink tasks resume by themselves when the broker is back, so a liveness probe must
 *   not restart the worker for it; the message says plainly that Kafka cannot be reached.
 */
export function healthyStatus(kafkaReachable: boolean): WorkerStatus {
  if (kafkaReachable) return { status: 'healthy', message: READY };
  return {
    status: 'healthy',
    message:
      `${READY} However, the Kafka cluster cannot be reached at the moment: ` +
      'sink tasks cannot consume records or commit offsets until it is reachable again.',
  };
}

export function startingStatus(stage: string | null): WorkerStatus {
  return { status: 'starting', message: `Worker is still starting up.${stage ? ` ${stage}` : ''}` };
}

export function unhealthyStatus(reason: string): WorkerStatus {
  return {
    status: 'unhealthy',
    message: `Worker was unable to handle this request and may be unable to handle other requests. ${reason}`,
  };
}

/** Kafka's stage summary: `The worker is currently <doing X>, which began at <ISO instant>.` */
export function stageSummary(stage: { description: string; startedAt: number } | null): string | null {
  return stage ? `The worker is currently ${stage.description}, which began at ${new Date(stage.startedAt).toISOString()}.` : null;
}

/** `promise`, or `fallback` once `ms` have passed (the timer never keeps the process alive). */
export function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
