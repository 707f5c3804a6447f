// `pnpm db:check`: checks the database settings the app would use, the way config/database.ts
// reads them, against the server they point at: reachable, auth token accepted, server
// version, round-trip time. Each failure comes with what to fix. The token is never printed.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { LibsqlConfigError, overHttp, parseConnectionSettings, type LibsqlTarget } from "../../src/libsql/connection-url";
import { formatSeconds, LibsqlTimeoutError, type RemoteTimeouts } from "../../src/libsql/deadline";
import { LibsqlConnectionError, tlsFailure } from "../../src/libsql/remote-errors";
import { RemoteSession } from "../../src/libsql/remote-session";
import { parseTimeouts } from "../../src/libsql/timeout-settings";

type RemoteTarget = Extract<LibsqlTarget, { kind: "remote" }>;

export interface DbCheckSettings {
  client: string;
  url: string;
  /** Where the URL came from, for the report. */
  urlSource: string;
  authToken: string;
  tokenSource: string;
  /** DATABASE_CONNECT_TIMEOUT and DATABASE_STATEMENT_TIMEOUT as set ("" when not), with where from. */
  connectTimeout: string;
  statementTimeout: string;
  timeoutSources: string[];
}

const PROBE_TIMEOUT_MS = 5_000;
const ROUND_TRIPS = 5;
/** Above this, Strapi's many statements per request add up (and its schema sync nears Turso's 5 s transaction limit). */
const SLOW_ROUND_TRIP_MS = 100;

/**
 * The settings config/database.ts would get: the process environment first (as Strapi's dotenv
 * never overrides it, even with an empty value), then the .env file; an empty value counts as
 * not set.
 */
export function readSettings(environment: Record<string, string | undefined>, envFile: string): DbCheckSettings {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
  const lookup = (name: string): { value: string; source: string } => {
    if (environment[name] !== undefined) return { value: environment[name] ?? "", source: "the environment" };
    const value = (fromFile as Record<string, string | undefined>)[name];
    return value === undefined ? { value: "", source: "" } : { value, source: envFile };
  };
  const client = lookup("DATABASE_CLIENT").value || "libsql";
  const databaseUrl = lookup("DATABASE_URL");
  const tursoUrl = lookup("TURSO_DATABASE_URL");
  const [url, urlSource] = databaseUrl.value
    ? [databaseUrl.value, `DATABASE_URL from ${databaseUrl.source}`]
    : tursoUrl.value
      ? [tursoUrl.value, `TURSO_DATABASE_URL from ${tursoUrl.source}`]
      : ["file:.tmp/data.db", "the default (DATABASE_URL is not set)"];
  const token = lookup("TURSO_AUTH_TOKEN");
  const connect = lookup("DATABASE_CONNECT_TIMEOUT");
  const statement = lookup("DATABASE_STATEMENT_TIMEOUT");
  const timeoutSources = [
    ...(connect.value ? [`DATABASE_CONNECT_TIMEOUT from ${connect.source}`] : []),
    ...(statement.value ? [`DATABASE_STATEMENT_TIMEOUT from ${statement.source}`] : []),
  ];
  return {
    client,
    url,
    urlSource,
    authToken: token.value,
    tokenSource: token.value ? `TURSO_AUTH_TOKEN from ${token.source}` : "",
    connectTimeout: connect.value,
    statementTimeout: statement.value,
    timeoutSources,
  };
}

type Line = (text: string) => void;

