// The remote session against a real sqld: what survives a stream the server forgot, a cut
// connection, a restart, a server that never answers, a second writer, and a locked database.
import { createServer, type Server, type Socket } from "node:net";
import Database = require("libsql");
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../../scripts/lib/sqld";
import { sqldBehindProxy, type SessionOptions } from "../../test/helpers/remote-sessions";
import { startSqld, type SqldServer } from "../../test/helpers/sqld";
import { roundTripsOf } from "../../test/helpers/tcp-proxy";
import { DEFAULT_TIMEOUTS } from "./deadline";
import { LibsqlConnectionError } from "./remote-errors";
import { RemoteSession } from "./remote-session";

type Scheme = "http" | "ws";

const sqld = sqldBehindProxy();
/** A session to `port` (the server itself unless told), closed after the test. */
const session = (scheme: Scheme, options: SessionOptions = {}) => sqld.session(scheme, options);

const viaProxy = (scheme: Scheme) => session(scheme, { port: sqld.proxy.port });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let tables = 0;
/** A fresh table name, so that tests never see each other's rows. */
const table = () => `t${++tables}`;

/** A new table, then BEGIN and one row written in the still-open transaction. */
async function tableInOpenTransaction(db: RemoteSession): Promise<string> {
  const t = table();
  await db.execute(`create table ${t} (x integer)`, []);
  await db.execute("BEGIN;", []);
  await db.execute(`insert into ${t} values (1)`, []);
  return t;
}

async function count(db: RemoteSession, name: string, where = "1"): Promise<bigint> {
  return (await db.execute(`select count(*) from ${name} where ${where}`, [])).rows[0]?.[0] as bigint;
}

/** Runs `statement` with its request or its answer held in the proxy, and cuts every connection meanwhile. */
async function cutInFlight(statement: Promise<unknown>): Promise<unknown> {
  await sleep(150);
  expect(sqld.proxy.cutAll()).toBeGreaterThan(0);
  sqld.proxy.setLatency(0);
  return statement.then(
    () => "ok",
    (error: unknown) => error,
  );
}

function holdBack(direction: "toServer" | "toClient"): void {
  sqld.proxy.setLatency(600, direction);
}

