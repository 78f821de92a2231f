/** `GET /` (worker info) and `GET /health` (KIP-1017). */
import type { FastifyInstance } from 'fastify';
import type { HealthStatus, WorkerStatus } from '../../runtime/types.js';
import { TIMED_OUT, stageSummary, withinTimeout } from '../herder-request.js';
import { errorResponses, ref } from '../schemas/common.js';
import type { RouteDeps } from './route-deps.js';

const HEALTH_STATUS_CODE: Readonly<Record<HealthStatus, 200 | 500 | 503>> = { healthy: 200, starting: 503, unhealthy: 500 };

const UNHEALTHY = 'Worker was unable to handle this request and may be unable to handle other requests.';

export function rootRoutes(app: FastifyInstance, { herder, ask, options }: RouteDeps): void {
  app.get(
    '/',
    {
      schema: {
        tags: ['worker'],
        summary: 'Worker version, build and Kafka cluster id',
        response: { 200: ref('ServerInfo'), ...errorResponses() },
      },
    },
    async () => ask(() => herder.serverInfo()),
  );

  app.get(
    '/health',
    {
      schema: {
        tags: ['worker'],
        summary: 'Whether the worker can handle requests (body is WorkerStatus even on 500/503)',
        response: {
          200: ref('WorkerStatus', 'Worker has completed startup'),
          500: ref('WorkerStatus', 'Worker is unable to handle requests'),
          503: ref('WorkerStatus', 'Worker is still starting'),
        },
      },
    },
    async (request, reply) => {
      let status: WorkerStatus | typeof TIMED_OUT;
      try {
        status = await withinTimeout(herder.health(), options.healthCheckTimeoutMs);
      } catch (err) {
        // health() promises never to throw; if it does, the worker is not healthy, whatever the cause
        request.log.error({ err }, 'Health check failed');
        status = { status: 'unhealthy', message: UNHEALTHY };
      }
      if (status === TIMED_OUT) {
        const summary = stageSummary(herder);
        status = { status: 'unhealthy', message: summary === null ? UNHEALTHY : `${UNHEALTHY} ${summary}` };
      }
      return reply.code(HEALTH_STATUS_CODE[status.status] ?? 500).send(status);
    },
  );
}
