# A production image of this app. The build stage installs every dependency and builds the
# server and the admin panel; the image installs production dependencies only (the install
# still checks the libSQL patch) and runs Strapi's own `strapi start`, which needs nothing else.
# test/production-install.test.ts repeats these steps without Docker.
#
#   docker build -t strapi-libsql .
#   docker run -p 1337:1337 --env-file .env strapi-libsql
#
# The .env (or -e options) must give Strapi's secrets (APP_KEYS, API_TOKEN_SALT, ADMIN_JWT_SECRET,
# TRANSFER_TOKEN_SALT, JWT_SECRET) and the database (DATABASE_URL, TURSO_AUTH_TOKEN).

FROM node:20-bookworm-slim AS base
WORKDIR /app
# better-sqlite3, Strapi's own SQLite client, compiles at install.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*

FROM base AS build
COPY package.json pnpm-lock.yaml ./
COPY patches ./patches
RUN npx -y pnpm@9.15.9 install --frozen-lockfile
COPY . .
RUN npx -y pnpm@9.15.9 build

FROM base AS production-dependencies
ENV NODE_ENV=production
COPY package.json pnpm-lock.yaml ./
COPY patches ./patches
RUN npx -y pnpm@9.15.9 install --prod --frozen-lockfile

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/tsconfig.json /app/favicon.png ./
# Strapi reads tsconfig.json to find the compiled server in dist/, and wants its sources there.
COPY --from=build /app/config ./config
COPY --from=build /app/src ./src
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
EXPOSE 1337
CMD ["node_modules/.bin/strapi", "start"]
