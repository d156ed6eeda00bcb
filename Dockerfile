# Herald image: one image, three entry points (api, worker, monolith).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY bench bench
COPY scripts scripts
# dist is a symlink to the published build (scripts/build-publish.mjs): the image gets the tree itself.
RUN npm run build && npm prune --omit=dev && mv "$(readlink -f dist)" /app/image-dist

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/image-dist dist
COPY package.json ./
USER node
EXPOSE 3000 3001
# The API by default; the worker is `node dist/apps/worker/src/main.js`, the monolith `node dist/apps/herald/src/main.js`.
CMD ["node", "dist/apps/api/src/main.js"]
