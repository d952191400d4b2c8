# syntax=docker/dockerfile:1
# The Segmento server image: the compiled API and workers, the dashboard and the docs, production dependencies
# only, run as an unprivileged user. Build: docker build -t segmento .  Run: see docker-compose.yml.
# The base image is pinned to an exact Node 20 release (bump it deliberately, together with .nvmrc/CI).
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# 1. Everything built from the sources: server/dist, the dashboard and the documentation site.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY server/package.json server/
COPY docs-site/package.json docs-site/
COPY examples/dashboard/package.json examples/dashboard/
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN npm run build

# 2. The server's production dependencies, nothing else (no tsx, no TypeScript, no build tools).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY server/package.json server/
COPY docs-site/package.json docs-site/
COPY examples/dashboard/package.json examples/dashboard/
RUN npm ci --omit=dev --workspace server --no-audit --no-fund --loglevel=error

# 3. What runs.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3001 \
    SEGMENTO_DATA_DIR=/data \
    FILE_STORE_DIR=/data/files
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/openapi ./openapi
COPY --from=build /app/sdk/package.json ./sdk/package.json
COPY --from=build /app/sdk/dist ./sdk/dist
COPY --from=build /app/server/package.json ./server/package.json
COPY --from=build /app/server/bin ./server/bin
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/examples/dashboard/dist ./examples/dashboard/dist
COPY --from=build /app/docs-site/.vitepress/dist ./docs-site/.vitepress/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3001
# Liveness: the process answers. Orchestrators route traffic by GET /api/health/ready.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3001)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Graceful shutdown on SIGTERM (node is PID 1's direct child of nothing: it receives the signal itself).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--enable-source-maps", "server/dist/cli.js"]
CMD ["start"]
