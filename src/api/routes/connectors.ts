/**
 * The connector collection and each connector's config (Kafka's ConnectorsResource, first half):
 * list with `expand`, create, get, delete, and config GET / PUT / PATCH.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../runtime/errors.js';
import type { ConnectorInfo, ConnectorStateInfo, CreateConnectorRequest } from '../../runtime/types.js';
import { connectorLocation, toStringMap } from '../compat.js';
import { HttpError } from '../errors.js';
import { connectorParams, errorResponses, forwardQuery, noContent, ref } from '../schemas/common.js';
import { clientGone } from '../herder-request.js';
import type { RouteDeps } from './route-deps.js';

type ConnectorParams = { Params: { connector: string } };
type ConfigBody = Record<string, unknown>;

const INITIAL_STATES = ['RUNNING', 'PAUSED', 'STOPPED'] as const;

function initialState(value: string | null | undefined): CreateConnectorRequest['initial_state'] {
  if (value === undefined || value === null) return null;
  const state = INITIAL_STATES.find((s) => s === value.toUpperCase());
  if (state === undefined) {
    throw new HttpError(400, `Invalid initial_state '${value}': must be one of ${INITIAL_STATES.join(', ')} (case-insensitive)`);
  }
  return state;
}

function created(request: FastifyRequest, reply: FastifyReply, info: ConnectorInfo) {
  return reply.code(201).header('location', connectorLocation(request, info.name)).send(info);
}

export function connectorRoutes(app: FastifyInstance, { herder, ask }: RouteDeps): void {
  const tags = ['connectors'];

  app.get<{ Querystring: { expand?: string[] } }>(
    '/connectors',
    {
      schema: {
        tags,
        summary: 'Connector names, or with expand=status / expand=info (repeatable) a map of details',
        querystring: {
          type: 'object',
          properties: {
            expand: {
              type: 'array',
              items: { type: 'string' },
              description: '"status" and/or "info"; repeat the parameter for both (values are not comma-split); unknown values are ignored',
            },
          },
        },
        response: {
          200: {
            description: 'Sorted names, or connector name → requested expansions',
            anyOf: [{ type: 'array', items: { type: 'string' } }, { $ref: 'ConnectorExpansions#' }],
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const names = (await ask(() => herder.connectors())).slice().sort();
      const expand = request.query.expand;
      if (expand === undefined) return names;
      const entries = await ask(() =>
        Promise.all(
          names.map(async (name) => {
            const expansions: { status?: ConnectorStateInfo; info?: ConnectorInfo } = {};
            try {
              for (const expansion of expand) {
                if (expansion === 'status') expansions.status = await herder.connectorStatus(name);
                else if (expansion === 'info') expansions.info = await herder.connectorInfo(name);
              }
            } catch (err) {
              // no status yet, or deleted meanwhile: Connect leaves the connector out of the map
              if (err instanceof NotFoundError) return null;
              throw err;
            }
            return [name, expansions] as const;
          }),
        ),
      );
      return Object.fromEntries(entries.filter((entry) => entry !== null));
    },
  );

  app.post<{ Body: ConfigBody & { name?: string; config: ConfigBody; initial_state?: string | null } }>(
    '/connectors',
    {
      schema: {
        tags,
        summary: 'Create a connector',
        querystring: forwardQuery,
        body: ref('CreateConnectorRequest'),
        response: { 201: ref('ConnectorInfo', 'Created; Location names the new connector'), ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      // the herder trims the name, checks config.name against it and refuses names it could not address
      const createRequest: CreateConnectorRequest = {
        name: body.name ?? '',
        config: toStringMap(body.config),
        initial_state: initialState(body.initial_state),
      };
      const info = await ask(() => herder.createConnector(createRequest, clientGone(reply)));
      return created(request, reply, info);
    },
  );

  app.get<ConnectorParams>(
    '/connectors/:connector',
    {
      schema: {
        tags,
        summary: 'Connector config, task ids and type',
        params: connectorParams,
        response: { 200: ref('ConnectorInfo'), ...errorResponses(404) },
      },
    },
    async (request) => ask(() => herder.connectorInfo(request.params.connector)),
  );

  app.delete<ConnectorParams>(
    '/connectors/:connector',
    {
      schema: {
        tags,
        summary: 'Delete a connector (its consumer group offsets are kept)',
        params: connectorParams,
        querystring: forwardQuery,
        response: { 204: noContent('Deleted'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await ask(() => herder.deleteConnector(request.params.connector, clientGone(reply)));
      return reply.code(204).send();
    },
  );

  app.get<ConnectorParams>(
    '/connectors/:connector/config',
    {
      schema: { tags, summary: 'The stored config', params: connectorParams, response: { 200: ref('ConnectorConfig'), ...errorResponses(404) } },
    },
    async (request) => ask(() => herder.connectorConfig(request.params.connector)),
  );

  app.put<ConnectorParams & { Body: ConfigBody }>(
    '/connectors/:connector/config',
    {
      schema: {
        tags,
        summary: 'Create or replace a connector config (201 when created, 200 when replaced)',
        params: connectorParams,
        querystring: forwardQuery,
        body: ref('ConfigInput'),
        response: {
          200: ref('ConnectorInfo', 'Replaced'),
          201: ref('ConnectorInfo', 'Created; Location names the new connector'),
          ...errorResponses(400, 409),
        },
      },
    },
    async (request, reply) => {
      const config = toStringMap(request.body);
      const { created: isNew, result } = await ask(() => herder.putConnectorConfig(request.params.connector, config, clientGone(reply)));
      return isNew ? created(request, reply, result) : reply.code(200).send(result);
    },
  );

  app.patch<ConnectorParams & { Body: ConfigBody }>(
    '/connectors/:connector/config',
    {
      schema: {
        tags,
        summary: 'Merge keys into a connector config; a null value removes the key',
        params: connectorParams,
        querystring: forwardQuery,
        body: ref('ConfigInput'),
        response: { 200: ref('ConnectorInfo'), ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const patch = toStringMap(request.body);
      return ask(() => herder.patchConnectorConfig(request.params.connector, patch, clientGone(reply)));
    },
  );
}
