// An embedded replica (TURSO_SYNC_URL): reads come from a local file that follows the primary,
// writes and transactions go to the primary, and this process reads its own writes.
//
// libSQL's own replica connection is not used for statements. The `libsql` package (0.5) has
// better-sqlite3's synchronous API, so every statement it forwards to the primary blocks Node's
// event loop for its round trips: each write (3-4 round trips: the write, then a sync for
// readYourWrites) and some reads it does not recognise as reads (PRAGMA foreign_key_list,
// PRAGMA foreign_keys, EXPLAIN). At 20 ms RTT a Strapi create froze the whole process for
// 20 round trips. Here instead:
//  - `syncer`, the libSQL replica Database, only syncs, through the promise API's sync(), which
//    runs on libSQL's own threads (the sync API's sync() blocks as well);
//  - reads outside a transaction run on `reader`, a second, plain connection to the same file:
//    SQLite's WAL lets it read while a sync writes, and nothing it runs can reach the network;
//  - transactions (reads included: they must see their own uncommitted writes), writes and the
//    connection's pragmas go to the primary through a RemoteSession: Hrana over HTTP or WebSocket
//    as the sync URL names, async, BEGIN batched with the first statement, the pool's writer turn
//    and shared pragmas;
//  - read-your-writes: once a write of this process settled on the primary, the next local read
//    waits for a sync that started after it. Concurrent readers share one sync; without a write
//    there is no sync but the periodic one (TURSO_SYNC_INTERVAL), which brings others' writes.
// All sessions of one knex pool share the file's two connections, so the pool can hold several
// sessions: one waiting for the primary inside a transaction does not hold up local reads.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database = require("libsql");
import { primaryOf, redactToken, SYNC_URL_SETTING, type LibsqlTarget, type ReplicaOf } from "./connection-url";
import { DEFAULT_TIMEOUTS, withDeadline, type RemoteTimeouts } from "./deadline";
import { runOnFile } from "./file-session";
import { isOutage } from "./outage-responses";
import { LibsqlConnectionError } from "./remote-errors";
import type { RemotePoolState } from "./remote-pool";
import { RemoteSession } from "./remote-session";
import type { Session, SqlResult, Statement } from "./session";
import { classify, type StatementKind } from "./statements";
import { executeUnreadOnPrimary } from "./unread-answers";
import type { SqlValue } from "./values";

export type ReplicaTarget = Extract<LibsqlTarget, { kind: "file" }> & { replicaOf: ReplicaOf };

/**
 * libsql/promise's sync(): the native call it makes takes the same handle as the sync API's
 * Database (`this.db`), and settles a promise from libSQL's threads instead of blocking.
 */
const syncInBackground = (require("libsql/promise") as { prototype: { sync(this: unknown): Promise<unknown> } }).prototype.sync;

/** A bare `PRAGMA name` reads the connection's state (foreign_keys...), which lives on the primary's session. */
const CONNECTION_PRAGMA_READ = /^\s*pragma\s+\w+\s*;?\s*$/i;

export class ReplicaSession implements Session {
  /** Between knex's BEGIN and its COMMIT / ROLLBACK: everything goes to the primary. */
  private inTransaction = false;
  private closed = false;

  constructor(
    private readonly replica: LocalReplica,
    private readonly primary: Session,
  ) {}

  async execute(sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    const kind = classify(sql);
    if (this.inTransaction || kind.type !== "read" || CONNECTION_PRAGMA_READ.test(sql)) {
      return this.onPrimary(kind, sql, args);
    }
    try {
      await this.replica.caughtUp();
    } catch {
      // The replica cannot catch up with this process's writes (the primary is away, or slow):
      // the primary has them, and its session reports its own errors.
      return this.onPrimary(kind, sql, args);
    }
    return this.replica.read(sql, args);
  }

  executeUnread(sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    return executeUnreadOnPrimary(this.inTransaction, this.primary, sql, args) ?? this.execute(sql, args);
  }

