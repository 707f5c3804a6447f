// The sessions of one knex pool against a real sqld: they behave, for Strapi, like the one
// connection SQLite gives it. A pragma set through one holds on all; their transactions take
// turns; and a transaction costs the round trips of its statements, BEGIN none of its own.
import { describe, expect, it } from "vitest";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { roundTripsOf, startTcpProxy } from "../../test/helpers/tcp-proxy";
import { remotePoolState, type RemotePoolState } from "./remote-pool";
import { RemoteSession } from "./remote-session";

const sqld = sqldBehindProxy();

/** A session of `pool`, through the proxy, closed after the test. */
const session = (scheme: "http" | "ws", pool: RemotePoolState) => sqld.session(scheme, { port: sqld.proxy.port, pool });

let tables = 0;
const table = () => `p${++tables}`;
const foreignKeys = async (db: RemoteSession) => (await db.execute("pragma foreign_keys", [])).rows[0]?.[0];

/** Round trips `work` makes through the proxy. */
const roundTrips = (work: () => Promise<unknown>) => roundTripsOf(sqld.proxy, work);

/**
 * `db` in a transaction whose COMMIT SQLite will refuse: `child` has a row whose parent does not
 * exist, under a foreign key checked at COMMIT.
 */
async function transactionThatCannotCommit(db: RemoteSession) {
  const [parent, child] = [table(), table()];
  await db.execute("pragma foreign_keys = on", []);
  await db.execute(`create table ${parent} (id integer primary key)`, []);
  await db.execute(`create table ${child} (parent_id integer references ${parent}(id) deferrable initially deferred)`, []);
  await db.execute("BEGIN;", []);
  await db.execute(`insert into ${child} values (42)`, []);
  return { parent, child };
}

/** A session of a pool of its own, and a new table `t` with `columns`. */
async function sessionWithTable(scheme: "http" | "ws", columns = "x integer") {
  const db = session(scheme, remotePoolState());
  const t = table();
  await db.execute(`create table ${t} (${columns})`, []);
  return { db, t };
}

/** Two sessions of one pool; `a` wrote row 1 into table `t` in a transaction it keeps open. */
async function writerAndOther(scheme: "http" | "ws") {
  const pool = remotePoolState();
  const [a, b] = [session(scheme, pool), session(scheme, pool)];
  const t = table();
  await a.execute(`create table ${t} (x integer)`, []);
  await a.execute("BEGIN;", []);
  await a.execute(`insert into ${t} values (1)`, []);
  return { a, b, t };
}

