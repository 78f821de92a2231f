/** `/admin/loggers` (KIP-495, KIP-976): read and change log levels at runtime. */
import type { FastifyInstance } from 'fastify';
import { firstValue, toStringMap } from '../compat.js';
import { HttpError } from '../errors.js';
import { errorResponses, noContent, ref } from '../schemas/common.js';
import type { RouteDeps } from './route-deps.js';

type LoggerParams = { Params: { logger: string } };

const loggerParams = {
  type: 'object',
  properties: { logger: { type: 'string', description: 'Logger name; "root" is the root logger' } },
  required: ['logger'],
} as const;

export function loggerRoutes(app: FastifyInstance, { herder, ask }: RouteDeps): void {
  const tags = ['admin'];

  app.get(
    '/admin/loggers',
    {
      schema: {
        tags,
        summary: 'Loggers with an explicitly set level (and root), by name',
        response: { 200: { type: 'object', additionalProperties: ref('LoggerLevel') }, ...errorResponses() },
      },
    },
    async () => ask(() => herder.loggers()),
  );

  app.get<LoggerParams>(
    '/admin/loggers/:logger',
    {
      schema: {
        tags,
        summary: 'Effective level of one logger',
        params: loggerParams,
        response: { 200: ref('LoggerLevel'), ...errorResponses(404) },
      },
    },
    async (request) => ask(() => herder.loggerLevel(request.params.logger)),
  );

  app.put<LoggerParams & { Body: Record<string, unknown>; Querystring: { scope?: string } }>(
    '/admin/loggers/:logger',
    {
      schema: {
        tags,
        summary: 'Set the level of a logger and its descendants (string prefix); body {"level": "DEBUG"}',
        params: loggerParams,
        querystring: {
          type: 'object',
          properties: {
            scope: {
              type: 'string',
              default: 'worker',
              description: '"worker" (200 with the affected loggers) or "cluster" (204); any other value means worker',
            },
          },
        },
        body: ref('ConfigInput'),
        response: {
          200: { description: 'Affected logger names, sorted', type: 'array', items: { type: 'string' } },
          204: noContent('Applied (cluster scope)'),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const level = toStringMap(request.body).level;
      if (level === undefined || level === null) {
        throw new HttpError(400, "Desired 'level' parameter was not specified in request.");
      }
      const requested = firstValue(request.query.scope);
      const cluster = requested?.toLowerCase() === 'cluster';
      if (requested !== undefined && !cluster && requested.toLowerCase() !== 'worker') {
        request.log.warn(`Received invalid scope '${requested}' in request to adjust logging level; will default to worker`);
      }
      const affected = await ask(() => herder.setLoggerLevel(request.params.logger, level, cluster ? 'cluster' : 'worker'));
      return cluster ? reply.code(204).send() : reply.code(200).send(affected);
    },
  );
}
