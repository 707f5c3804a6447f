// Opt-in embedded replica (TURSO_SYNC_URL): Strapi reads a local file that follows the
// primary on sqld and forwards its writes there.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { apiWithToken } from "./helpers/api";
import { runCrudScenario } from "./helpers/crud-scenario";
import { startSqld, type SqldServer } from "./helpers/sqld";
import { startStrapi, type StrapiProcess } from "./helpers/strapi";

const scratch = mkdtempSync(join(tmpdir(), "replica-"));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

async function boot(env: Record<string, string>): Promise<StrapiProcess> {
  const strapi = await startStrapi({ env });
  cleanups.push(() => strapi.stop());
  return strapi;
}

describe("Strapi on an embedded replica of sqld", () => {
  let server: SqldServer;

  it.each(["http", "ws"] as const)("syncs the schema, serves the CRUD scenario, and its writes reach the primary over %s", async (scheme) => {
    server = await startSqld();
    cleanups.push(() => server.stop());
    const replica = await boot({
      DATABASE_URL: `file:${join(scratch, `replica-${scheme}.db`)}`,
      TURSO_SYNC_URL: server.url(scheme),
      TURSO_AUTH_TOKEN: server.authToken,
    });
    const api = await apiWithToken(replica.baseUrl);
    await runCrudScenario(api, "replica");
    await replica.stop();

    // Another Strapi, on the primary directly, sees what the replica wrote.
    const primary = await boot({ DATABASE_URL: server.url("http"), TURSO_AUTH_TOKEN: server.authToken });
    const onPrimary = await apiWithToken(primary.baseUrl);
    const authors = await onPrimary.get("/api/authors?filters[name][$eq]=Grace%20replica");
    expect(authors.body.data).toHaveLength(1);
  });

  it("exits with one line naming the settings when the primary refuses the token, never printing it", async () => {
    const { bootExpectingExit } = await import("./helpers/strapi");
    const token = server.signToken({}, { wrongKey: true });
    const exit = await bootExpectingExit(
      { DATABASE_URL: `file:${join(scratch, "refused.db")}`, TURSO_SYNC_URL: server.url("http"), TURSO_AUTH_TOKEN: token },
      30_000,
    );
    expect(exit.code).toBe(1);
    expect(exit.output).toMatch(/libsql: cannot use http:\/\/127\.0\.0\.1:\d+ \(TURSO_SYNC_URL \/ connection\.syncUrl\): the server refused the auth token .*TURSO_AUTH_TOKEN/);
    expect(exit.output).not.toContain(token);
  });

  it("refuses a replica whose DATABASE_URL is not a local file", async () => {
    const { bootExpectingExit } = await import("./helpers/strapi");
    const exit = await bootExpectingExit({ DATABASE_URL: server.url("http"), TURSO_SYNC_URL: server.url("http") }, 15_000);
    expect(exit.code).toBe(1);
    expect(exit.output).toMatch(/connection\.syncUrl \(TURSO_SYNC_URL\) makes an embedded replica, whose connection\.url \(DATABASE_URL\) must be a local file/);
  });
});