  expectSequence(statements: readonly Statement[]): void {
    // Inside a transaction every statement goes to the primary, which may send them together.
    if (this.inTransaction) this.primary.expectSequence?.(statements);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.primary.close();
    this.replica.release();
  }

  private async onPrimary(kind: StatementKind, sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    const writes = kind.type === "commit" || (kind.type === "other" && !this.inTransaction);
    if (kind.type === "begin") this.inTransaction = true;
    let answered = false;
    let failure: unknown;
    try {
      const result = await this.primary.execute(sql, args);
      answered = true;
      return result;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      // Counted even when it failed: a write whose answer was lost may have been written. Not
      // when the primary is out of reach: the client was told to retry, so reading without the
      // write is what it was promised, and the replica goes on serving reads through the outage.
      if (writes && (answered || !isOutage(failure))) this.replica.wrote();
      // knex considers the transaction over once COMMIT or ROLLBACK settled, even failed.
      if (kind.type === "commit" || kind.type === "rollback" || (kind.type === "begin" && !answered)) this.inTransaction = false;
    }
  }
}

/** Opens a session on the pool's replica, opening the replica (and syncing it once) if this is the pool's first. */
export async function openReplicaSession(
  target: ReplicaTarget,
  pool: RemotePoolState,
  timeouts: RemoteTimeouts = DEFAULT_TIMEOUTS,
): Promise<ReplicaSession> {
  const primary = new RemoteSession(primaryOf(target.replicaOf), timeouts, pool);
  try {
    return new ReplicaSession(await LocalReplica.acquire(target, pool, primary, timeouts), primary);
  } catch (error) {
    await primary.close();
    throw error;
  }
}

/** The replica's file, shared by the sessions of one pool. */
export class LocalReplica {
  private static readonly byPool = new WeakMap<RemotePoolState, { opening: Promise<LocalReplica>; users: number }>();

  /** Writes of this process that settled on the primary so far. */
  private writes = 0;
  /** How many of them the last completed sync of ours includes, at least. */
  private synced = 0;
  private inFlight: { covers: number; done: Promise<void> } | undefined;
  private periodic: NodeJS.Timeout | undefined;
  /** Whether the last periodic sync failed: said once, when it starts and when it ends. */
  private periodicFailing = false;
  /** Syncs started after the open's, periodic ones included: tests read it. */
  syncsStarted = 0;

  private constructor(
    private readonly pool: RemotePoolState,
    private readonly syncer: Database.Database,
    private readonly reader: Database.Database,
    private readonly target: ReplicaTarget,
    private readonly timeouts: RemoteTimeouts,
  ) {}

  static acquire(target: ReplicaTarget, pool: RemotePoolState, primary: Session, timeouts: RemoteTimeouts): Promise<LocalReplica> {
    const shared = LocalReplica.byPool.get(pool);
    if (shared) {
      shared.users++;
      return shared.opening;
    }
    const opening = LocalReplica.open(target, pool, primary, timeouts);
    const entry = { opening, users: 1 };
    LocalReplica.byPool.set(pool, entry);
    // A failed open is not kept: the pool's next session tries again.
    opening.catch(() => {
      if (LocalReplica.byPool.get(pool) === entry) LocalReplica.byPool.delete(pool);
    });
    return opening;
  }

