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

/** `roundTripMs` is split evenly over the two directions, as a symmetric network path would be. */
const proxyTo = (port: number, roundTripMs: number) => startTcpProxy({ port }, { latencyMs: roundTripMs / 2 });

function sqldTarget(scheme: "ws" | "http", roundTripMs: number): Target {
  return {
    name: `sqld ${scheme}:// +${roundTripMs} ms RTT`,
    roundTripMs,
    create: async () => {
      const sqld = await startSqld();
      const proxy = await proxyTo(sqld.port, roundTripMs);
      return {
        env: { DATABASE_CLIENT: "libsql", DATABASE_URL: `${scheme}://127.0.0.1:${proxy.port}`, TURSO_AUTH_TOKEN: sqld.authToken },
        proxy,
        dispose: async () => {
          await proxy.close();
          await sqld.stop();
        },
      };
    },
  };
}

/** Reads from a local file, writes and syncs to sqld; libSQL's sync protocol is HTTP, whatever the URL's scheme. */
function replicaTarget(roundTripMs: number): Target {
  return {
    name: `embedded replica (sqld http) +${roundTripMs} ms RTT`,
    roundTripMs,
    create: async () => {
      const sqld = await startSqld();
      const proxy = await proxyTo(sqld.port, roundTripMs);
      const dir = mkdtempSync(join(tmpdir(), "bench-replica-"));
      return {
        env: {
          DATABASE_CLIENT: "libsql",
          DATABASE_URL: `file:${join(dir, "replica.db")}`,
          TURSO_SYNC_URL: `http://127.0.0.1:${proxy.port}`,
          TURSO_AUTH_TOKEN: sqld.authToken,
        },
        proxy,
        dispose: async () => {
          await proxy.close();
          await sqld.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

function postgresTarget(roundTripMs: number): Target {
  return {
    name: `Postgres +${roundTripMs} ms RTT`,
    roundTripMs,
    create: async () => {
      const postgres = await startPostgres();
      const proxy = await proxyTo(postgres.port, roundTripMs);
      return {
        env: {
          DATABASE_CLIENT: "postgres",
          DATABASE_HOST: "127.0.0.1",
          DATABASE_PORT: String(proxy.port),
          DATABASE_NAME: postgres.database,
          DATABASE_USERNAME: postgres.user,
        },
        proxy,
        dispose: async () => {
          await proxy.close();
          await postgres.stop();
        },
      };
    },
  };
}

export function allTargets(latenciesMs: number[]): Target[] {
  return [
    fileTarget("SQLite file (better-sqlite3)", (file) => ({ DATABASE_CLIENT: "sqlite", DATABASE_FILENAME: file }), true),
    fileTarget("libSQL file", (file) => ({ DATABASE_CLIENT: "libsql", DATABASE_URL: `file:${file}` })),
    ...latenciesMs.flatMap((ms) => [sqldTarget("ws", ms), sqldTarget("http", ms), replicaTarget(ms), postgresTarget(ms)]),
  ];
}
