// Bad settings end the boot quickly with one line that names the setting, and never print
// the auth token.
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSqld, type SqldServer } from "./helpers/sqld";
import { bootExpectingExit } from "./helpers/strapi";
import { startTlsTerminator, type TlsTerminator } from "./helpers/tls-terminator";
import { freePort } from "../scripts/lib/sqld";
import { DEFAULT_TIMEOUTS } from "../src/libsql/deadline";

let server: SqldServer;
/** TLS in front of `server`, with a certificate no CA that Strapi knows has signed. */
let tls: TlsTerminator;
let notLibsql: Server;
let notLibsqlPort: number;
/** Accepts TCP connections and never answers: a hung host, or a firewall that drops packets. */
let silent: TcpServer;
let silentPort: number;
const silentSockets = new Set<Socket>();
beforeAll(async () => {
  server = await startSqld();
  tls = await startTlsTerminator({ port: server.port });
  notLibsqlPort = await freePort();
  notLibsql = createServer((_, response) => response.writeHead(404).end("not here"));
  await new Promise<void>((resolve) => notLibsql.listen(notLibsqlPort, "127.0.0.1", resolve));
  silentPort = await freePort();
  silent = createTcpServer((socket) => {
    silentSockets.add(socket);
    socket.on("close", () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(silentPort, "127.0.0.1", resolve));
});
afterAll(async () => {
  await tls?.close();
  await server?.stop();
  notLibsql?.close();
  for (const socket of silentSockets) socket.destroy();
  silent?.close();
});

/** Lines a user reads: Strapi's own output minus blank lines. */
function meaningfulLines(output: string): string[] {
  return output.split("\n").filter((line) => line.trim() !== "");
}

describe("a libSQL setting that cannot work", () => {
  const cases: Array<{ name: string; env: () => Record<string, string>; says: RegExp }> = [
    // First, two settings refused before any connection: how long Strapi takes to load here, in this
    // run, and to stop. The cases after them may take that, plus the 3 s connect timeout, no more.
    {
      name: "a malformed URL",
      env: () => ({ DATABASE_URL: "http://[::1:8080?authToken=SECRET-TOKEN", TURSO_AUTH_TOKEN: "" }),
      says: /^libsql: connection\.url "http:\/\/\[::1:8080\?authToken=<redacted>" is not a URL/,
    },
    {
      name: "an unknown scheme",
      env: () => ({ DATABASE_URL: "postgres://127.0.0.1/db?authToken=SECRET-TOKEN" }),
      says: /^libsql: connection\.url has the unknown scheme "postgres:"/,
    },
    {
      name: "a connect timeout that is not milliseconds",
      env: () => ({ DATABASE_URL: server.url("http"), TURSO_AUTH_TOKEN: server.authToken, DATABASE_CONNECT_TIMEOUT: "3s" }),
      says: /^libsql: connection\.connectTimeout \(DATABASE_CONNECT_TIMEOUT\) is "3s"; give a whole number of milliseconds/,
    },
    {
      name: "a wrong token over http",
      env: () => ({ DATABASE_URL: server.url("http"), TURSO_AUTH_TOKEN: server.signToken({}, { wrongKey: true }) }),
      says: /refused the auth token \(HTTP 401.*TURSO_AUTH_TOKEN/,
    },
    {
      name: "an expired token over libsql://?tls=0",
      env: () => ({ DATABASE_URL: server.url("libsql"), TURSO_AUTH_TOKEN: server.signToken({}, { expiresInSeconds: -3600 }) }),
      says: /refused the auth token.*TURSO_AUTH_TOKEN/,
    },
    {
      name: "no token at all",
      env: () => ({ DATABASE_URL: server.url("http") }),
      says: /wants an auth token and none is set.*TURSO_AUTH_TOKEN/,
    },
    {
      // For an expired token sqld either answers AUTH_JWT_EXPIRED or closes the WebSocket without a
      // reason; then HTTP on the same port is asked, and says 401.
      name: "an expired token over ws",
      env: () => ({ DATABASE_URL: server.url("ws"), TURSO_AUTH_TOKEN: server.signToken({}, { expiresInSeconds: -3600 }) }),
      says: /cannot use ws:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL.*: the server refused the auth token \((HTTP 401: wrong, expired or read-only|AUTH_JWT_EXPIRED)\); check TURSO_AUTH_TOKEN/,
    },
    {
      name: "a wrong token over ws",
      env: () => ({ DATABASE_URL: server.url("ws"), TURSO_AUTH_TOKEN: server.signToken({}, { wrongKey: true }) }),
      says: /cannot use ws:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL.*auth token/,
    },
    {
      name: "nothing listening on the port",
      env: () => ({ DATABASE_URL: `http://127.0.0.1:${notLibsqlPort + 1}`, TURSO_AUTH_TOKEN: "x" }),
      says: /nothing answers there \(ECONNREFUSED\)/,
    },
    {
      name: "nothing listening on the port, over ws",
      env: () => ({ DATABASE_URL: `ws://127.0.0.1:${notLibsqlPort + 1}`, TURSO_AUTH_TOKEN: "x" }),
      says: /cannot use ws:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL.*: nothing answers there \(ECONNREFUSED\); check the host and port/,
    },
    {
      name: "a server that accepts the connection and never answers, over http",
      env: () => ({ DATABASE_URL: `http://127.0.0.1:${silentPort}`, TURSO_AUTH_TOKEN: "never-printed-token" }),
      says: /cannot use http:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL.*: no answer within 3 s; check the host and port/,
    },
    {
      name: "a server that never answers, with DATABASE_CONNECT_TIMEOUT=1000",
      env: () => ({ DATABASE_URL: `http://127.0.0.1:${silentPort}`, TURSO_AUTH_TOKEN: "never-printed-token", DATABASE_CONNECT_TIMEOUT: "1000" }),
      says: /cannot use http:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL.*: no answer within 1 s; check the host and port, and that the server runs \(the wait is DATABASE_CONNECT_TIMEOUT\)/,
    },
    {
      name: "a server that accepts the connection and never answers, over ws",
      env: () => ({ DATABASE_URL: `ws://127.0.0.1:${silentPort}`, TURSO_AUTH_TOKEN: "never-printed-token" }),
      says: /cannot use ws:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL.*: no answer within 3 s; check the host and port/,
    },
    {
      name: "libsql:// without ?tls=0 to a server without TLS (a local sqld)",
      env: () => ({ DATABASE_URL: `libsql://127.0.0.1:${server.port}`, TURSO_AUTH_TOKEN: server.authToken }),
      says: /cannot use libsql:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL.*: the server does not speak TLS there.*add \?tls=0/,
    },
    {
      name: "wss:// to a server without TLS",
      env: () => ({ DATABASE_URL: `wss://127.0.0.1:${server.port}`, TURSO_AUTH_TOKEN: server.authToken }),
      says: /cannot use wss:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL.*: the server does not speak TLS there.*write http:\/\/ or ws:\/\//,
    },
    {
      name: "a TLS certificate Node does not trust, over libsql://",
      env: () => ({ DATABASE_URL: `libsql://localhost:${tls.port}`, TURSO_AUTH_TOKEN: server.authToken }),
      says: /cannot use libsql:\/\/localhost:\d+ \(DATABASE_URL.*: Node does not trust the server's TLS certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\).*NODE_EXTRA_CA_CERTS/,
    },
    {
      name: "a TLS certificate Node does not trust, over wss://",
      env: () => ({ DATABASE_URL: `wss://localhost:${tls.port}`, TURSO_AUTH_TOKEN: server.authToken }),
      says: /cannot use wss:\/\/localhost:\d+ \(DATABASE_URL.*: Node does not trust the server's TLS certificate \(self-signed certificate\).*NODE_EXTRA_CA_CERTS/,
    },
    {
      name: "a port that is not a libSQL server",
      env: () => ({ DATABASE_URL: `http://127.0.0.1:${notLibsqlPort}`, TURSO_AUTH_TOKEN: "x" }),
      says: /no Hrana endpoint there \(HTTP 404\)/,
    },
  ];

  /** The longest boot that stopped before any connection: Strapi loading, on this machine, now. */
  let loadMs = 0;
  const noConnection = new Set(["a malformed URL", "an unknown scheme"]);

  it.each(cases)("$name: exits 1 with one line naming the setting, waiting at most the connect timeout", async ({ name, env, says }) => {
    const settings = env();
    const exit = await bootExpectingExit(settings, 60_000);
    expect(exit.code, exit.output).toBe(1);
    if (noConnection.has(name)) loadMs = Math.max(loadMs, exit.elapsedMs);
    // The connect timeout (3 s, deadline.ts), and 3 s for one round trip and a busy machine.
    else expect(exit.elapsedMs, `Strapi took ${loadMs} ms to load and stop`).toBeLessThan(loadMs + DEFAULT_TIMEOUTS.connectMs + 3_000);
    const lines = meaningfulLines(exit.output);
    expect(lines, exit.output).toHaveLength(1);
    expect(lines[0]).toMatch(says);
    if (settings.TURSO_AUTH_TOKEN) expect(exit.output).not.toContain(settings.TURSO_AUTH_TOKEN);
    expect(exit.output).not.toContain("SECRET-TOKEN");
  });
});

describe("a database setting of the app's config that cannot work", () => {
  const cases: Array<{ name: string; env: Record<string, string>; says: RegExp }> = [
    { name: "DATABASE_CLIENT=mysql", env: { DATABASE_CLIENT: "mysql" }, says: /^DATABASE_CLIENT=mysql is not supported by this app; use libsql/ },
    {
      name: "DATABASE_CONNECTION_TIMEOUT=1 minute",
      env: { DATABASE_CONNECTION_TIMEOUT: "1 minute" },
      says: /^DATABASE_CONNECTION_TIMEOUT=1 minute is not a number of milliseconds/,
    },
  ];
  it.each(cases)("$name: exits 1 with one line naming the variable", async ({ env, says }) => {
    const exit = await bootExpectingExit(env, 60_000);
    expect(exit.code, exit.output).toBe(1);
    const lines = meaningfulLines(exit.output);
    expect(lines, exit.output).toHaveLength(1);
    expect(lines[0]).toMatch(says);
  });
});
