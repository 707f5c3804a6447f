// Writes whose answer nobody reads, against a real sqld: held back until the transaction's next
// statement, reported by it, and sent at once when the setting turns holding off.
import knex, { type Knex } from "knex";
import { describe, expect, it } from "vitest";
import { Client_Libsql } from "../../test/helpers/installed-client";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { sessionTools } from "../../test/helpers/session-tools";
import { remotePoolState } from "./remote-pool";
import { holdUnreadWrites, unreadAnswer } from "./unread-answers";

const sqld = sqldBehindProxy();
const { table, pooled, roundTrips, sessionWithTable } = sessionTools(sqld, "u");

describe.each(["http", "ws"] as const)("sessions of one pool over %s", (scheme) => {
  it("hold back a write nobody reads until its transaction's COMMIT, and send them in one round trip", async () => {
    const { db, t } = await sessionWithTable(scheme);
    await db.execute("BEGIN;", []);
    expect(await roundTrips(() => db.executeUnread(`insert into ${t} values (1)`, []).then(() => db.executeUnread(`insert into ${t} values (2)`, [])))).toBe(0);
    expect(await roundTrips(() => db.execute("COMMIT;", []))).toBe(1);
    expect((await pooled(scheme, remotePoolState()).execute(`select x from ${t} order by x`, [])).rows).toEqual([[1n], [2n]]);
  });

  it("report a held-back write's failure at the COMMIT it went with, commit nothing of its transaction, and let the pool's next transaction through", async () => {
    const pool = remotePoolState(2_000);
    const [a, b] = [pooled(scheme, pool), pooled(scheme, pool)];
    const t = table();
    await a.execute(`create table ${t} (x integer not null)`, []);
    await a.execute("BEGIN;", []);
    await a.executeUnread(`insert into ${t} values (1)`, []);
    await a.executeUnread(`insert into ${t} values (null)`, []);
    await expect(a.execute("COMMIT;", [])).rejects.toThrow(/NOT NULL constraint failed/);
    expect((await b.execute(`select count(*) from ${t}`, [])).rows).toEqual([[0n]]);
    await b.execute("BEGIN;", []);
    await b.execute(`insert into ${t} values (3)`, []);
    await b.execute("COMMIT;", []);
    await a.execute("BEGIN;", []);
    await a.executeUnread(`insert into ${t} values (4)`, []);
    await a.execute("COMMIT;", []);
    expect((await b.execute(`select x from ${t} order by x`, [])).rows).toEqual([[3n], [4n]]);
  });

  it("send a held-back write of an open transaction with its next statement, which sees it", async () => {
    const { db, t } = await sessionWithTable(scheme);
    await db.execute("BEGIN;", []);
    await db.execute(`select count(*) from ${t}`, []);
    const trips = await roundTrips(async () => {
      await db.executeUnread(`insert into ${t} values (1)`, []);
      expect((await db.execute(`select count(*) from ${t}`, [])).rows).toEqual([[1n]]);
    });
    expect(trips).toBe(1);
    await db.execute("COMMIT;", []);
    expect((await db.execute(`select count(*) from ${t}`, [])).rows).toEqual([[1n]]);
  });
});

describe("the holdUnreadWrites setting (DATABASE_HOLD_UNREAD_WRITES)", () => {
  it("is on unless set to false, and refuses anything else, naming the setting", () => {
    for (const on of [undefined, "", true, "true"]) expect(holdUnreadWrites(on)).toBe(true);
    for (const off of [false, "false"]) expect(holdUnreadWrites(off)).toBe(false);
    expect(() => holdUnreadWrites("no")).toThrow(/^libsql: connection\.holdUnreadWrites \(DATABASE_HOLD_UNREAD_WRITES\) is no; give true or false$/);
  });

  it.each([
    ["on", 0, undefined],
    ["off", 1, "false"],
  ] as const)("through the installed client, %s: a marked write of an open transaction costs %i round trips of its own", async (_, trips, setting) => {
    const db = knex({
      client: Client_Libsql,
      connection: { url: `ws://127.0.0.1:${sqld.proxy.port}`, authToken: sqld.server.authToken, holdUnreadWrites: setting },
    } as unknown as Knex.Config);
    try {
      const t = table();
      await db.raw(`create table ${t} (x integer)`);
      await db.transaction(async (trx) => {
        await trx.raw("select 1");
        expect(await roundTrips(async () => void (await unreadAnswer(trx.raw(`insert into ${t} values (1)`))))).toBe(trips);
      });
      expect(await db.raw(`select x from ${t}`)).toEqual([{ x: 1 }]);
    } finally {
      await db.destroy();
    }
  });
});
