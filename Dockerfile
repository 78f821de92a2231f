# syntax=docker/dockerfile:1
# milvus-connect: a standalone Kafka Connect worker with the Milvus sink built in.
#   docker build --build-arg BUILD_COMMIT=$(git rev-parse HEAD) -t milvus-connect .
#   docker run -d --name milvus-connect -p 8083:8083 -v milvus-connect:/var/lib/milvus-connect \
#     -e CONNECT_BOOTSTRAP_SERVERS=kafka:9092 milvus-connect [worker.properties] [connector files…]
# Every worker key can be set as CONNECT_<KEY> (upper case, dots → underscores). HTTPS, basic
# authentication, the admin listener, a compose file with Kafka and Milvus, backups and upgrades:
# docs/operations.md. Hash REST passwords with the image itself:
#   docker run --rm -it --entrypoint node milvus-connect dist/api/security/hash-password-cli.js alice

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 is a native addon: compile it here, against this image's Node headers,
# rather than downloading a prebuilt binary
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ARG BUILD_COMMIT=""
ENV NODE_ENV=production \
    BUILD_COMMIT=${BUILD_COMMIT} \
    CONNECT_SQLITE_PATH=/var/lib/milvus-connect/connect.db \
    CONNECT_LISTENERS=http://:8083
WORKDIR /app
# package.json makes dist/*.js ES modules and gives the version; migrations/ is read at start-up
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
# the image's unprivileged "node" user (uid 1000) owns only the data volume
RUN mkdir -p /var/lib/milvus-connect && chown node:node /var/lib/milvus-connect
USER node
VOLUME ["/var/lib/milvus-connect"]
EXPOSE 8083
# GET /health answers 200 only when healthy, and needs no credentials unless
# rest.basic.auth.health.public=false. Slim images have no curl: Node asks. An https URL is checked
# without verifying the certificate (it is this container's own, on loopback); with https listeners
# that require client certificates, add http://127.0.0.1:8083 to CONNECT_LISTENERS for the probe.
ENV HEALTHCHECK_URL=http://127.0.0.1:8083/health
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const u = new URL(process.env.HEALTHCHECK_URL); require(u.protocol === 'https:' ? 'node:https' : 'node:http').get(u, { rejectUnauthorized: false, timeout: 8000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('timeout', () => process.exit(1)).on('error', () => process.exit(1))"]
# node is PID 1 (exec) and receives SIGTERM, which stops tasks after their last commit. As in
# Confluent's images, CONNECT_GROUP_ID makes the container a worker of a distributed cluster.
ENTRYPOINT ["sh", "-c", "if [ -n \"$CONNECT_GROUP_ID\" ]; then exec node dist/distributed.js \"$@\"; else exec node dist/main.js \"$@\"; fi", "milvus-connect"]
CMD []