/** Runs the checks, printing one line each; resolves to whether all passed. */
export async function runDbCheck(settings: DbCheckSettings, print: Line): Promise<boolean> {
  const ok = (check: string, text: string) => print(`  ok    ${check.padEnd(11)} ${text}`);
  const note = (check: string, text: string) => print(`  note  ${check.padEnd(11)} ${text}`);
  const fail = (check: string, text: string, fix: string) => {
    print(`  FAIL  ${check.padEnd(11)} ${text}`);
    print(`        ${"".padEnd(11)} fix: ${fix}`);
    return false;
  };

  if (settings.client !== "libsql") {
    print(`DATABASE_CLIENT=${settings.client}: the app does not use libSQL; nothing to check here`);
    return true;
  }
  let target: LibsqlTarget;
  try {
    target = parseConnectionSettings({ url: settings.url, authToken: settings.authToken });
  } catch (error) {
    if (!(error instanceof LibsqlConfigError)) throw error;
    print(`database: (${settings.urlSource})`);
    return fail("setting", error.message, "correct DATABASE_URL in .env (forms: README, Configuration)");
  }
  print(`database: ${target.display} (${settings.urlSource})`);
  if (target.kind === "file") {
    ok("local file", `${resolve(target.path)} ${existsSync(target.path) ? "exists" : "does not exist yet; the first start creates it"}`);
    return true;
  }
  print(`auth token: ${tokenDescription(settings, target)}`);
  let timeouts: RemoteTimeouts;
  try {
    timeouts = parseTimeouts({ connectTimeout: settings.connectTimeout, statementTimeout: settings.statementTimeout });
  } catch (error) {
    if (!(error instanceof LibsqlConfigError)) throw error;
    return fail("setting", error.message, "correct it in .env, or remove the line for the default");
  }
  const sources = settings.timeoutSources.length > 0 ? settings.timeoutSources.join(", ") : "the defaults";
  print(`timeouts: connect ${formatSeconds(timeouts.connectMs)}, statement ${formatSeconds(timeouts.requestMs)} (${sources})`);

  const versionUrl = new URL("version", overHttp(target.endpoint)).toString();
  let version: Response;
  const started = performance.now();
  try {
    version = await fetch(versionUrl, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    const tls = tlsFailure(error);
    if (tls !== undefined) return fail("TLS", tls.problem, tls.fix);
    return fail("reachable", unreachable(error), "start the server (`pnpm db:local` for a local sqld), or correct the host and port in DATABASE_URL");
  }
  const body = (await version.text()).trim();
  const answeredIn = performance.now() - started;
  ok("reachable", `${new URL(versionUrl).host} answers HTTP (${formatMs(answeredIn)})`);
  // A new connection costs about this (the WebSocket's handshake adds one more round trip).
  if (answeredIn * 2 > timeouts.connectMs) {
    note("timeout", `connecting took ${formatMs(answeredIn)}, near the connect timeout (${formatSeconds(timeouts.connectMs)}): raise DATABASE_CONNECT_TIMEOUT`);
  }
  if (version.ok && /^sqld\b/.test(body)) ok("server", body);
  else note("server", `no version published (GET /version: HTTP ${version.status}); Turso does not publish one`);

  const session = new RemoteSession(target, timeouts);
  try {
    try {
      await session.execute("select 1", []);
    } catch (error) {
      const { text, fix } = connectionFailure(error);
      return fail("auth token", text, fix);
    }
    ok("auth token", "accepted: `select 1` ran");
    const times: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const start = performance.now();
      await session.execute("select 1", []);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    const summary = `select 1 over ${target.transport === "ws" ? "a WebSocket" : "HTTP"}: median ${formatMs(median)}, slowest ${formatMs(times.at(-1) ?? 0)} (${ROUND_TRIPS} runs)`;
    if (median > SLOW_ROUND_TRIP_MS) {
      note("round trip", `${summary}: slow; each statement costs one, and a Strapi request makes dozens`);
    } else {
      ok("round trip", summary);
    }
    return true;
  } finally {
    await session.close();
  }
}

function tokenDescription(settings: DbCheckSettings, target: RemoteTarget): string {
  if (target.authToken === undefined) return "none set";
  const where = settings.authToken ? settings.tokenSource : "?authToken= in the URL";
  return `set (${where}, ${target.authToken.length} characters)`;
}

function unreachable(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? cause?.message ?? String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `the host name does not resolve (${code})`;
  return `nothing answers there (${code})`;
}

function connectionFailure(error: unknown): { text: string; fix: string } {
  const text =
    error instanceof LibsqlConnectionError
      ? error.summary.replace(/^libsql: cannot use \S+ \(DATABASE_URL \/ connection\.url\): /, "").replace(/; check TURSO_AUTH_TOKEN.*$/, "")
      : error instanceof LibsqlTimeoutError || error instanceof Error
        ? error.message
        : String(error);
  if (/none is set/.test(text)) return { text, fix: "set TURSO_AUTH_TOKEN in .env (`turso db tokens create <db>`; `pnpm db:local` prints one)" };
  if (/auth token/.test(text)) {
    return { text, fix: "make a new token (`turso db tokens create <db>`; `pnpm db:local` prints one) and put it in TURSO_AUTH_TOKEN" };
  }
  if (/Hrana endpoint/.test(text)) return { text, fix: "point DATABASE_URL at the database URL from `turso db show <db>`, or at sqld" };
  return { text, fix: "check that the server runs and that DATABASE_URL names it" };
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
