// The remote session against a real sqld: what a transaction means on it, a second writer,
// and a locked database. What survives a broken connection is in reconnect.test.ts, what a
// failure tells knex in explain-failure.test.ts.
import Database = require("libsql");
import { describe, expect, it } from "vitest";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { sessionTools } from "../../test/helpers/session-tools";
import { DEFAULT_TIMEOUTS } from "./deadline";
import type { RemoteSession } from "./remote-session";

const sqld = sqldBehindProxy();
const { table, session, viaProxy, roundTrips, count } = sessionTools(sqld);

describe.each(["http", "ws"] as const)("RemoteSession over %s", (scheme) => {
  it("leaves foreign_keys as it was when a transaction sets it, as SQLite does, without a round trip", async () => {
    const db = viaProxy(scheme);
    await db.execute("PRAGMA foreign_keys = ON", []);
    await db.execute("BEGIN;", []);
    await db.execute("select 1", []);
    expect(await roundTrips(() => db.execute("PRAGMA foreign_keys = OFF", []))).toBe(0);
    await db.execute("COMMIT;", []);
    expect((await db.execute("PRAGMA foreign_keys", [])).rows).toEqual([[1n]]);
  });

  it("keeps a transaction on one server connection: a rollback undoes its writes", async () => {
    const db = session(scheme);
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    await db.execute("BEGIN;", []);
    await db.execute(`insert into ${t} values (?)`, [1n]);
    await db.execute("ROLLBACK", []);
    expect(await count(db, t)).toBe(0n);
  });
});

describe("two sessions writing at once (two Strapi processes on one database)", () => {
  it.each(["http", "ws"] as const)("never see SQLITE_BUSY over %s: a transaction that reads, then writes, waits for the other", async (scheme) => {
    const t = table();
    await session(scheme).execute(`create table ${t} (x integer)`, []);
    // With a deferred BEGIN, the second writer's insert fails with SQLITE_BUSY (database is locked)
    // whenever the other committed after its read.
    const writer = async (db: RemoteSession, base: number) => {
      for (let i = 0; i < 15; i++) {
        await db.execute("BEGIN;", []);
        await db.execute(`select count(*) from ${t}`, []);
        await db.execute(`insert into ${t} values (?)`, [BigInt(base + i)]);
        await db.execute("COMMIT;", []);
      }
    };
    await Promise.all([writer(session(scheme), 0), writer(session(scheme), 100), writer(session(scheme), 200)]);
    expect(await count(session(scheme), t)).toBe(45n);
  });
});

describe("another process holding the write lock of sqld's database file", () => {
  // What an sqlite3 shell or a backup on the server does, and what a writer sqld queues meets
  // when other writers keep committing: sqld answers SQLITE_BUSY within about 0.1 s.
  const holdWriteLock = (ms: number): Promise<number> => {
    const file = new Database(sqld.server.databaseFile);
    file.exec("BEGIN IMMEDIATE");
    return new Promise((resolve) =>
      setTimeout(() => {
        file.exec("ROLLBACK");
        file.close();
        resolve(Date.now());
      }, ms),
    );
  };

  it.each(["http", "ws"] as const)("over %s: a write, and a transaction's BEGIN with its first statement, are sent again until it lets go", async (scheme) => {
    const db = session(scheme);
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);

    const released = holdWriteLock(600);
    await db.execute(`insert into ${t} values (1)`, []);
    expect(Date.now()).toBeGreaterThanOrEqual(await released);

    const releasedAgain = holdWriteLock(600);
    await db.execute("BEGIN;", []);
    await db.execute(`insert into ${t} values (2)`, []);
    await db.execute("COMMIT;", []);
    expect(Date.now()).toBeGreaterThanOrEqual(await releasedAgain);
    expect((await db.execute(`select x from ${t} order by x`, [])).rows).toEqual([[1n], [2n]]);
  });

  it("fails the write with SQLite's own error once the busy timeout has passed, having written nothing", async () => {
    const db = session("ws", { timeouts: { ...DEFAULT_TIMEOUTS, busyMs: 300 } });
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    const released = holdWriteLock(2_000);
    await expect(db.execute(`insert into ${t} values (1)`, [])).rejects.toThrow("database is locked");
    // It gave up on its own, long before the lock was let go.
    const gaveUpAt = Date.now();
    expect(gaveUpAt).toBeLessThan(await released);
    expect(await count(db, t)).toBe(0n);
  });
});