describe.each(["http", "ws"] as const)("sessions of one pool over %s", (scheme) => {
  it("share pragmas: foreign_keys set through one session holds on the others from their next statement", async () => {
    const pool = remotePoolState();
    const [a, b] = [session(scheme, pool), session(scheme, pool)];
    await a.execute("pragma foreign_keys = on", []);
    expect(await foreignKeys(b)).toBe(1n);
    await b.execute("pragma foreign_keys = off", []);
    expect(await foreignKeys(a)).toBe(0n);
  });

  it("run Strapi's schema update as on one connection: foreign_keys = off on one, the transaction on another", async () => {
    const pool = remotePoolState();
    const [a, b] = [session(scheme, pool), session(scheme, pool)];
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

  it("take turns at transactions: a second transaction's first statement waits until the first transaction commits", async () => {
    const { a, b, t } = await writerAndOther(scheme);
    await b.execute("BEGIN;", []);
    let bWrote = false;
    const bWrite = b.execute(`insert into ${t} values (2)`, []).then(() => (bWrote = true));
    // A round trip on each: B had every chance to write if it could.
    await a.execute(`select count(*) from ${t}`, []);
    const other = session(scheme, remotePoolState());
    await other.execute("select 1", []);
    expect(bWrote).toBe(false);
    await a.execute("COMMIT;", []);
    await bWrite;
    await b.execute("COMMIT;", []);
    expect((await a.execute(`select x from ${t} order by x`, [])).rows).toEqual([[1n], [2n]]);
  });

  it("let an empty transaction through while another holds the turn: BEGIN and COMMIT with nothing between wait for no one", async () => {
    // Strapi's update opens one: an update request would otherwise queue twice for the turn.
    const { a, b, t } = await writerAndOther(scheme);
    await b.execute("BEGIN;", []);
    await b.execute("COMMIT;", []);
    // a still holds the turn, and its transaction is still open.
    expect((await b.execute(`select count(*) from ${t}`, [])).rows).toEqual([[0n]]);
    await a.execute("COMMIT;", []);
    expect((await b.execute(`select count(*) from ${t}`, [])).rows).toEqual([[1n]]);
  });

  it("fail a statement whose transaction ended while it waited for the turn, run nothing of it, and pass the turn on", async () => {
    const { a, b, t } = await writerAndOther(scheme);
    await b.execute("BEGIN;", []);
    // Its first statement waits for a's turn; knex ends b's transaction meanwhile, as it does
    // when the code inside gives up without waiting for every statement it started.
    // Its failure is awaited below; the expectation is attached now, since over ws the turn
    // reaches it as soon as a's COMMIT is sent, before that COMMIT's answer.
    const waiting = expect(b.execute(`insert into ${t} values (2)`, [])).rejects.toThrow(
      /^libsql: the transaction ended before this statement of it could run; it ran nothing/,
    );
    await b.execute("ROLLBACK", []);
    await a.execute("COMMIT;", []);
    await waiting;
    // The turn it was granted went on: the pool's next write does not wait for it.
    await b.execute(`insert into ${t} values (3)`, []);
    expect((await a.execute(`select x from ${t} order by x`, [])).rows).toEqual([[1n], [3n]]);
  });

  it("fail a transaction that waited longer than the pool allows for the turn, with a line that says why", async () => {
    const pool = remotePoolState(200);
    const [a, b] = [session(scheme, pool), session(scheme, pool)];
    await a.execute("BEGIN;", []);
    await a.execute("select 1", []);
    await b.execute("BEGIN;", []);
    await expect(b.execute("select 1", [])).rejects.toThrow(/^libsql: waited 0 s for this process's other writes to finish/);
    await b.execute("ROLLBACK", []);
    await a.execute("ROLLBACK", []);
    await b.execute("BEGIN;", []);
    expect((await b.execute("select 2", [])).rows).toEqual([[2n]]);
    await b.execute("ROLLBACK", []);
  });

  it("roll back a transaction whose COMMIT SQLite refuses, report the refusal, and let the pool's next transaction through", async () => {
    // knex sends no ROLLBACK after a failed COMMIT: left open, the transaction would keep the
    // pool's writer turn, and its lock on the server, until the session closed.
    const pool = remotePoolState(2_000);
    const [a, b] = [session(scheme, pool), session(scheme, pool)];
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
    const db = session(scheme, remotePoolState());
    const [a, b] = [table(), table()];
    await db.execute(`create table ${a} (x integer)`, []);
    await db.execute(`create table ${b} (x integer)`, []);
    await db.execute("BEGIN;", []);
    // As Strapi's import does: the code inside the transaction reads and writes at once.
    await Promise.all([db.execute(`insert into ${a} values (1)`, []), db.execute(`insert into ${b} values (2)`, []), db.execute(`select * from ${a}`, [])]);
    await db.execute("ROLLBACK", []);
    expect((await db.execute(`select (select count(*) from ${a}) + (select count(*) from ${b})`, [])).rows).toEqual([[0n]]);
  });

  it("hold back a write nobody reads until its transaction's COMMIT, and send them in one round trip", async () => {
    const { db, t } = await sessionWithTable(scheme);
    await db.execute("BEGIN;", []);
    expect(await roundTrips(() => db.executeUnread(`insert into ${t} values (1)`, []).then(() => db.executeUnread(`insert into ${t} values (2)`, [])))).toBe(0);
    expect(await roundTrips(() => db.execute("COMMIT;", []))).toBe(1);
    expect((await session(scheme, remotePoolState()).execute(`select x from ${t} order by x`, [])).rows).toEqual([[1n], [2n]]);
  });

  it("report a held-back write's failure at the COMMIT it went with, commit nothing of its transaction, and let the pool's next transaction through", async () => {
    const pool = remotePoolState(2_000);
    const [a, b] = [session(scheme, pool), session(scheme, pool)];
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

  it("run nothing of a transaction whose first statement fails, and end it with knex's ROLLBACK", async () => {
    const { db, t } = await sessionWithTable(scheme, "x integer not null");
    await db.execute("BEGIN;", []);
    await expect(db.execute(`insert into ${t} values (null)`, [])).rejects.toThrow(/NOT NULL constraint failed/);
    await db.execute("ROLLBACK", []);
    await db.execute(`insert into ${t} values (1)`, []);
    expect((await db.execute(`select x from ${t}`, [])).rows).toEqual([[1n]]);
  });
});

describe("sessions of one pool over ws share one connection for their writes", () => {
  /**
   * Requests reach the server this much later, so that the server cannot answer a request
   * before the next one is sent, unless the client waits for the answer to send it.
   */
  const REQUESTS_HELD_MS = 50;

  /** `count` sessions of one pool, each with a table of its own, the pool's writer connection open. */
  async function writers(count: number) {
    const pool = remotePoolState();
    const sessions = Array.from({ length: count }, () => session("ws", pool));
    const tables = sessions.map(() => table());
    for (const [index, db] of sessions.entries()) await db.execute(`create table ${tables[index]} (x integer)`, []);
    return { pool, sessions, tables };
  }

  /** What a session of another pool sees: only what was committed. */
  const committed = async (t: string) => (await session("ws", remotePoolState()).execute(`select * from ${t} order by 1`, [])).rows;

  it("send each write as soon as the one before it is sent: writes of three sessions at once cost one round trip", async () => {
    const { sessions, tables } = await writers(3);
    sqld.proxy.setLatency(REQUESTS_HELD_MS, "toServer");
    const trips = await roundTrips(() => Promise.all(sessions.map((db, index) => db.execute(`insert into ${tables[index]} values (1)`, []))));
    expect(trips).toBe(1);
    for (const t of tables) expect(await committed(t)).toEqual([[1n]]);
  });

  it("pass the turn on when a COMMIT is sent: the write waiting for it goes out with it", async () => {
    const { sessions: [a, b], tables: [ta, tb] } = await writers(2);
    await a!.execute("BEGIN;", []);
    await a!.execute(`insert into ${ta} values (1)`, []);
    const waiting = b!.execute(`insert into ${tb} values (2)`, []);
    sqld.proxy.setLatency(REQUESTS_HELD_MS, "toServer");
    expect(await roundTrips(() => Promise.all([a!.execute("COMMIT;", []), waiting]))).toBe(1);
    expect([await committed(ta!), await committed(tb!)]).toEqual([[[1n]], [[2n]]]);
  });

  it("pass the turn on when a transaction held back whole is sent: the write waiting for it goes out with it", async () => {
    const { pool, sessions: [a, b], tables: [ta, tb] } = await writers(2);
    await a!.execute("BEGIN;", []);
    await a!.execute(`insert into ${ta} values (1)`, []);
    // b's transaction waits for a's turn with its COMMIT, c's write for b's.
    const c = session("ws", pool);
    await b!.execute("BEGIN;", []);
    await b!.executeUnread(`insert into ${tb} values (2)`, []);
    const bCommit = b!.execute("COMMIT;", []);
    const cWrite = c.execute(`insert into ${tb} values (3)`, []);
    sqld.proxy.setLatency(REQUESTS_HELD_MS, "toServer");
    expect(await roundTrips(() => Promise.all([a!.execute("COMMIT;", []), bCommit, cWrite]))).toBe(1);
    expect([await committed(ta!), await committed(tb!)]).toEqual([[[1n]], [[2n], [3n]]]);
  });

  it("commit a write sent right behind a COMMIT that SQLite refuses, outside the refused transaction", async () => {
    const { sessions: [a, b], tables: [, tb] } = await writers(2);
    const { child } = await transactionThatCannotCommit(a!);
    const waiting = b!.execute(`insert into ${tb} values (2)`, []);
    sqld.proxy.setLatency(REQUESTS_HELD_MS, "toServer");
    const [commit] = await Promise.allSettled([a!.execute("COMMIT;", []), waiting]);
    expect(commit).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/FOREIGN KEY constraint failed/) } });
    expect([await committed(child), await committed(tb!)]).toEqual([[], [[2n]]]);
  });

  it("roll back the transaction of a session closed while it holds the turn, before the next writer's statements", async () => {
    // knex destroys a connection whose transaction failed badly; the pool's connection stays.
    const { sessions: [a, b], tables: [ta, tb] } = await writers(2);
    await a!.execute("BEGIN;", []);
    await a!.execute(`insert into ${ta} values (1)`, []);
    const waiting = b!.execute(`insert into ${tb} values (2)`, []);
    await a!.close();
    await waiting;
    expect([await committed(ta!), await committed(tb!)]).toEqual([[], [[2n]]]);
  });

  it("close the writer connection with the pool's last session", async () => {
    // A proxy of its own: the file's proxy still carries other tests' HTTP keep-alive connections.
    const proxy = await startTcpProxy({ port: sqld.server.port });
    try {
      const pool = remotePoolState();
      const [a, b] = [sqld.session("ws", { port: proxy.port, pool }), sqld.session("ws", { port: proxy.port, pool })];
      await a.execute(`create table ${table()} (x integer)`, []);
      await b.execute(`create table ${table()} (x integer)`, []);
      // The pool's writer connection, and the one the first session reads over.
      await a.execute("select 1", []);
      expect(proxy.open()).toBe(2);
      await a.close();
      await b.close();
      await expect.poll(() => proxy.open()).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

