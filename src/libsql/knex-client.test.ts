// The knex client against a real sqld: a busy Strapi's requests do not wait for each other's
// round trips, as they did on one pooled connection. It loads the client as installed, compiled
// into the @strapi/database that Strapi loads, since the session modules are required at run time.
import { createRequire } from "node:module";
import { join } from "node:path";
import knex, { type Knex } from "knex";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSqld, type SqldServer } from "../../test/helpers/sqld";
import { startTcpProxy, type TcpProxy } from "../../test/helpers/tcp-proxy";
import { APP_DIR } from "../../scripts/lib/strapi-process";
import { resolveLoadedDatabasePackage } from "../../scripts/lib/verify";

const Client_Libsql = createRequire(__filename)(join(resolveLoadedDatabasePackage(APP_DIR) ?? "(not installed)", "dist/libsql/knex-client.js")) as typeof import("./knex-client");

let server: SqldServer;
let proxy: TcpProxy;
let db: Knex;
beforeAll(async () => {
  server = await startSqld();
  proxy = await startTcpProxy({ port: server.port });
  db = knex({ client: Client_Libsql, connection: { url: `ws://127.0.0.1:${proxy.port}`, authToken: server.authToken } } as unknown as Knex.Config);
});
afterAll(async () => {
  await db?.destroy();
  await proxy?.close();
  await server?.stop();
});

it("runs concurrent queries on a remote database over several server connections at once", async () => {
  // Answers held back long enough that all four queries are in flight together.
  proxy.setLatency(300, "toClient");
  const rows = await Promise.all([1, 2, 3, 4].map((n) => db.raw("select ? as n", [n])));
  proxy.setLatency(0);
  expect(rows.map((r: Array<{ n: number }>) => r[0]?.n)).toEqual([1, 2, 3, 4]);
  expect(proxy.accepted()).toBe(4);
});
