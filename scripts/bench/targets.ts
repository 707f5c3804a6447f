// Where Strapi's data lives for each benchmark target. A target makes a fresh, empty database
// (for the cold boot) and keeps it for the warm boot; remote ones go through the latency proxy,
// which also counts what the client sends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
function sqldTarget(scheme: "ws" | "http", roundTripMs: number): Target {
  return {
    name: `sqld ${scheme}:// +${roundTripMs} ms RTT`,
    create: async () => {
      const sqld = await startSqld();
      const proxy = await startTcpProxy({ port: sqld.port }, { latencyMs: roundTripMs / 2 });
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

export function allTargets(latenciesMs: number[]): Target[] {
  return [
    fileTarget("SQLite file (better-sqlite3)", (file) => ({ DATABASE_CLIENT: "sqlite", DATABASE_FILENAME: file }), true),
    fileTarget("libSQL file", (file) => ({ DATABASE_CLIENT: "libsql", DATABASE_URL: `file:${file}` })),
    ...latenciesMs.flatMap((ms) => [sqldTarget("ws", ms), sqldTarget("http", ms)]),
  ];
}
