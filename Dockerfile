# syntax=docker/dockerfile:1
# pushgate's container image: compiled JavaScript and production dependencies on Node 24, run as
# the unprivileged `node` user. Build: docker build -t pushgate .
# Run: docker run -v ./config.yaml:/config/config.yaml:ro -p 9091:9091 pushgate

# Build stage: every dependency, then TypeScript to dist/.
FROM node:24-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The npm cache lives in a BuildKit cache mount: faster rebuilds, and never part of the image.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and the compiled code only.
FROM node:24-alpine AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist

# The image's `node` user (uid 1000). Secret files mounted into the container must be readable by it.
USER node
EXPOSE 9091

# Liveness only: /healthz answers while the process serves requests, whether or not Okta is
# reachable. The image has no curl, so Node's fetch does the request. Set
# PUSHGATE_HEALTHCHECK_URL when server.port or publicUrl's path differ from the defaults.
ENV PUSHGATE_HEALTHCHECK_URL=http://127.0.0.1:9091/healthz
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.PUSHGATE_HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve", "--config", "/config/config.yaml"]
