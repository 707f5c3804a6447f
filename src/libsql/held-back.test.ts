// Statements held back for the transaction's next one, against a real sqld: a ROLLBACK, or a
// ROLLBACK TO, drops what it undoes before it is ever sent.
import { describe, expect, it } from "vitest";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { sessionTools } from "../../test/helpers/session-tools";

const sqld = sqldBehindProxy();
const { roundTrips, sessionWithTable } = sessionTools(sqld, "h");

describe.each(["http", "ws"] as const)("sessions of one pool over %s", (scheme) => {
  it("drop held-back writes at ROLLBACK, whether or not the transaction reached the server", async () => {
    const { db, t } = await sessionWithTable(scheme);
    await db.execute("BEGIN;", []);
    await db.executeUnread(`insert into ${t} values (1)`, []);
    expect(await roundTrips(() => db.execute("ROLLBACK", []))).toBe(0);
    await db.execute("BEGIN;", []);
    await db.execute(`insert into ${t} values (2)`, []);
    await db.executeUnread(`insert into ${t} values (3)`, []);
    await db.execute("ROLLBACK", []);
    expect((await db.execute(`select count(*) from ${t}`, [])).rows).toEqual([[0n]]);
    // Outside a transaction there is no COMMIT to wait for: it runs at once.
    expect((await db.executeUnread(`insert into ${t} values (4)`, [])).rowsAffected).toBe(1);
  });

  it("roll back to a savepoint without first running the held-back writes it undoes", async () => {
    // knex's nested transaction. Had the bad write been sent with the ROLLBACK TO, its failure
    // would have failed the rollback.
    const { db, t } = await sessionWithTable(scheme, "x integer not null");
    await db.execute("BEGIN;", []);
    await db.execute(`insert into ${t} values (1)`, []);
    await db.execute("SAVEPOINT trx2;", []);
    await db.executeUnread(`insert into ${t} values (null)`, []);
    await db.execute("ROLLBACK TO SAVEPOINT trx2", []);
    await db.execute("RELEASE SAVEPOINT trx2;", []);
    // The same, with the savepoint sent before the write.
    await db.execute("SAVEPOINT trx3;", []);
    await db.execute("select 1", []);
    await db.executeUnread(`insert into ${t} values (null)`, []);
    await db.execute("ROLLBACK TO SAVEPOINT trx3", []);
    await db.execute("RELEASE SAVEPOINT trx3;", []);
    await db.executeUnread(`insert into ${t} values (2)`, []);
    await db.execute("COMMIT;", []);
    expect((await db.execute(`select x from ${t} order by x`, [])).rows).toEqual([[1n], [2n]]);
  });
});
