// A real sqld behind a TCP proxy for one test file, and remote sessions to it that are closed
// after each test: the set-up the session and pool tests share.
import { afterAll, afterEach, beforeAll } from "vitest";
import { parseConnectionSettings } from "../../src/libsql/connection-url";
import type { RemoteTimeouts } from "../../src/libsql/deadline";
import type { RemotePoolState } from "../../src/libsql/remote-pool";
import { RemoteSession } from "../../src/libsql/remote-session";
import { startSqld, type SqldServer } from "./sqld";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

export interface SessionOptions {
  /** Where to connect: the server itself unless told (e.g. the proxy's port). */
  port?: number;
  timeouts?: RemoteTimeouts;
  token?: string;
  /** What the session shares with others of the same pool; a pool of its own unless told. */
  pool?: RemotePoolState;
}

export interface SqldBehindProxy {
  readonly server: SqldServer;
  readonly proxy: TcpProxy;
  session(scheme: "http" | "ws", options?: SessionOptions): RemoteSession;
}

/** Registers the file's hooks: one server and proxy for the file, latency reset and sessions closed after each test. */
export function sqldBehindProxy(): SqldBehindProxy {
  let server: SqldServer | undefined;
  let proxy: TcpProxy | undefined;
  const sessions: RemoteSession[] = [];
  beforeAll(async () => {
    server = await startSqld();
    proxy = await startTcpProxy({ port: server.port });
  });
  afterEach(async () => {
    proxy?.setLatency(0);
    await Promise.all(sessions.splice(0).map((db) => db.close()));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("sqldBehindProxy: used before its beforeAll ran");
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get proxy() {
      return started(proxy);
    },
    session(scheme, options = {}) {
      const url = `${scheme}://127.0.0.1:${options.port ?? started(server).port}`;
      const target = parseConnectionSettings({ url, authToken: options.token ?? started(server).authToken });
      if (target.kind !== "remote") throw new Error("expected a remote target");
      const db = new RemoteSession(target, options.timeouts, options.pool);
      sessions.push(db);
      return db;
    },
  };
}
