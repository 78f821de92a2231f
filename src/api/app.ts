/**
 * Builds the Fastify application that serves Connect's REST API. Not listening: `main.ts` decides where
 * (`servers.ts` opens the http and https listeners). Every route is registered here, explicitly, so the
 * whole surface reads in one place. Throws when the credentials file of basic authentication is unusable.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Herder } from '../runtime/herder/herder.js';
import { negotiate } from './content-negotiation.js';
import { corsHook } from './cors.js';
import { badUrlHandler, errorHandler, notFoundHandler } from './errors.js';
import { rememberRawBody } from './forwarding.js';
import { herderRequest } from './herder-request.js';
import { parseJsonBody } from './json-body.js';
import { registerOpenApi } from './openapi.js';
import { apiOptionsFrom, DEFAULT_REALM, resolveApiOptions, type ApiOptions, type WorkerConfigView } from './options.js';
import { bindConnectorLogger, RequestLog, requestLoggerFactory } from './request-log.js';
import { RouteTable } from './route-table.js';
import { basicAuthHook } from './security/basic-auth.js';
import { readCredentialsFile } from './security/credentials-file.js';
import { connectorLifecycleRoutes } from './routes/connector-lifecycle.js';
import { connectorPluginRoutes } from './routes/connector-plugins.js';
import { connectorRoutes } from './routes/connectors.js';
import { loggerRoutes } from './routes/loggers.js';
import { metricsRoutes, type MetricsScrape } from './routes/metrics.js';
import { offsetRoutes } from './routes/offsets.js';
import type { RouteDeps } from './routes/route-deps.js';
import { rootRoutes } from './routes/root.js';
import { adminSchemas } from './schemas/admin.js';
import { commonSchemas } from './schemas/common.js';
import { connectorSchemas } from './schemas/connectors.js';
import { offsetSchemas } from './schemas/offsets.js';
import { pluginSchemas } from './schemas/plugins.js';

export type { ApiOptions } from './options.js';

export interface BuildAppOptions {
  herder: Herder;
  /** The worker config; CORS, admin and authentication settings are read from it by Kafka key name. */
  workerConfig?: WorkerConfigView;
  /** Overrides what `workerConfig` says (tests, tools). */
  api?: ApiOptions;
  /** The root pino logger; no logging when absent. */
  logger?: FastifyBaseLogger;
  /** Renders `GET /metrics` (Prometheus text format); without it the endpoint answers 404. */
  metrics?: MetricsScrape;
}

// longest accepted path segment: connector names have no length limit in Connect
const MAX_PARAM_LENGTH = 16 * 1024;

/** The one multi-valued query param (`expand`) stays a list; others bind to their first value, as in JAX-RS. */
function parseQuery(query: string): Record<string, string | string[]> {
  if (query === '') return {};
  const params = new URLSearchParams(query);
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    Object.defineProperty(result, key, {
      value: key === 'expand' ? params.getAll(key) : params.get(key),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

function jsonWithoutCharset(_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) {
  // Kafka sends a bare `application/json`; Fastify always appends a charset
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && type.startsWith('application/json;')) reply.header('content-type', 'application/json');
  done(null, payload);
}

export function buildApp({ herder, workerConfig, api = {}, logger, metrics }: BuildAppOptions): FastifyInstance {
  const options = resolveApiOptions({ ...(workerConfig ? apiOptionsFrom(workerConfig) : {}), ...api });
  const app = Fastify({
    ...(logger ? { loggerInstance: logger, childLoggerFactory: requestLoggerFactory } : { logger: false }),
    logController: new RequestLog(),
    bodyLimit: options.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH, querystringParser: parseQuery },
    frameworkErrors: badUrlHandler,
    ajv: {
      // Jackson-style binding is done explicitly in compat.ts; ajv must neither strip nor invent fields
      customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: false, allowUnionTypes: true, verbose: true },
    },
  }) as unknown as FastifyInstance;

  const routes = new RouteTable();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  for (const schema of [...commonSchemas, ...connectorSchemas, ...pluginSchemas, ...offsetSchemas, ...adminSchemas]) {
    app.addSchema(schema);
  }
  app.setErrorHandler(errorHandler(options.bodyLimit, options.requestTimeoutMs));
  app.setNotFoundHandler(notFoundHandler(routes));
  // CORS before authentication: a browser reads a 401 only when it carries the CORS headers
  if (options.corsAllowOrigin) {
    app.addHook(
      'onRequest',
      corsHook({
        allowOrigin: options.corsAllowOrigin,
        allowMethods: options.corsAllowMethods,
        allowAuthorization: options.basicAuth !== null,
      }),
    );
  }
  if (options.basicAuth !== null) {
    app.addHook(
      'onRequest',
      basicAuthHook({
        credentials: readCredentialsFile(options.basicAuth.credentialsFile),
        realm: options.basicAuth.realm ?? DEFAULT_REALM,
        healthPublic: options.basicAuth.healthPublic ?? true,
        corsPreflight: Boolean(options.corsAllowOrigin),
        verify: options.basicAuth.verify,
      }),
    );
  }
  app.addHook('onSend', jsonWithoutCharset);

  registerOpenApi(app, { ui: options.docs, basicAuth: options.basicAuth !== null });
  void app.register(async (connect) => {
    connect.removeAllContentTypeParsers();
    connect.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
      try {
        rememberRawBody(request, body as string);
        done(null, parseJsonBody(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    connect.addHook('onRequest', negotiate);
    connect.addHook('onRequest', bindConnectorLogger);

    const deps: RouteDeps = { herder, ask: herderRequest(herder, options.requestTimeoutMs), options };
    if (options.routes !== 'admin') {
      rootRoutes(connect, deps);
      connectorRoutes(connect, deps);
      connectorLifecycleRoutes(connect, deps);
      offsetRoutes(connect, deps);
      connectorPluginRoutes(connect, deps);
    }
    if (options.routes !== 'regular') loggerRoutes(connect, deps);
  });
  // beside the JSON-only Connect scope: scrapers accept text, not JSON
  if (options.routes !== 'admin') void app.register(async (scope) => metricsRoutes(scope, metrics));
  return app;
}