  private static async open(target: ReplicaTarget, pool: RemotePoolState, primary: Session, timeouts: RemoteTimeouts): Promise<LocalReplica> {
    const { path, replicaOf } = target;
    mkdirSync(dirname(resolve(path)), { recursive: true });
    // libSQL's replica constructor connects to the primary while blocking the event loop, for
    // ever if the server accepts TCP and never answers, and its sync errors name no setting
    // (a refused token is "Replication(PrimaryHandshakeTimeout)", after 3 s of retries). The
    // primary's session asks first, bounded, and says what is wrong in one line, naming
    // TURSO_SYNC_URL (primaryOf).
    await primary.execute("SELECT 1", []);
    let syncer: Database.Database;
    try {
      // No syncPeriod: libSQL's periodic sync outlives close() (nothing in its JS API stops
      // it); the timer below stops with the pool.
      syncer = new Database(path, { syncUrl: replicaOf.endpoint, authToken: replicaOf.authToken } as Database.Options);
    } catch (error) {
      throw whyNoSync(error, target);
    }
    try {
      await withDeadline(syncInBackground.call(syncer), timeouts.requestMs, () => undefined);
    } catch (error) {
      syncer.close();
      throw whyNoSync(error, target);
    }
    // Opened after the first sync: libSQL has made the file a WAL database by then.
    const reader = new Database(path);
    // Nothing may write the file but the sync: a local write would fork it from the primary.
    reader.exec("PRAGMA query_only = ON");
    const replica = new LocalReplica(pool, syncer, reader, target, timeouts);
    replica.syncEvery(replicaOf.syncIntervalSeconds);
    return replica;
  }

  /** A write of this process settled on the primary: the next read waits for a sync. */
  wrote(): void {
    this.writes++;
  }

  /** Resolves once a sync that started after this process's last settled write completed. */
  async caughtUp(): Promise<void> {
    const needed = this.writes;
    while (this.synced < needed) {
      const sync = this.inFlight ?? this.startSync();
      if (sync.covers >= needed) await sync.done;
      // Started before the write: it may miss it. Then the next one, shared with whoever waits.
      else await sync.done.catch(() => undefined);
    }
  }

  read(sql: string, args: readonly SqlValue[]): SqlResult {
    return runOnFile(this.reader, sql, args);
  }

  release(): void {
    const shared = LocalReplica.byPool.get(this.pool);
    if (!shared || --shared.users > 0) return;
    LocalReplica.byPool.delete(this.pool);
    clearInterval(this.periodic);
    // The reader first: the last connection to close a WAL database checkpoints it.
    this.reader.close();
    this.syncer.close();
  }

  /**
   * Others' writes arrive with a sync every `seconds` (0: none), skipped while one is in flight.
   * A replica that cannot sync keeps serving what it has; that is said once, not every time.
   */
  private syncEvery(seconds: number): void {
    if (seconds <= 0) return;
    this.periodic = setInterval(() => {
      if (this.inFlight) return;
      this.startSync().done.then(
        () => {
          if (this.periodicFailing) console.error(`libsql: the embedded replica ${this.target.display} syncs again`);
          this.periodicFailing = false;
        },
        (error: unknown) => {
          if (!this.periodicFailing) {
            console.error(`${whyNoSync(error, this.target).summary}; reads serve what it has until a sync succeeds`);
          }
          this.periodicFailing = true;
        },
      );
    }, seconds * 1000);
    // Strapi's own handles keep the process alive; this one alone must not.
    this.periodic.unref();
  }

  private startSync(): { covers: number; done: Promise<void> } {
    const covers = this.writes;
    this.syncsStarted++;
    // A sync that never answers is left to finish in the background; the reads that waited go to the primary.
    const done = withDeadline(syncInBackground.call(this.syncer), this.timeouts.requestMs, () => undefined)
      .then(() => {
        this.synced = Math.max(this.synced, covers);
      })
      .finally(() => {
        if (this.inFlight === sync) this.inFlight = undefined;
      });
    const sync = { covers, done };
    this.inFlight = sync;
    return sync;
  }
}

/** The primary answered Hrana, and still the replica cannot sync from it: libSQL's reason, with the setting. */
function whyNoSync(error: unknown, target: ReplicaTarget): LibsqlConnectionError {
  const { replicaOf } = target;
  let reason = error instanceof Error ? error.message : String(error);
  if (replicaOf.authToken) reason = reason.split(replicaOf.authToken).join("<redacted>");
  return new LibsqlConnectionError(
    `libsql: cannot sync the embedded replica ${target.display} from ${replicaOf.display} (${SYNC_URL_SETTING}): ${redactToken(reason)}`,
    error,
  );
}
