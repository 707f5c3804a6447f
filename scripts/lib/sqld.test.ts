import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSqld, type SqldServer } from "./sqld";

type Statement = string | { sql: string };

/** One Hrana-over-HTTP pipeline: the statements, then close. */
async function pipeline(server: SqldServer, sqls: Statement[], token?: string) {
  const requests = [
    ...sqls.map((sql) => ({ type: "execute", stmt: typeof sql === "string" ? { sql } : sql })),
    { type: "close" },
  ];
  const response = await fetch(`${server.url("http")}/v2/pipeline`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ baton: null, requests }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** The pids of processes whose command line mentions dataDir (sqld has no other handle on it). */
function pidsUsing(dataDir: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dataDir);
      } catch {
        return false; // exited while we looked
      }
    })
    .map(Number);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startSqld", () => {
  let server: SqldServer;

  beforeAll(async () => {
    server = await startSqld();
  });
  afterAll(() => server?.stop());

  it("answers /health and gives the URLs without a token", async () => {
    expect((await fetch(`${server.url("http")}/health`)).status).toBe(200);
    expect(server.url("ws")).toBe(`ws://127.0.0.1:${server.port}`);
    expect(server.url("libsql")).toBe(`libsql://127.0.0.1:${server.port}?tls=0`);
  });

  it("requires a valid JWT", async () => {
    expect((await pipeline(server, ["select 1"])).status).toBe(401);
    const ok = await pipeline(server, ["select 1"], server.authToken);
    expect(ok.status).toBe(200);
    expect(ok.body.results[0].response.result.rows).toEqual([[{ type: "integer", value: "1" }]]);
    expect((await pipeline(server, ["select 1"], server.signToken({}, { expiresInSeconds: -1 }))).status).toBe(401);
    expect((await pipeline(server, ["select 1"], server.signToken({}, { wrongKey: true }))).status).toBe(401);
    expect((await pipeline(server, ["select 1"], server.signToken({}, { expiresInSeconds: 60 }))).status).toBe(200);
  });

  it("lets a read-only token read but not write", async () => {
    const readOnly = server.signToken({ a: "ro" });
    expect((await pipeline(server, ["select 1"], readOnly)).status).toBe(200);
    const denied = await pipeline(server, ["create table denied (x)"], readOnly);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatch(/Write permission/);
  });

  it("keeps data and tokens across restart()", async () => {
    const port = server.port;
    const write = await pipeline(server, ["create table kept (x)", "insert into kept values (42)"], server.authToken);
    expect(write.body.results.map((r: { type: string }) => r.type)).toEqual(["ok", "ok", "ok"]);

    await server.restart(50);

    expect(server.port).toBe(port);
    const read = await pipeline(server, ["select x from kept"], server.authToken);
    expect(read.body.results[0].response.result.rows).toEqual([[{ type: "integer", value: "42" }]]);
  });

  it("stop() ends the process and removes its temp dir, and can be called again", async () => {
    const stopped = await startSqld({ auth: false });
    const pids = pidsUsing(stopped.dataDir);
    expect(pids).toHaveLength(1);
    expect((await pipeline(stopped, ["select 1"])).status).toBe(200);

    await stopped.stop();
    await stopped.stop();

    expect(isAlive(pids[0])).toBe(false);
    expect(existsSync(stopped.dataDir)).toBe(false);
    await expect(fetch(`${stopped.url("http")}/health`)).rejects.toThrow();
  });

  it("reuses a given data dir, key pair included, and leaves it in place", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sqld-test-"));
    try {
      const first = await startSqld({ dataDir });
      await pipeline(first, ["create table shared (x)"], first.authToken);
      await first.stop();
      expect(existsSync(dataDir)).toBe(true);

      const second = await startSqld({ dataDir });
      const read = await pipeline(second, ["select count(*) from shared"], first.authToken);
      await second.stop();
      expect(read.status).toBe(200);
      expect(read.body.results[0].type).toBe("ok");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
