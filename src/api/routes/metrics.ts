/**
 * `GET /metrics`: the worker's metrics in the Prometheus text format. Not part of Connect's REST API
 * (Kafka exposes JMX); served next to it so a scraper needs no agent. Outside the JSON-only scope:
 * scrapers ask for text/plain or OpenMetrics. The API only relays what the function it was handed
 * renders; which metrics exist is the runtime's business.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { errorResponses } from '../schemas/common.js';

/** Renders the current metrics (main.ts hands in the runtime's scrape). */
export type MetricsScrape = () => Promise<{ contentType: string; body: string }>;

export function metricsRoutes(app: FastifyInstance, scrape: MetricsScrape | undefined): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['worker'],
        summary: 'Worker, connector and task metrics in the Prometheus text exposition format',
        response: {
          200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...errorResponses(404),
        },
      },
    },
    async (_request, reply) => {
      if (scrape === undefined) throw new HttpError(404, 'Metrics are not enabled on this worker');
      const { contentType, body } = await scrape();
      return reply.type(contentType).send(body);
    },
  );
}
