// Knex's client for libSQL. It is Knex 2.5.0's sqlite3 client (the SQL dialect, schema
// compiler and table rebuilds are SQLite's) with a different way to reach the database:
// a session per pooled connection, opened from a libSQL URL.
//
// A file stays one connection, as SQLite's clients have it. A remote database gets a pool of
// sessions, one server connection each: with one, every request of a busy Strapi waits for the
// round trips of the one before it. So does an embedded replica, whose transactions and writes
// go to its primary: its sessions share the local file (replica-session.ts).
import Client_SQLite3 = require("knex/lib/dialects/sqlite3");
import type { Knex } from "knex";
import { asSqliteConstraintError } from "./constraint-errors";
import { LibsqlConfigError, parseConnectionSettings, type ConnectionSettings, type LibsqlTarget } from "./connection-url";
import type { RemoteTimeouts } from "./deadline";
import { isOutage, noteOutage } from "./outage-responses";
import { remotePoolState, type RemotePoolState } from "./remote-pool";
import { announcingSequences } from "./knex-2.5.0-internals";
import { openSession, type Session } from "./session";
import { parseTimeouts, type TimeoutSettings } from "./timeout-settings";
import { executeQuery, holdUnreadWrites } from "./unread-answers";
import { toRowObject, toSqlValue } from "./values";

/** knex's default for servers; Strapi's own Postgres template uses the same. */
const REMOTE_POOL_MAX = 10;
/**
 * knex closes a connection after 30 s idle, which suits a server on the LAN. A new remote
 * session costs the TCP, TLS and WebSocket handshakes, as many round trips as a request, so an
 * idle one is kept for 10 minutes; over HTTP it holds no socket of its own meanwhile.
 */
const REMOTE_IDLE_MS = 600_000;

class Client_Libsql extends Client_SQLite3 {
  private readonly target: LibsqlTarget | LibsqlConfigError;
  private readonly timeouts: RemoteTimeouts | LibsqlConfigError;
  private readonly sessionsShare: RemotePoolState;

  constructor(config: Knex.Config) {
    const settings = (config.connection ?? {}) as ConnectionSettings & TimeoutSettings;
    const target = parseOrKeep(settings);
    // The parent warns when `filename` is missing; for libSQL the URL plays that part.
    const filename = target instanceof LibsqlConfigError ? "(invalid libSQL URL)" : target.display;
    super({ useNullAsDefault: true, ...config, connection: { ...settings, filename } });
    this.target = target;
    this.timeouts = keepError(() => parseTimeouts(settings));
    this.sessionsShare = remotePoolState(config.acquireConnectionTimeout ?? 60_000);
  }

  poolDefaults() {
    // Called from knex's constructor, before `this.target` is set.
    const target = parseOrKeep((this.config.connection ?? {}) as ConnectionSettings);
    const parent = super.poolDefaults();
    const reachesServer = !(target instanceof LibsqlConfigError) && (target.kind === "remote" || target.replicaOf !== undefined);
    return reachesServer ? { ...parent, max: REMOTE_POOL_MAX, idleTimeoutMillis: REMOTE_IDLE_MS } : parent;
  }

  _driver(): unknown {
    return require("libsql");
  }

  acquireRawConnection(): Promise<Session> {
    if (this.target instanceof LibsqlConfigError) return Promise.reject(this.target);
    if (this.timeouts instanceof LibsqlConfigError) return Promise.reject(this.timeouts);
    return openSession(this.target, this.sessionsShare, this.timeouts);
  }

  async acquireConnection(): Promise<Session> {
    try {
      return (await super.acquireConnection()) as Session;
    } catch (error) {
      // No session could be opened: the request that asked for one met the outage.
      noteIfOutage(error);
      throw error;
    }
  }

  async destroyRawConnection(session: Session): Promise<void> {
    await session.close();
  }

  runner(builder: unknown): Client_SQLite3.Runner {
    // knex-2.5.0-internals.ts says why, and what of knex it relies on.
    return announcingSequences(super.runner(builder));
  }

  async _query(session: Session, obj: Client_SQLite3.QueryObject): Promise<Client_SQLite3.QueryObject> {
    if (!obj.sql) throw new Error("The query is empty");
    const args = (obj.bindings ?? []).map(toSqlValue);
    // Read from the config: a transaction's client is a copy of this one that has its config, not its fields.
    const hold = holdUnreadWrites((this.config.connection as ConnectionSettings).holdUnreadWrites);
    const result = await executeQuery(session, obj.sql, args, obj.options, hold).catch((error: unknown) => {
      // Whatever Strapi makes of the error (users-permissions: "not logged in", 401), the
      // request's answer is 503: outage-responses.ts. A server's constraint violation goes on
      // with the code SQLite gives it (constraint-errors.ts).
      noteIfOutage(error);
      throw asSqliteConstraintError(error);
    });
    obj.response = result.rows.map((row) => toRowObject(result.columns, row));
    obj.context = {
      lastID: result.lastInsertRowid === undefined ? undefined : Number(result.lastInsertRowid),
      changes: result.rowsAffected,
    };
    return obj;
  }
}

function noteIfOutage(error: unknown): void {
  if (isOutage(error)) noteOutage();
}

/**
 * A setting that cannot work is reported at the first connection rather than thrown here.
 * Thrown here, it reaches Strapi's "Server wasn't able to start properly" and a stack trace;
 * at the first connection, the dialect's initialize() prints it as one line and exits 1,
 * like a refused token. `summary` is the line it prints.
 */
function parseOrKeep(settings: ConnectionSettings): LibsqlTarget | LibsqlConfigError {
  return keepError(() => {
    const target = parseConnectionSettings(settings);
    // Only checked here: a wrong value ends the boot with its one line, as a wrong URL does.
    holdUnreadWrites(settings.holdUnreadWrites);
    return target;
  });
}

function keepError<T>(parse: () => T): T | LibsqlConfigError {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof LibsqlConfigError)) throw error;
    return Object.assign(error, { summary: error.message });
  }
}

Object.assign(Client_Libsql.prototype, {
  driverName: "libsql",
});

export = Client_Libsql;
