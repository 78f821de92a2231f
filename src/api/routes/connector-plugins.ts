/** `/connector-plugins`: installed plugins, their config definitions, and config validation. */
import type { FastifyInstance } from 'fastify';
import { javaBoolean, toStringMap } from '../compat.js';
import { errorResponses, ref } from '../schemas/common.js';
import type { RouteDeps } from './route-deps.js';

type PluginParams = { Params: { plugin: string } };

const pluginParams = {
  type: 'object',
  properties: { plugin: { type: 'string', description: 'Fully-qualified class name or a unique alias' } },
  required: ['plugin'],
} as const;

export function connectorPluginRoutes(app: FastifyInstance, { herder, ask }: RouteDeps): void {
  const tags = ['connector-plugins'];

  app.get<{ Querystring: { connectorsOnly?: string } }>(
    '/connector-plugins',
    {
      schema: {
        tags,
        summary: 'Installed plugins: sink, then source connectors; with connectorsOnly=false all other kinds too',
        querystring: {
          type: 'object',
          properties: {
            connectorsOnly: { type: 'string', default: 'true', description: 'Only "true" (any case) is true.' },
          },
        },
        response: { 200: { type: 'array', items: ref('PluginInfo') }, ...errorResponses() },
      },
    },
    async (request) => ask(() => herder.connectorPlugins(javaBoolean(request.query.connectorsOnly, true))),
  );

  app.get<PluginParams & { Querystring: { version?: string } }>(
    '/connector-plugins/:plugin/config',
    {
      schema: {
        tags,
        summary: "Config definitions of a plugin (connectors: own keys, then the framework's)",
        params: pluginParams,
        querystring: {
          type: 'object',
          properties: {
            version: { type: 'string', default: 'latest', description: 'KIP-891: a version or Maven version range the installed plugin must satisfy.' },
          },
        },
        response: { 200: { type: 'array', items: ref('ConfigKeyInfo') }, ...errorResponses(400, 404) },
      },
    },
    async (request) => ask(() => herder.connectorPluginConfig(request.params.plugin, request.query.version)),
  );

  app.put<PluginParams & { Body: Record<string, unknown> }>(
    '/connector-plugins/:plugin/config/validate',
    {
      schema: {
        tags,
        summary: 'Validate a connector config; 200 even when it has errors (see error_count)',
        params: pluginParams,
        body: ref('ConfigInput'),
        response: { 200: ref('ConfigInfos'), ...errorResponses(400) },
      },
    },
    async (request) => ask(() => herder.validateConnectorConfig(toStringMap(request.body), request.params.plugin)),
  );
}