describe.each(["http", "ws"] as const)("RemoteSession over %s", (scheme) => {
  it("leaves foreign_keys as it was when a transaction sets it, as SQLite does, without a round trip", async () => {
    const db = viaProxy(scheme);
    await db.execute("PRAGMA foreign_keys = ON", []);
    await db.execute("BEGIN;", []);
    await db.execute("select 1", []);
    expect(await roundTripsOf(sqld.proxy, () => db.execute("PRAGMA foreign_keys = OFF", []))).toBe(0);
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

  it("replays pragmas on a new stream, so foreign_keys = off set before a schema update holds", async () => {
    const db = session(scheme);
    await db.execute("pragma foreign_keys = off", []);
    // Strapi runs its schema update on whatever stream comes next; force a new one.
    (db as unknown as { own: { dropStream(): void } }).own.dropStream();
    expect((await db.execute("pragma foreign_keys", [])).rows).toEqual([[0n]]);
    await db.execute("pragma foreign_keys = on", []);
    (db as unknown as { own: { dropStream(): void } }).own.dropStream();
    expect((await db.execute("pragma foreign_keys", [])).rows).toEqual([[1n]]);
  });

  it("serves the next statement after every connection was cut while idle", async () => {
    const db = viaProxy(scheme);
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    const accepted = sqld.proxy.accepted();
    expect(sqld.proxy.cutAll()).toBeGreaterThan(0);
    await sleep(100);
    await db.execute(`insert into ${t} values (1)`, []);
    expect(await count(db, t)).toBe(1n);
    expect(sqld.proxy.accepted()).toBeGreaterThan(accepted);
  });

  it("fails a statement whose request was cut before the server saw it, does not resend it, and serves the next one", async () => {
    const db = viaProxy(scheme);
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    holdBack("toServer");
    const outcome = await cutInFlight(db.execute(`insert into ${t} values (1)`, []));
    expect(outcome).toBeInstanceOf(LibsqlConnectionError);
    expect((outcome as Error).message).toMatch(new RegExp(`^libsql: lost the connection to ${scheme}://127\\.0\\.0\\.1:\\d+: `));
    expect(await count(db, t)).toBe(0n);
  });

  it("fails a statement whose answer was cut after the server ran it, and does not run it twice", async () => {
    const db = viaProxy(scheme);
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    holdBack("toClient");
    const outcome = await cutInFlight(db.execute(`insert into ${t} values (1)`, []));
    expect(outcome).toBeInstanceOf(LibsqlConnectionError);
    expect(await count(db, t)).toBe(1n);
  });

  it("rolls back a transaction whose statement was cut in flight: no partial write, and the session goes on", async () => {
    const db = viaProxy(scheme);
    const t = await tableInOpenTransaction(db);
    holdBack("toClient");
    const outcome = await cutInFlight(db.execute(`insert into ${t} values (2)`, []));
    expect((outcome as Error).message).toMatch(/broke inside a transaction .*rolled the transaction back/);
    // The transaction's later statements fail too, instead of running outside it.
    await expect(db.execute(`insert into ${t} values (3)`, [])).rejects.toThrow(/broke inside a transaction/);
    await db.execute("ROLLBACK", []);
    expect(await count(db, t)).toBe(0n);
    await db.execute(`insert into ${t} values (4)`, []);
    expect(await count(db, t)).toBe(1n);
  }, 20_000);

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

  it("reports a COMMIT cut in flight as of unknown outcome, and the session goes on", async () => {
    const db = viaProxy(scheme);
    const t = await tableInOpenTransaction(db);
    holdBack("toClient");
    const outcome = await cutInFlight(db.execute("COMMIT;", []));
    expect((outcome as Error).message).toMatch(/broke while COMMIT was in flight.*may or may not have been written/);
    // Here the server had it: the answer was what got lost.
    expect(await count(db, t)).toBe(1n);
    await db.execute(`insert into ${t} values (2)`, []);
    expect(await count(db, t)).toBe(2n);
  });

  it("fails a statement whose answer takes longer than the statement timeout, and serves the next one", async () => {
    const db = session(scheme, { port: sqld.proxy.port, timeouts: { ...DEFAULT_TIMEOUTS, connectMs: 2_000, requestMs: 1_000 } });
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    sqld.proxy.setLatency(3_000, "toClient");
    const started = Date.now();
    await expect(db.execute(`insert into ${t} values (1)`, [])).rejects.toThrow(/^libsql: lost the connection to .*: no answer within 1 s$/);
    expect(Date.now() - started).toBeLessThan(2_900);
    sqld.proxy.setLatency(0);
    await db.execute(`insert into ${t} values (2)`, []);
    // The late statement ran on the server (its answer was what came late): it is not resent.
    expect(await count(db, t)).toBe(2n);
  });

  it("sets up a connection opened after a cut like the first one: foreign_keys as last set", async () => {
    const parent = table();
    const child = table();
    const db = viaProxy(scheme);
    await db.execute(`create table ${parent} (id integer primary key)`, []);
    await db.execute(`create table ${child} (parent integer references ${parent}(id))`, []);
    const violation = `insert into ${child} values (42)`;
    // sqld starts every connection with foreign_keys = on: only a replayed "off" shows on a new one.
    await expect(session(scheme).execute(violation, [])).rejects.toThrow(/FOREIGN KEY constraint failed/);

    await db.execute("pragma foreign_keys = off", []);
    const reconnect = async () => {
      const accepted = sqld.proxy.accepted();
      holdBack("toServer");
      expect(await cutInFlight(db.execute("select 1", []))).toBeInstanceOf(LibsqlConnectionError);
      await db.execute("select 1", []);
      expect(sqld.proxy.accepted()).toBeGreaterThan(accepted);
    };
    await reconnect();
    await db.execute(violation, []);

    await db.execute(`delete from ${child}`, []);
    await db.execute("pragma foreign_keys = on", []);
    await reconnect();
    await expect(db.execute(violation, [])).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });
});

describe("RemoteSession over ws when the WebSocket dies while a transaction waits", () => {
  it("fails the transaction's next statement instead of running it on a new connection", async () => {
    const db = viaProxy("ws");
    const t = await tableInOpenTransaction(db);
    sqld.proxy.cutAll();
    await sleep(100);
    await expect(db.execute(`insert into ${t} values (2)`, [])).rejects.toThrow(/broke inside a transaction/);
    await expect(db.execute("COMMIT;", [])).rejects.toThrow(/broke inside a transaction/);
    expect(await count(db, t)).toBe(0n);
  });
});

describe("RemoteSession over http when the TCP connection dies while a transaction waits", () => {
  it("carries on: an HTTP stream is not tied to a TCP connection", async () => {
    const db = viaProxy("http");
    const t = await tableInOpenTransaction(db);
    sqld.proxy.cutAll();
    await db.execute(`insert into ${t} values (2)`, []);
    await db.execute("COMMIT;", []);
    expect(await count(db, t)).toBe(2n);
  });
});

describe("RemoteSession over http after 4 s idle", () => {
  it("sends the next statement on a new TCP connection, so a server that closes idle ones never meets a request on one", async () => {
    const db = viaProxy("http");
    await db.execute("select 1", []);
    const accepted = sqld.proxy.accepted();
    await db.execute("select 1", []);
    expect(sqld.proxy.accepted()).toBe(accepted);
    await sleep(4_500);
    expect((await db.execute("select 2", [])).rows).toEqual([[2n]]);
    expect(sqld.proxy.accepted()).toBe(accepted + 1);
  });
});

describe("RemoteSession over http after the server expired its stream", () => {
  it("resends the refused statement once on a new stream", async () => {
    const db = session("http");
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    // Pretend the stream is fresh so that the session does not replace it in advance.
    const internals = db as unknown as { lastUsed: number };
    await sleep(11_000);
    internals.lastUsed = Date.now();
    await db.execute(`insert into ${t} values (1)`, []);
    expect(await count(db, t)).toBe(1n);
  }, 30_000);
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

  it("ends a transaction whose write lock another writer took after the server's 5 s timeout, without leaving it half-open", async () => {
    const t = table();
    const slow = session("http");
    const other = session("http");
    await slow.execute(`create table ${t} (x integer)`, []);
    await slow.execute("BEGIN;", []);
    await slow.execute(`insert into ${t} values (1)`, []);
    // The other writer waits for the lock, and takes it when the slow one held it for 5 s.
    await other.execute("BEGIN;", []);
    await other.execute(`insert into ${t} values (2)`, []);
    await other.execute("COMMIT;", []);
    await expect(slow.execute(`insert into ${t} values (3)`, [])).rejects.toThrow(/rolled the transaction back: it held the write lock .*TRANSACTION_TIMEOUT/);
    await expect(slow.execute(`insert into ${t} values (5)`, [])).rejects.toThrow(/TRANSACTION_TIMEOUT/);
    await slow.execute("ROLLBACK", []);
    expect((await slow.execute(`select x from ${t}`, [])).rows).toEqual([[2n]]);
    await slow.execute(`insert into ${t} values (4)`, []);
    expect(await count(slow, t)).toBe(2n);
  }, 30_000);
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

describe("a server that accepts connections and never answers", () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    silentPort = await freePort();
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(silentPort, "127.0.0.1", resolve));
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    silent?.close();
  });

  it.each(["http", "ws"] as const)("fails the first statement over %s after the connect timeout, naming it", async (scheme) => {
    const db = session(scheme, { port: silentPort, timeouts: { ...DEFAULT_TIMEOUTS, connectMs: 1_000, requestMs: 60_000 } });
    const started = Date.now();
    await expect(db.execute("select 1", [])).rejects.toThrow(
      new RegExp(`^libsql: cannot use ${scheme}://127\\.0\\.0\\.1:${silentPort} \\(DATABASE_URL / connection\\.url\\): no answer within 1 s`),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("a server restart", () => {
  let restarting: SqldServer;
  beforeAll(async () => {
    restarting = await startSqld();
  });
  afterAll(() => restarting?.stop());

  it.each(["http", "ws"] as const)("over %s: statements fail fast while it is down, say so once, and work again after", async (scheme) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const db = session(scheme, { port: restarting.port, token: restarting.authToken });
      const t = table();
      await db.execute(`create table ${t} (x integer)`, []);
      const restart = restarting.restart(3_000);
      await sleep(500);
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        await expect(db.execute(`insert into ${t} values (1)`, [])).rejects.toThrow(/^libsql: lost the connection to /);
        expect(Date.now() - started).toBeLessThan(5_000);
      }
      const lost = logged.mock.calls.filter(([line]) => /lost the connection/.test(String(line)));
      expect(lost).toHaveLength(1);
      expect(String(lost[0]?.[0])).toMatch(/each statement tries a new connection until the server answers$/);
      await restart;
      await db.execute(`insert into ${t} values (2)`, []);
      expect((await db.execute(`select x from ${t}`, [])).rows).toEqual([[2n]]);
      expect(logged.mock.calls.some(([line]) => /answers again, after \d/.test(String(line)))).toBe(true);
    } finally {
      logged.mockRestore();
    }
  }, 30_000);

  it("over http: a statement sent with the old server's baton runs once on a new stream", async () => {
    const db = session("http", { port: restarting.port, token: restarting.authToken });
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    await restarting.restart(0);
    // Under 8 s idle the session keeps its stream: the server answers 400 "invalid baton".
    await db.execute(`insert into ${t} values (1)`, []);
    expect(await count(db, t)).toBe(1n);
  });
});
