// The remote session against a real sqld: what survives a stream the server forgot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSqld, type SqldServer } from "../../test/helpers/sqld";
import { parseConnectionSettings } from "./connection-url";
import { RemoteSession } from "./remote-session";

let server: SqldServer;
beforeAll(async () => {
  server = await startSqld();
});
afterAll(() => server?.stop());

function session(scheme: "http" | "ws"): RemoteSession {
  const target = parseConnectionSettings({ url: server.url(scheme), authToken: server.authToken });
  if (target.kind !== "remote") throw new Error("expected a remote target");
  return new RemoteSession(target);
}

describe.each(["http", "ws"] as const)("RemoteSession over %s", (scheme) => {
  it("keeps a transaction on one server connection: a rollback undoes its writes", async () => {
    const db = session(scheme);
    await db.execute(`create table if not exists t_${scheme} (x integer)`, []);
    await db.execute("BEGIN;", []);
    await db.execute(`insert into t_${scheme} values (?)`, [1n]);
    await db.execute("ROLLBACK", []);
    const { rows } = await db.execute(`select count(*) from t_${scheme}`, []);
    expect(rows).toEqual([[0n]]);
    await db.close();
  });

  it("replays pragmas on a new stream, so foreign_keys = off set before a schema update holds", async () => {
    const db = session(scheme);
    await db.execute("pragma foreign_keys = off", []);
    // Strapi runs its schema update on whatever stream comes next; force a new one.
    (db as unknown as { dropStream(): void }).dropStream();
    expect((await db.execute("pragma foreign_keys", [])).rows).toEqual([[0n]]);
    await db.execute("pragma foreign_keys = on", []);
    (db as unknown as { dropStream(): void }).dropStream();
    expect((await db.execute("pragma foreign_keys", [])).rows).toEqual([[1n]]);
    await db.close();
  });
});

describe("RemoteSession over http after the server expired its stream", () => {
  it("resends the refused statement once on a new stream", async () => {
    const db = session("http");
    await db.execute("create table if not exists expiring (x integer)", []);
    // Pretend the stream is fresh so that the session does not replace it in advance.
    const internals = db as unknown as { lastUsed: number };
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    internals.lastUsed = Date.now();
    await db.execute("insert into expiring values (1)", []);
    expect((await db.execute("select count(*) from expiring", [])).rows).toEqual([[1n]]);
    await db.close();
  }, 30_000);
});
