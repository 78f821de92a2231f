/**
 * A connector's runtime side (Kafka's ConnectorsResource, second half): status, tasks, restarts,
 * pause / resume / stop, active topics, and the internal endpoints a standalone worker refuses.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../../runtime/errors.js';
import { javaBoolean, javaInt } from '../compat.js';
import { clientGone } from '../herder-request.js';
import { httpError } from '../errors.js';
import { connectorParams, errorResponses, forwardQuery, noContent, ref, taskParams } from '../schemas/common.js';
import type { RouteDeps } from './route-deps.js';

type ConnectorParams = { Params: { connector: string } };
type TaskParams = { Params: { connector: string; task: number } };

/** JAX-RS binds `{task}` with Integer.valueOf before the resource runs; anything else is an unknown path. */
async function requireJavaInt(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const task = (request.params as { task: unknown }).task;
  if (typeof task !== 'string' || javaInt(task) === null) throw httpError(404);
}

const booleanQuery = (description: string, whenAbsent: boolean) =>
  ({ type: 'string', default: String(whenAbsent), description: `${description} Only "true" (any case) is true.` }) as const;

export function connectorLifecycleRoutes(app: FastifyInstance, { herder, ask }: RouteDeps): void {
  const tags = ['connectors'];

  app.get<ConnectorParams>(
    '/connectors/:connector/status',
    {
      schema: { tags, summary: 'Connector and task states', params: connectorParams, response: { 200: ref('ConnectorStateInfo'), ...errorResponses(404) } },
    },
    async (request) => ask(() => herder.connectorStatus(request.params.connector)),
  );

  app.get<ConnectorParams>(
    '/connectors/:connector/tasks',
    {
      schema: {
        tags,
        summary: 'Task configs, by task id',
        params: connectorParams,
        querystring: forwardQuery,
        response: { 200: { type: 'array', items: ref('TaskInfo') }, ...errorResponses(404) },
      },
    },
    async (request) => ask(() => herder.taskConfigs(request.params.connector)),
  );

  app.get<ConnectorParams>(
    '/connectors/:connector/tasks-config',
    {
      schema: {
        tags,
        deprecated: true,
        summary: 'Task configs keyed by "<connector>-<task>" (deprecated in Kafka 3.7, removed in 4.0)',
        params: connectorParams,
        response: { 200: { type: 'object', additionalProperties: ref('ConnectorConfig') }, ...errorResponses(404) },
      },
    },
    async (request) => {
      request.log.warn('The GET /connectors/{connector}/tasks-config endpoint is deprecated and will be removed in the next major release');
      return ask(() => herder.tasksConfig(request.params.connector));
    },
  );

  app.get<TaskParams>(
    '/connectors/:connector/tasks/:task/status',
    {
      preValidation: requireJavaInt,
      schema: { tags, summary: "One task's state", params: taskParams, response: { 200: ref('TaskState'), ...errorResponses(404) } },
    },
    async (request) => ask(() => herder.taskStatus(request.params.connector, request.params.task)),
  );

  app.post<TaskParams>(
    '/connectors/:connector/tasks/:task/restart',
    {
      preValidation: requireJavaInt,
      schema: {
        tags,
        summary: 'Restart one task',
        params: taskParams,
        querystring: forwardQuery,
        response: { 204: noContent('Restarted'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await ask(() => herder.restartTask(request.params.connector, request.params.task, clientGone(reply)));
      return reply.code(204).send();
    },
  );

  app.post<ConnectorParams & { Querystring: { includeTasks?: string; onlyFailed?: string } }>(
    '/connectors/:connector/restart',
    {
      schema: {
        tags,
        summary: 'Restart the connector; with includeTasks / onlyFailed, a restart plan (202)',
        params: connectorParams,
        querystring: {
          type: 'object',
          properties: {
            includeTasks: booleanQuery('Also restart tasks.', false),
            onlyFailed: booleanQuery('Restart only FAILED instances.', false),
            ...forwardQuery.properties,
          },
        },
        response: {
          202: ref('ConnectorStateInfo', 'Restart plan: instances to be restarted show RESTARTING'),
          204: noContent('Connector restarted (both flags false)'),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request, reply) => {
      const includeTasks = javaBoolean(request.query.includeTasks, false);
      const onlyFailed = javaBoolean(request.query.onlyFailed, false);
      const plan = await ask(() => herder.restartConnector(request.params.connector, { includeTasks, onlyFailed }, clientGone(reply)));
      if (!includeTasks && !onlyFailed) return reply.code(204).send();
      if (plan === null) throw new ServerError('The herder returned no restart plan');
      return reply.code(202).send(plan);
    },
  );

  const transition = (verb: 'pause' | 'resume' | 'stop', summary: string, status: 202 | 204) => {
    const operation = { pause: herder.pauseConnector, resume: herder.resumeConnector, stop: herder.stopConnector }[verb];
    app.put<ConnectorParams>(
      `/connectors/:connector/${verb}`,
      {
        schema: {
          tags,
          summary,
          params: connectorParams,
          querystring: forwardQuery,
          response: { [status]: noContent('Accepted (no body)'), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        await ask(() => operation.call(herder, request.params.connector, clientGone(reply)));
        return reply.code(status).send();
      },
    );
  };
  transition('pause', 'Pause the connector and its tasks (asynchronous)', 202);
  transition('resume', 'Resume a paused or stopped connector (asynchronous)', 202);
  transition('stop', 'Stop the connector and shut down its tasks', 204);

  app.get<ConnectorParams>(
    '/connectors/:connector/topics',
    {
      schema: {
        tags,
        summary: 'Topics the connector has used since creation or the last reset (never 404)',
        params: connectorParams,
        response: { 200: ref('ActiveTopicsInfo'), ...errorResponses(403) },
      },
    },
    async (request) => ask(() => herder.connectorActiveTopics(request.params.connector)),
  );

  app.put<ConnectorParams>(
    '/connectors/:connector/topics/reset',
    {
      schema: {
        tags,
        summary: "Forget the connector's active topics (never 404)",
        params: connectorParams,
        response: { 202: noContent('Accepted (no body)'), ...errorResponses(403) },
      },
    },
    async (request, reply) => {
      await ask(() => herder.resetConnectorActiveTopics(request.params.connector));
      return reply.code(202).send();
    },
  );

  // Inter-worker endpoints of distributed mode; a standalone worker refuses them as Kafka's does.
  app.post('/connectors/:connector/tasks', { schema: { hide: true } }, async () => {
    throw new ServerError('Kafka Connect in standalone mode does not support externally setting task configurations.');
  });
  app.put('/connectors/:connector/fence', { schema: { hide: true } }, async () => {
    throw new ServerError('Kafka Connect in standalone mode does not support exactly-once source connectors.');
  });
}
