// Where Strapi's data lives for each benchmark target. A target makes a fresh, empty database
// (for the cold boot) and keeps it for the warm boot; remote ones (sqld, an embedded replica's
// primary, Postgres) go through the latency proxy, which also counts the round trips.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres } from "../lib/postgres";
import { startSqld } from "../lib/sqld";
import { startTcpProxy, type TcpProxy } from "../lib/tcp-proxy";

export interface TargetDatabase {
  env: Record<string, string>;
  proxy?: TcpProxy;
  dispose(): Promise<void>;
}

export interface Target {
  name: string;
  /** The target every ratio is against. */
  baseline?: boolean;
  /** The round trip the proxy adds; undefined for targets without one. */
  roundTripMs?: number;
  create(): Promise<TargetDatabase>;
}

function fileTarget(name: string, env: (file: string) => Record<string, string>, baseline = false): Target {
  return {
    name,
    baseline,
    create: async () => {
      const dir = mkdtempSync(join(tmpdir(), "bench-db-"));
      return { env: env(join(dir, "data.db")), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  };
}

interface StartedServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * A fresh server for the target behind the latency proxy, which splits `roundTripMs` evenly over
 * the two directions, as a symmetric network path would; `env` points Strapi at the proxy.
 */
function behindProxy<S extends StartedServer>(
  name: string,
  roundTripMs: number,
  start: () => Promise<S>,
  env: (server: S, proxyPort: number) => Record<string, string>,
): Target {
  return {
    name,
    roundTripMs,
    create: async () => {
      const server = await start();
      const proxy = await startTcpProxy({ port: server.port }, { latencyMs: roundTripMs / 2 });
      return {
        env: env(server, proxy.port),
        proxy,
        dispose: async () => {
          await proxy.close();
          await server.stop();
        },
      };
    },
  };
}

const sqldTarget = (scheme: "ws" | "http", roundTripMs: number): Target =>
  behindProxy(`sqld ${scheme}:// +${roundTripMs} ms RTT`, roundTripMs, startSqld, (sqld, port) => ({
    DATABASE_CLIENT: "libsql",
    DATABASE_URL: `${scheme}://127.0.0.1:${port}`,
    TURSO_AUTH_TOKEN: sqld.authToken,
  }));

/**
 * Reads from a local file, writes and syncs to sqld. libSQL's sync protocol is HTTP, whatever the
 * URL's scheme; the writes go over what it names: a WebSocket, as the fastest way to write.
 */
const replicaTarget = (roundTripMs: number): Target =>
  behindProxy(
    `embedded replica (sqld ws) +${roundTripMs} ms RTT`,
    roundTripMs,
    async () => {
      const sqld = await startSqld();
      const dir = mkdtempSync(join(tmpdir(), "bench-replica-"));
      return {
        port: sqld.port,
        authToken: sqld.authToken,
        file: join(dir, "replica.db"),
        stop: async () => {
          await sqld.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    (replica, port) => ({
      DATABASE_CLIENT: "libsql",
      DATABASE_URL: `file:${replica.file}`,
      TURSO_SYNC_URL: `ws://127.0.0.1:${port}`,
      TURSO_AUTH_TOKEN: replica.authToken,
    }),
  );

const postgresTarget = (roundTripMs: number): Target =>
  behindProxy(`Postgres +${roundTripMs} ms RTT`, roundTripMs, startPostgres, (postgres, port) => ({
    DATABASE_CLIENT: "postgres",
    DATABASE_HOST: "127.0.0.1",
    DATABASE_PORT: String(port),
    DATABASE_NAME: postgres.database,
    DATABASE_USERNAME: postgres.user,
  }));

export function allTargets(latenciesMs: number[]): Target[] {
  return [
    fileTarget("SQLite file (better-sqlite3)", (file) => ({ DATABASE_CLIENT: "sqlite", DATABASE_FILENAME: file }), true),
    fileTarget("libSQL file", (file) => ({ DATABASE_CLIENT: "libsql", DATABASE_URL: `file:${file}` })),
    ...latenciesMs.flatMap((ms) => [sqldTarget("ws", ms), sqldTarget("http", ms), replicaTarget(ms), postgresTarget(ms)]),
  ];
}
