/** `GET / PATCH / DELETE /connectors/{connector}/offsets` (KIP-875). The herder owns the semantics. */
import type { FastifyInstance } from 'fastify';
import type { AlterOffsetsRequest } from '../../runtime/types.js';
import { toLooseMap } from '../compat.js';
import { HttpError } from '../errors.js';
import { connectorParams, errorResponses, ref } from '../schemas/common.js';
import type { RouteDeps } from './route-deps.js';
import { clientGone } from '../herder-request.js';

type ConnectorParams = { Params: { connector: string } };
type OffsetsBody = {
  offsets?: Array<{ partition?: Record<string, unknown> | null; offset?: Record<string, unknown> | null }> | null;
};

const looseOrNull = (map: Record<string, unknown> | null | undefined) => (map === undefined || map === null ? null : toLooseMap(map));

export function offsetRoutes(app: FastifyInstance, { herder, ask }: RouteDeps): void {
  const tags = ['offsets'];

  app.get<ConnectorParams>(
    '/connectors/:connector/offsets',
    {
      schema: {
        tags,
        summary: "Committed offsets of the connector's consumer group",
        params: connectorParams,
        response: { 200: ref('ConnectorOffsets'), ...errorResponses(404) },
      },
    },
    async (request) => ask(() => herder.connectorOffsets(request.params.connector)),
  );

  app.patch<ConnectorParams & { Body: OffsetsBody }>(
    '/connectors/:connector/offsets',
    {
      schema: {
        tags,
        summary: 'Alter committed offsets (connector must be STOPPED)',
        params: connectorParams,
        body: ref('AlterOffsetsRequest'),
        response: { 200: ref('Message'), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const offsets = request.body.offsets;
      // Kafka's resource checks this before looking the connector up
      if (offsets === undefined || offsets === null || offsets.length === 0) {
        throw new HttpError(400, 'Partitions / offsets need to be provided for an alter offsets request');
      }
      const alter: AlterOffsetsRequest = {
        offsets: offsets.map((entry) => ({ partition: looseOrNull(entry.partition), offset: looseOrNull(entry.offset) })),
      };
      return ask(() => herder.alterConnectorOffsets(request.params.connector, alter, clientGone(reply)));
    },
  );

  app.delete<ConnectorParams>(
    '/connectors/:connector/offsets',
    {
      schema: {
        tags,
        summary: 'Reset all committed offsets (connector must be STOPPED)',
        params: connectorParams,
        response: { 200: ref('Message'), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => ask(() => herder.resetConnectorOffsets(request.params.connector, clientGone(reply))),
  );
}
