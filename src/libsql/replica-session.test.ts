// The embedded replica session against a real sqld behind a latency proxy (in a child process:
// see test/helpers/tcp-proxy-process.ts): reads local and free of round trips, writes and
// transactions on the primary without blocking the event loop, and this process's writes
// visible to its next read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSqld, type SqldServer } from "../../test/helpers/sqld";
import { startTcpProxyProcess, type TcpProxyProcess } from "../../test/helpers/tcp-proxy-process";
import { parseConnectionSettings } from "./connection-url";
import { DEFAULT_TIMEOUTS, type RemoteTimeouts } from "./deadline";
import { LibsqlConnectionError } from "./remote-errors";
import { remotePoolState, type RemotePoolState } from "./remote-pool";
import { RemoteSession } from "./remote-session";
import { openReplicaSession, type ReplicaSession, type ReplicaTarget } from "./replica-session";

let server: SqldServer;
let proxy: TcpProxyProcess;
const scratch = mkdtempSync(join(tmpdir(), "replica-session-"));
const opened: ReplicaSession[] = [];

beforeAll(async () => {
  server = await startSqld();
  proxy = await startTcpProxyProcess({ port: server.port });
});
afterEach(async () => {
  await proxy.setLatency(0);
  await Promise.all(opened.splice(0).map((session) => session.close()));
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

let files = 0;
let tables = 0;
/** A fresh table name, so that tests never see each other's rows on the shared primary. */
const table = () => `t${++tables}`;

function replicaTarget(options: { syncUrl?: string; token?: string; syncInterval?: number } = {}): ReplicaTarget {
  const target = parseConnectionSettings({
    url: `file:${join(scratch, `replica-${++files}.db`)}`,
    syncUrl: options.syncUrl ?? `http://127.0.0.1:${proxy.port}`,
    authToken: options.token ?? server.authToken,
    syncInterval: options.syncInterval ?? 0,
  });
  if (target.kind !== "file" || !target.replicaOf) throw new Error("expected a replica target");
  return target as ReplicaTarget;
}

/** `count` sessions of one pool on one new replica file, closed after the test. */
async function replicaPool(count = 1, options: Parameters<typeof replicaTarget>[0] = {}): Promise<{ sessions: ReplicaSession[]; pool: RemotePoolState }> {
  const target = replicaTarget(options);
  const pool = remotePoolState();
  const sessions: ReplicaSession[] = [];
  for (let i = 0; i < count; i++) {
    const session = await openReplicaSession(target, pool);
    opened.push(session);
    sessions.push(session);
  }
  return { sessions, pool };
}

async function count(session: ReplicaSession, name: string): Promise<bigint> {
  return (await session.execute(`select count(*) from ${name}`, [])).rows[0]?.[0] as bigint;
}

/** The longest the event loop went without running a 2 ms timer while `work` ran. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number; tookMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 2);
  const started = performance.now();
  try {
    const result = await work();
    return { result, stallMs: Math.max(stallMs, performance.now() - last), tookMs: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

/** The replica's shared state, for its sync counter. */
const replicaOf = (session: ReplicaSession) => (session as unknown as { replica: { syncsStarted: number } }).replica;

describe("ReplicaSession", () => {
  it.each(["http", "ws"])("reads its own writes at once, from the local file, without a round trip (writes over %s)", async (scheme) => {
    const { sessions: [db] } = await replicaPool(1, { syncUrl: `${scheme}://127.0.0.1:${proxy.port}` });
    const t = table();
    await db!.execute(`create table ${t} (x integer)`, []);
    await db!.execute(`insert into ${t} values (?), (?)`, [1n, 2n]);
    expect(await count(db!, t)).toBe(2n);

    const before = await proxy.roundTrips();
    for (let i = 0; i < 10; i++) {
      expect((await db!.execute(`select x from ${t} where x = ?`, [2n])).rows).toEqual([[2n]]);
      await db!.execute(`pragma table_info(${t})`, []);
      await db!.execute(`pragma foreign_key_list(${t})`, []);
    }
    expect(await proxy.roundTrips()).toBe(before);
  });

  it("never blocks the event loop on the primary: a write at 200 ms RTT, and the read that waits for the sync", async () => {
    const { sessions: [db] } = await replicaPool();
    const t = table();
    await db!.execute(`create table ${t} (x integer)`, []);
    await proxy.setLatency(100);
    const { result, stallMs, tookMs } = await longestStall(async () => {
      await db!.execute(`insert into ${t} values (?)`, [7n]);
      return count(db!, t);
    });
    expect(result).toBe(1n);
    // The insert and the sync each took at least one round trip...
    expect(tookMs).toBeGreaterThan(400);
    // ...and the loop kept running meanwhile (generous: the machine is shared).
    expect(stallMs).toBeLessThan(100);
  });

  it.each(["http", "ws"])("runs a transaction on the primary: its reads see its writes, other sessions see them after COMMIT (over %s)", async (scheme) => {
    const { sessions: [writer, reader] } = await replicaPool(2, { syncUrl: `${scheme}://127.0.0.1:${proxy.port}` });
    const t = table();
    await writer!.execute(`create table ${t} (x integer)`, []);
    await writer!.execute("BEGIN;", []);
    await writer!.execute(`insert into ${t} values (1)`, []);
    expect(await count(writer!, t)).toBe(1n);
    expect(await count(reader!, t)).toBe(0n);
    await writer!.execute("COMMIT;", []);
    expect(await count(reader!, t)).toBe(1n);

    await writer!.execute("BEGIN;", []);
    await writer!.execute(`insert into ${t} values (2)`, []);
    await writer!.execute("ROLLBACK", []);
    expect(await count(writer!, t)).toBe(1n);
    expect(await count(reader!, t)).toBe(1n);
  });

  it("sends a transaction's write nobody reads with its COMMIT to the primary, and reads it back after", async () => {
    const { sessions: [db] } = await replicaPool(1, { syncUrl: `ws://127.0.0.1:${proxy.port}` });
    const t = table();
    await db!.execute(`create table ${t} (x integer)`, []);
    await db!.execute("BEGIN;", []);
    const before = await proxy.roundTrips();
    await db!.executeUnread(`insert into ${t} values (1)`, []);
    await db!.execute("COMMIT;", []);
    expect(await proxy.roundTrips()).toBe(before + 1);
    expect(await count(db!, t)).toBe(1n);
  });

  it("syncs once for concurrent readers after a write, and not at all without one", async () => {
    const { sessions } = await replicaPool(4);
    const t = table();
    await sessions[0]!.execute(`create table ${t} (x integer)`, []);
    await sessions[0]!.execute(`insert into ${t} values (1)`, []);
    const replica = replicaOf(sessions[0]!);
    const syncs = replica.syncsStarted;
    await proxy.setLatency(50);
    const counts = await Promise.all(sessions.flatMap((db) => [count(db, t), count(db, t)]));
    expect(counts).toEqual(Array(8).fill(1n));
    expect(replica.syncsStarted).toBe(syncs + 1);

    const before = await proxy.roundTrips();
    await Promise.all(sessions.map((db) => count(db, t)));
    expect(replica.syncsStarted).toBe(syncs + 1);
    expect(await proxy.roundTrips()).toBe(before);
  });

  it("gets other processes' writes from the periodic sync (TURSO_SYNC_INTERVAL)", async () => {
    const { sessions: [db] } = await replicaPool(1, { syncInterval: 0.2 });
    const t = table();
    await db!.execute(`create table ${t} (x integer)`, []);
    expect(await count(db!, t)).toBe(0n);
    const syncs = replicaOf(db!).syncsStarted;

    const target = parseConnectionSettings({ url: `http://127.0.0.1:${server.port}`, authToken: server.authToken });
    const other = new RemoteSession(target as Extract<typeof target, { kind: "remote" }>);
    try {
      await other.execute(`insert into ${t} values (1)`, []);
    } finally {
      await other.close();
    }
    const deadline = Date.now() + 5_000;
    while ((await count(db!, t)) === 0n && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await count(db!, t)).toBe(1n);
    // Brought by the periodic sync: this session wrote nothing since its last read.
    expect(replicaOf(db!).syncsStarted).toBeGreaterThan(syncs);
  });

  it("keeps serving reads when the periodic sync fails, and says so once", async () => {
    const ownProxy = await startTcpProxyProcess({ port: server.port });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const { sessions: [db] } = await replicaPool(1, { syncUrl: `http://127.0.0.1:${ownProxy.port}`, syncInterval: 0.1 });
      const t = table();
      await db!.execute(`create table ${t} (x integer)`, []);
      expect(await count(db!, t)).toBe(0n);
      await ownProxy.close();
      // libSQL retries a failed handshake for about 3 s before its sync fails.
      const deadline = Date.now() + 10_000;
      while (logged.mock.calls.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await count(db!, t)).toBe(0n);
      const lines = logged.mock.calls.map((call) => String(call[0]));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^libsql: cannot sync the embedded replica file:.* \(TURSO_SYNC_URL \/ connection\.syncUrl\): .*; reads serve what it has/);
      expect(lines[0]).not.toContain(server.authToken);
    } finally {
      logged.mockRestore();
      await ownProxy.close();
    }
  });

  it("keeps a pool's pragmas on the primary: set on one session, read on another", async () => {
    const { sessions: [a, b] } = await replicaPool(2);
    await a!.execute("PRAGMA foreign_keys = ON", []);
    expect((await b!.execute("PRAGMA foreign_keys", [])).rows).toEqual([[1n]]);
    await b!.execute("PRAGMA foreign_keys = OFF", []);
    expect((await a!.execute("PRAGMA foreign_keys;", [])).rows).toEqual([[0n]]);
  });

  it("passes SQLite's own errors through, from the primary and from the file", async () => {
    const { sessions: [db] } = await replicaPool();
    const t = table();
    await db!.execute(`create table ${t} (x integer not null)`, []);
    await expect(db!.execute(`insert into ${t} values (null)`, [])).rejects.toThrow(/NOT NULL constraint failed/);
    await expect(db!.execute("select * from no_such_table", [])).rejects.toThrow(/no such table/);
    // The session still works.
    expect(await count(db!, t)).toBe(0n);
  });

  describe("a primary it cannot use fails the open with one line naming the setting", () => {
    const oneLine = async (options: Parameters<typeof replicaTarget>[0], timeouts?: RemoteTimeouts): Promise<string> => {
      const error = await openReplicaSession(replicaTarget(options), remotePoolState(), timeouts).then(
        (session) => {
          opened.push(session);
          throw new Error("opened");
        },
        (error: unknown) => error,
      );
      expect(error).toBeInstanceOf(LibsqlConnectionError);
      const summary = (error as LibsqlConnectionError).summary;
      expect(summary).not.toContain("\n");
      return summary;
    };

    it("a token the server refuses, never printed", async () => {
      const token = server.signToken({}, { wrongKey: true });
      const summary = await oneLine({ token });
      expect(summary).toMatch(/TURSO_SYNC_URL/);
      expect(summary).toMatch(/refused the auth token.*TURSO_AUTH_TOKEN/);
      expect(summary).not.toContain(token);
    });

    it("a server that accepts TCP and never answers, within the connect timeout, without blocking", async () => {
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const port = (silent.address() as AddressInfo).port;
      try {
        const { result: summary, stallMs, tookMs } = await longestStall(() => oneLine({ syncUrl: `http://127.0.0.1:${port}` }, { ...DEFAULT_TIMEOUTS, connectMs: 500, requestMs: 2_000 }));
        expect(summary).toMatch(/TURSO_SYNC_URL.*no answer within 0\.5 s/);
        expect(tookMs).toBeLessThan(3_000);
        expect(stallMs).toBeLessThan(100);
      } finally {
        silent.close();
      }
    });

    it.each(["http", "ws"])("nothing listening, the sync URL given as %s://", async (scheme) => {
      const summary = await oneLine({ syncUrl: `${scheme}://127.0.0.1:1` });
      expect(summary).toMatch(new RegExp(`^libsql: cannot use ${scheme}://127\\.0\\.0\\.1:1 \\(TURSO_SYNC_URL / connection\\.syncUrl\\): nothing answers there \\(ECONNREFUSED\\)`));
    });
  });
});
