// BEGIN carried with the transaction's first statement, against a real sqld: no round trip of
// its own, the transaction's statements all inside it, nothing run when its first one fails.
import { describe, expect, it } from "vitest";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { sessionTools } from "../../test/helpers/session-tools";
import { remotePoolState } from "./remote-pool";

const sqld = sqldBehindProxy();
const { table, session, viaProxy, pooled, roundTrips, cutInFlight, holdBack, sessionWithTable } = sessionTools(sqld, "b");

describe.each(["http", "ws"] as const)("RemoteSession over %s", (scheme) => {
  it("rolls back on the server a transaction whose first statement's answer was lost, so later statements commit", async () => {
    const db = viaProxy(scheme);
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    await db.execute("BEGIN;", []);
    holdBack("toClient");
    // BEGIN goes out with this insert: both ran, and the answer is lost.
    expect(await cutInFlight(db.execute(`insert into ${t} values (1)`, []))).toBeInstanceOf(Error);
    await db.execute("ROLLBACK", []);
    await db.execute(`insert into ${t} values (2)`, []);
    // Seen from another connection: the write after the ROLLBACK is committed, the one before is not.
    expect((await session(scheme).execute(`select x from ${t}`, [])).rows).toEqual([[2n]]);
  });
});

describe.each(["http", "ws"] as const)("sessions of one pool over %s", (scheme) => {
  it("send BEGIN with the transaction's first statement: a transaction costs one round trip per statement", async () => {
    const { db, t } = await sessionWithTable(scheme);
    const trips = await roundTrips(async () => {
      await db.execute("BEGIN;", []);
      await db.execute(`insert into ${t} values (1)`, []);
      await db.execute(`insert into ${t} values (2)`, []);
      await db.execute("COMMIT;", []);
    });
    expect(trips).toBe(3);
    expect((await db.execute(`select count(*) from ${t}`, [])).rows).toEqual([[2n]]);
    // An empty transaction never reaches the server.
    expect(await roundTrips(() => db.execute("BEGIN;", []).then(() => db.execute("COMMIT;", [])))).toBe(0);
  });

  it("run a transaction's concurrent first statements all inside it", async () => {
    const db = pooled(scheme, remotePoolState());
    const [a, b] = [table(), table()];
    await db.execute(`create table ${a} (x integer)`, []);
    await db.execute(`create table ${b} (x integer)`, []);
    await db.execute("BEGIN;", []);
    // As Strapi's import does: the code inside the transaction reads and writes at once.
    await Promise.all([db.execute(`insert into ${a} values (1)`, []), db.execute(`insert into ${b} values (2)`, []), db.execute(`select * from ${a}`, [])]);
    await db.execute("ROLLBACK", []);
    expect((await db.execute(`select (select count(*) from ${a}) + (select count(*) from ${b})`, [])).rows).toEqual([[0n]]);
  });

  it("run nothing of a transaction whose first statement fails, and end it with knex's ROLLBACK", async () => {
    const { db, t } = await sessionWithTable(scheme, "x integer not null");
    await db.execute("BEGIN;", []);
    await expect(db.execute(`insert into ${t} values (null)`, [])).rejects.toThrow(/NOT NULL constraint failed/);
    await db.execute("ROLLBACK", []);
    await db.execute(`insert into ${t} values (1)`, []);
    expect((await db.execute(`select x from ${t}`, [])).rows).toEqual([[1n]]);
  });
});
