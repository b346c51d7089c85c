# syntax=docker/dockerfile:1
# Concord: one image for both processes. The default command runs the API; the worker service overrides it
# with `node dist/apps/worker/src/main.js` (see docker-compose.yml). Configuration is by environment only:
# PORT, DATABASE_URL, REDIS_URL, CONCORD_ADMIN_KEY, CONCORD_DATA_KEY.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the lock file. No install scripts are needed in the image (prebuilt binaries load at run time).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 && find dist -name '*.spec.js' -delete -o -name '*.spec.js.map' -delete \
 && rm -f dist/.tsbuildinfo \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's unprivileged `node` user; the files stay owned by root, so the app cannot change its own code.
USER node
EXPOSE 3000 9464
# No HEALTHCHECK here: the API and the worker share this image and answer on different ports (the worker's health
# and metrics are on CONCORD_WORKER_METRICS_PORT, 9464). docker-compose.yml checks each.
CMD ["node", "dist/apps/api/src/main.js"]
