# syntax=docker/dockerfile:1
# milvus-connect: a standalone Kafka Connect worker with the Milvus sink built in.
#   docker build --build-arg BUILD_COMMIT=$(git rev-parse HEAD) -t milvus-connect .
#   docker run -p 8083:8083 -v milvus-connect:/var/lib/milvus-connect \
#     -e CONNECT_BOOTSTRAP_SERVERS=broker:9092 milvus-connect [worker.properties] [connector files…]
# Every worker key can be set as CONNECT_<KEY> (upper case, dots → underscores).

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
# slim images have no curl; Node 20 has fetch. GET /health answers 200 only when healthy.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HEALTHCHECK_URL || 'http://127.0.0.1:8083/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM, which stops tasks after their last commit
ENTRYPOINT ["node", "dist/main.js"]
CMD []
