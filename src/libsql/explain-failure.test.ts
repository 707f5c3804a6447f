// What a failed statement tells knex, against a real sqld: a transaction the server rolled
// back, a COMMIT of unknown outcome, a timeout, and the setting to check when nothing answers.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/sqld";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";
import { sessionTools } from "../../test/helpers/session-tools";
import { DEFAULT_TIMEOUTS } from "./deadline";

const sqld = sqldBehindProxy();
const { table, session, viaProxy, count, tableInOpenTransaction, cutInFlight, holdBack } = sessionTools(sqld, "e");

describe.each(["http", "ws"] as const)("RemoteSession over %s explains a failure", (scheme) => {
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
});

describe("a transaction that held the write lock past the server's transaction timeout", () => {
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
