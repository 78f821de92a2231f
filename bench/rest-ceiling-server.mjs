/**
 * What the HTTP stack alone allows on this machine: a server with no logic that answers every GET with
 * the body the service gave for the same request (BENCH_BODY), on an ephemeral port it prints as
 * `port <n>`. BENCH_SERVER=node for node:http, fastify for Fastify with no logger, no plugins and one
 * route: the floor under what any Connect REST server written on either could cost per request.
 */
import { createServer } from 'node:http';
import Fastify from 'fastify';

const body = process.env.BENCH_BODY ?? '{}';
const kind = process.env.BENCH_SERVER;
const announce = (port) => process.stdout.write(`port ${port}\n`);

if (kind === 'node') {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
  server.listen(0, '127.0.0.1', () => announce(server.address().port));
} else if (kind === 'fastify') {
  const app = Fastify({ logger: false });
  app.get('/*', (_request, reply) => {
    reply.header('content-type', 'application/json').send(body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  announce(app.server.address().port);
} else {
  process.stderr.write(`BENCH_SERVER must be node or fastify, not ${kind}\n`);
  process.exit(2);
}
