/**
 * One log line per request, written when the response is sent, like Connect's access log. It carries
 * the connector name when the route has one (the request logger is rebound in `bindConnectorLogger`).
 * Bodies are never logged: connector configs hold tokens and passwords.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class RequestLog extends LogController {
  override incomingRequest(): void {
    // the completion line says everything; two lines per request only add noise
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** onRequest hook: child loggers bound to `{connector}` for routes with a connector in the path. */
export async function bindConnectorLogger(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const connector = (request.params as { connector?: string } | undefined)?.connector;
  if (connector === undefined) return;
  request.log = request.log.child({ connector });
  reply.log = request.log;
}
