// A COMMIT SQLite refuses, against a real sqld: the ROLLBACK chained after it in the same batch
// ends the transaction, so the pool's next writer runs outside it.
import { describe, expect, it } from "vitest";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { REQUESTS_HELD_MS, sessionTools } from "../../test/helpers/session-tools";
import { remotePoolState } from "./remote-pool";

const sqld = sqldBehindProxy();
const { pooled, transactionThatCannotCommit, writers, committed } = sessionTools(sqld, "c");

describe.each(["http", "ws"] as const)("sessions of one pool over %s", (scheme) => {
  it("roll back a transaction whose COMMIT SQLite refuses, report the refusal, and let the pool's next transaction through", async () => {
    // knex sends no ROLLBACK after a failed COMMIT: left open, the transaction would keep the
    // pool's writer turn, and its lock on the server, until the session closed.
    const pool = remotePoolState(2_000);
    const [a, b] = [pooled(scheme, pool), pooled(scheme, pool)];
    const { parent, child } = await transactionThatCannotCommit(a);
    await expect(a.execute("COMMIT;", [])).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await b.execute("BEGIN;", []);
    await b.execute(`insert into ${parent} values (1)`, []);
    await b.execute("COMMIT;", []);
    expect((await a.execute(`select (select count(*) from ${parent}), (select count(*) from ${child})`, [])).rows).toEqual([[1n, 0n]]);
    // The session that failed to commit begins afresh.
    await a.execute("BEGIN;", []);
    await a.execute(`insert into ${child} values (1)`, []);
    await a.execute("COMMIT;", []);
    expect((await b.execute(`select count(*) from ${child}`, [])).rows).toEqual([[1n]]);
  });
});

describe("sessions of one pool over ws share one connection for their writes", () => {
  it("commit a write sent right behind a COMMIT that SQLite refuses, outside the refused transaction", async () => {
    const { sessions: [a, b], tables: [, tb] } = await writers(2);
    const { child } = await transactionThatCannotCommit(a!);
    const waiting = b!.execute(`insert into ${tb} values (2)`, []);
    sqld.proxy.setLatency(REQUESTS_HELD_MS, "toServer");
    const [commit] = await Promise.allSettled([a!.execute("COMMIT;", []), waiting]);
    expect(commit).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/FOREIGN KEY constraint failed/) } });
    expect([await committed(child), await committed(tb!)]).toEqual([[], [[2n]]]);
  });
});
