// The knex client against a real sqld: a busy Strapi's requests do not wait for each other's
// round trips, as they did on one pooled connection. It loads the client as installed, compiled
// into the @strapi/database that Strapi loads, since the session modules are required at run time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import knex, { type Knex } from "knex";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Client_Libsql } from "../../test/helpers/installed-client";
import { startSqld, type SqldServer } from "../../test/helpers/sqld";
import { startTcpProxy, type TcpProxy } from "../../test/helpers/tcp-proxy";
import { startTcpProxyProcess } from "../../test/helpers/tcp-proxy-process";

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

it("gives an embedded replica a pool: local reads do not wait for a transaction on the primary", async () => {
  // In a child process: the replica's open blocks this one until the primary answers.
  const primary = await startTcpProxyProcess({ port: server.port });
  const dir = mkdtempSync(join(tmpdir(), "knex-replica-"));
  const replica = knex({
    client: Client_Libsql,
    connection: { url: `file:${join(dir, "replica.db")}`, syncUrl: `http://127.0.0.1:${primary.port}`, authToken: server.authToken, syncInterval: 0 },
  } as unknown as Knex.Config);
  try {
    expect((replica.client as { pool: { max: number } }).pool.max).toBeGreaterThan(1);
    await replica.raw("create table replica_pool (x integer)");
    expect(await replica("replica_pool").count({ n: "*" })).toEqual([{ n: 0 }]);

    await primary.setLatency(150);
    let committed = false;
    const transaction = replica.transaction(async (trx) => {
      await trx.raw("insert into replica_pool values (1)");
      await trx.raw("insert into replica_pool values (2)");
    }).then(() => (committed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    expect(await replica("replica_pool").count({ n: "*" })).toEqual([{ n: 0 }]);
    expect(Date.now() - started).toBeLessThan(150);
    expect(committed).toBe(false);
    await transaction;
    // Read-your-writes: the next read waits for the sync that brings the commit.
    expect(await replica("replica_pool").count({ n: "*" })).toEqual([{ n: 2 }]);
  } finally {
    await replica.destroy();
    await primary.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
