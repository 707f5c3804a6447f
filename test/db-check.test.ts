// `pnpm db:check` against a real sqld: a working setup, a wrong token, nothing listening, and a
// setting that is not a URL. It reads .env as the app does, and never prints the token.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../scripts/lib/sqld";
import { startSqld, type SqldServer } from "./helpers/sqld";
import { APP_DIR } from "./helpers/strapi";

let server: SqldServer;
let dir: string;
beforeAll(async () => {
  server = await startSqld();
  dir = mkdtempSync(join(tmpdir(), "db-check-"));
});
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `pnpm db:check`'s script from `dir` (its .env), with only these database variables in the environment. */
function dbCheck(env: Record<string, string>, dotenv = ""): Promise<{ code: number | null; output: string }> {
  writeFileSync(join(dir, ".env"), dotenv);
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_|TURSO_|ENV_PATH$)/.test(name)),
  ) as Record<string, string>;
  const child = spawn(join(APP_DIR, "node_modules", ".bin", "tsx"), [join(APP_DIR, "scripts", "db-check.ts")], {
    cwd: dir,
    env: { ...clean, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

describe("pnpm db:check", () => {
  it.each(["http", "ws", "libsql"] as const)("passes every check with the settings in .env, over %s", async (scheme) => {
    const { code, output } = await dbCheck({}, `DATABASE_URL=${server.url(scheme)}\nTURSO_AUTH_TOKEN=${server.authToken}\n`);
    expect(code, output).toBe(0);
    expect(output).toContain(`(DATABASE_URL from ${join(dir, ".env")})`);
    expect(output).toMatch(/ok +reachable +127\.0\.0\.1:\d+ answers HTTP/);
    expect(output).toMatch(/ok +server +sqld \d+\.\d+\.\d+/);
    expect(output).toMatch(/ok +auth token +accepted/);
    expect(output).toMatch(/round trip +select 1 over (HTTP|a WebSocket): median [\d.]+ ms/);
    expect(output).toContain("db:check: all checks passed");
    expect(output).not.toContain(server.authToken);
  });

  it("says which timeouts apply and where they come from, and fails on one that is not milliseconds", async () => {
    const env = { DATABASE_URL: server.url("ws"), TURSO_AUTH_TOKEN: server.authToken };
    const set = await dbCheck(env, "DATABASE_CONNECT_TIMEOUT=1500\n");
    expect(set.code, set.output).toBe(0);
    expect(set.output).toContain(`timeouts: connect 1.5 s, statement 30 s (DATABASE_CONNECT_TIMEOUT from ${join(dir, ".env")})`);
    const unset = await dbCheck(env);
    expect(unset.output).toContain("timeouts: connect 3 s, statement 30 s (the defaults)");
    const wrong = await dbCheck({ ...env, DATABASE_STATEMENT_TIMEOUT: "30s" });
    expect(wrong.code, wrong.output).toBe(1);
    expect(wrong.output).toMatch(/FAIL +setting +libsql: connection\.statementTimeout \(DATABASE_STATEMENT_TIMEOUT\) is "30s"/);
    expect(wrong.output).not.toContain(server.authToken);
  });

  it("fails on a wrong token, says how to get a new one, and prefers the environment to .env", async () => {
    const wrong = server.signToken({}, { wrongKey: true });
    const { code, output } = await dbCheck(
      { DATABASE_URL: server.url("http"), TURSO_AUTH_TOKEN: wrong },
      `DATABASE_URL=http://127.0.0.1:1\nTURSO_AUTH_TOKEN=${server.authToken}\n`,
    );
    expect(code, output).toBe(1);
    expect(output).toContain("(DATABASE_URL from the environment)");
    expect(output).toMatch(/FAIL +auth token +the server refused the auth token \(HTTP 401/);
    expect(output).toMatch(/fix: make a new token .* put it in TURSO_AUTH_TOKEN/);
    expect(output).not.toContain(wrong);
    expect(output).not.toContain(server.authToken);
  });

  it("fails when nothing listens, and says to start the server or fix the URL", async () => {
    const { code, output } = await dbCheck({ DATABASE_URL: `http://127.0.0.1:${await freePort()}`, TURSO_AUTH_TOKEN: server.authToken });
    expect(code, output).toBe(1);
    expect(output).toMatch(/FAIL +reachable +nothing answers there \(ECONNREFUSED\)/);
    expect(output).toMatch(/fix: start the server \(`pnpm db:local`/);
    expect(output).not.toContain(server.authToken);
  });

  it("fails on libsql:// without ?tls=0 to a server without TLS, and says to add it", async () => {
    const { code, output } = await dbCheck({ DATABASE_URL: `libsql://127.0.0.1:${server.port}`, TURSO_AUTH_TOKEN: server.authToken });
    expect(code, output).toBe(1);
    expect(output).toMatch(/FAIL +TLS +the server does not speak TLS there/);
    expect(output).toMatch(/fix: for a server without TLS \(a local sqld\) add \?tls=0 to a libsql:\/\/ URL/);
    expect(output).not.toContain(server.authToken);
  });

  it("fails on a setting that is not a URL, without printing the token in it", async () => {
    const { code, output } = await dbCheck({ DATABASE_URL: "http://[::1?authToken=SECRET-TOKEN" });
    expect(code, output).toBe(1);
    expect(output).toMatch(/FAIL +setting +libsql: connection\.url ".*" is not a URL/);
    expect(output).not.toContain("SECRET-TOKEN");
  });
});
