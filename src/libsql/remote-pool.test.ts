// The sessions of one knex pool against a real sqld: they behave, for Strapi, like the one
// connection SQLite gives it. A pragma set through one holds on all. How they take turns at
// writes is in writer-turn.test.ts.
import { describe, expect, it } from "vitest";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { sessionTools } from "../../test/helpers/session-tools";
import { remotePoolState } from "./remote-pool";
import type { RemoteSession } from "./remote-session";

const sqld = sqldBehindProxy();
const { table, pooled } = sessionTools(sqld, "p");
const foreignKeys = async (db: RemoteSession) => (await db.execute("pragma foreign_keys", [])).rows[0]?.[0];

describe.each(["http", "ws"] as const)("sessions of one pool over %s", (scheme) => {
  it("share pragmas: foreign_keys set through one session holds on the others from their next statement", async () => {
    const pool = remotePoolState();
    const [a, b] = [pooled(scheme, pool), pooled(scheme, pool)];
    await a.execute("pragma foreign_keys = on", []);
    expect(await foreignKeys(b)).toBe(1n);
    await b.execute("pragma foreign_keys = off", []);
    expect(await foreignKeys(a)).toBe(0n);
  });

  it("run Strapi's schema update as on one connection: foreign_keys = off on one, the transaction on another", async () => {
    const pool = remotePoolState();
    const [a, b] = [pooled(scheme, pool), pooled(scheme, pool)];
    const [parent, child] = [table(), table()];
    await a.execute("pragma foreign_keys = on", []);
    await a.execute(`create table ${parent} (id integer primary key)`, []);
    await a.execute(`create table ${child} (parent_id integer references ${parent}(id))`, []);
    await a.execute("pragma foreign_keys = off", []);
    await b.execute("BEGIN;", []);
    await b.execute(`insert into ${child} values (42)`, []);
    await b.execute("COMMIT;", []);
    await a.execute("pragma foreign_keys = on", []);
    await expect(b.execute(`insert into ${child} values (43)`, [])).rejects.toThrow(/FOREIGN KEY constraint failed/);
    expect((await b.execute(`select parent_id from ${child}`, [])).rows).toEqual([[42n]]);
  });
});
