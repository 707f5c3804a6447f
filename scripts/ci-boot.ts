// pnpm ci:boot — the smoke check a CI runs after installing: start a local libSQL server,
// boot this Strapi app headless against it, and see the API answer. Exits 1 with Strapi's
// output when it does not.
import { join } from "node:path";
import { compileServer } from "./prepare-app";
import { startSqld } from "./lib/sqld";
import { startStrapi } from "./lib/strapi-process";

async function main(): Promise<number> {
  compileServer(join(__dirname, ".."));
  const server = await startSqld();
  try {
    const strapi = await startStrapi({ env: { DATABASE_URL: server.url("libsql"), TURSO_AUTH_TOKEN: server.authToken } });
    try {
      const response = await fetch(`${strapi.baseUrl}/api/articles`);
      // 403: the route exists and answered through the database-backed permission check.
      if (response.status !== 403 && response.status !== 200) throw new Error(`GET /api/articles answered ${response.status}`);
      console.log(`ci:boot: Strapi booted on ${server.url("libsql")} and serves the API`);
      return 0;
    } finally {
      await strapi.stop();
    }
  } catch (error) {
    console.error(`ci:boot: ${(error as Error).message}`);
    return 1;
  } finally {
    await server.stop();
  }
}

void main().then((code) => (process.exitCode = code));
