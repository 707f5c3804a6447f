// Two Strapi processes started at the same moment on one empty database, as a deploy that starts
// two instances on a fresh Turso database does. Both must come up, and the rows Strapi creates at
// its first boot (roles, the core store's keys) must be there once, not once per process.
// On sqld and on two embedded replicas of it; five fresh databases each.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sqlOn, startSqld, type SqldServer } from "./helpers/sqld";
import { startStrapi, type StrapiProcess } from "./helpers/strapi";

const RUNS = 5;

const scratch = mkdtempSync(join(tmpdir(), "concurrent-boot-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const targets = [
  { name: "sqld", env: (server: SqldServer) => [0, 1].map(() => ({ DATABASE_URL: server.url("ws"), TURSO_AUTH_TOKEN: server.authToken })) },
  {
    name: "two embedded replicas of sqld",
    env: (server: SqldServer) =>
      [0, 1].map(() => ({
        DATABASE_URL: `file:${mkdtempSync(join(scratch, "replica-"))}/data.db`,
        TURSO_SYNC_URL: server.url("http"),
        TURSO_AUTH_TOKEN: server.authToken,
      })),
  },
];

/** What the first boot writes once: Strapi's roles and its settings. Duplicates mean two processes each thought they came first. */
async function firstBootRows(server: SqldServer) {
  const session = sqlOn(server);
  try {
    const rows = async (sql: string) => (await session.sql(sql)).map((row) => row.join(" "));
    return {
      publicRoles: await rows("select type, count(*) from up_roles group by type order by type"),
      adminRoles: await rows("select code, count(*) from admin_roles group by code order by code"),
      duplicatedSettings: await rows("select key, count(*) from strapi_core_store_settings group by key, type, environment, tag having count(*) > 1"),
      migrationTables: await rows("select count(*) from sqlite_master where name = 'strapi_migrations'"),
    };
  } finally {
    await session.close();
  }
}

describe.each(targets)("two Strapi processes cold-booting one empty database, on $name", (target) => {
  it(`both come up, ${RUNS} times out of ${RUNS}, and the first boot's rows are there once`, async () => {
    for (let run = 1; run <= RUNS; run++) {
      const server = await startSqld();
      const booted: StrapiProcess[] = [];
      try {
        const boots = await Promise.allSettled(target.env(server).map((env) => startStrapi({ env, readyTimeoutMs: 90_000 })));
        for (const boot of boots) if (boot.status === "fulfilled") booted.push(boot.value);
        const failures = boots.flatMap((boot) => (boot.status === "rejected" ? [(boot.reason as Error).message.slice(-1500)] : []));
        expect(failures, `run ${run}`).toEqual([]);
        for (const strapi of booted) expect((await fetch(`${strapi.baseUrl}/api/articles`)).status, `run ${run}`).toBe(403);
        expect(await firstBootRows(server), `run ${run}`).toEqual({
          publicRoles: ["authenticated 1", "public 1"],
          adminRoles: ["strapi-author 1", "strapi-editor 1", "strapi-super-admin 1"],
          duplicatedSettings: [],
          migrationTables: ["1"],
        });
      } finally {
        await Promise.all(booted.map((strapi) => strapi.stop()));
        await server.stop();
      }
    }
  }, 600_000);
});
