// Reconnecting against a real sqld: a stream the server forgot, a cut connection, a restart.
// Outside a transaction the next statement gets a new stream with the pool's pragmas, and only
// what provably did not run is sent again; inside one the session never moves.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { sessionTools, sleep } from "../../test/helpers/session-tools";
import { startSqld, type SqldServer } from "../../test/helpers/sqld";
import { LibsqlConnectionError } from "./remote-errors";

const sqld = sqldBehindProxy();
const { table, session, viaProxy, count, tableInOpenTransaction, cutInFlight, holdBack } = sessionTools(sqld, "r");

describe.each(["http", "ws"] as const)("RemoteSession over %s reconnects", (scheme) => {
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
