// `pnpm db:check`: are the database settings in the environment and .env usable? Reads them as
// config/database.ts does (ENV_PATH or ./.env, as Strapi), checks the server they name, and
// prints what to fix. Exits 1 when a check fails. Never prints the auth token.
import { join } from "node:path";
import { readSettings, runDbCheck } from "./lib/db-check";

async function main(): Promise<void> {
  const envFile = process.env.ENV_PATH ?? join(process.cwd(), ".env");
  const passed = await runDbCheck(readSettings(process.env, envFile), (line) => console.log(line));
  console.log(passed ? "db:check: all checks passed" : "db:check: a check failed (see fix: above)");
  process.exitCode = passed ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`db:check: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
