// Knex's client for libSQL. It is Knex 2.5.0's sqlite3 client (the SQL dialect, schema
// compiler and table rebuilds are SQLite's) with a different way to reach the database:
// a session per pooled connection, opened from a libSQL URL.
//
// The pool stays knex's SQLite pool, one connection, for files and remote databases alike: see
// "Design" in the README for why a remote pool of several sessions is not the default yet. A
// pool raised in config/database.ts gets sessions that share pragmas and take turns at writes.
import Client_SQLite3 = require("knex/lib/dialects/sqlite3");
import type { Knex } from "knex";
import { LibsqlConfigError, parseConnectionSettings, type ConnectionSettings, type LibsqlTarget } from "./connection-url";
import { remotePoolState, type RemotePoolState } from "./remote-pool";
import { openSession, type Session } from "./session";
import { toRowObject, toSqlValue } from "./values";

class Client_Libsql extends Client_SQLite3 {
  private readonly target: LibsqlTarget | LibsqlConfigError;
  private readonly sessionsShare: RemotePoolState;

  constructor(config: Knex.Config) {
    const settings = (config.connection ?? {}) as ConnectionSettings;
    const target = parseOrKeep(settings);
    // The parent warns when `filename` is missing; for libSQL the URL plays that part.
    const filename = target instanceof LibsqlConfigError ? "(invalid libSQL URL)" : target.display;
    super({ useNullAsDefault: true, ...config, connection: { ...settings, filename } });
    this.target = target;
    this.sessionsShare = remotePoolState(config.acquireConnectionTimeout ?? 60_000);
  }

  _driver(): unknown {
    return require("libsql");
  }

  acquireRawConnection(): Promise<Session> {
    if (this.target instanceof LibsqlConfigError) return Promise.reject(this.target);
    return openSession(this.target, this.sessionsShare);
  }

  async destroyRawConnection(session: Session): Promise<void> {
    await session.close();
  }

  async _query(session: Session, obj: Client_SQLite3.QueryObject): Promise<Client_SQLite3.QueryObject> {
    if (!obj.sql) throw new Error("The query is empty");
    const result = await session.execute(obj.sql, (obj.bindings ?? []).map(toSqlValue));
    obj.response = result.rows.map((row) => toRowObject(result.columns, row));
    obj.context = {
      lastID: result.lastInsertRowid === undefined ? undefined : Number(result.lastInsertRowid),
      changes: result.rowsAffected,
    };
    return obj;
  }
}

/**
 * A setting that cannot work is reported at the first connection rather than thrown here.
 * Thrown here, it reaches Strapi's "Server wasn't able to start properly" and a stack trace;
 * at the first connection, the dialect's initialize() prints it as one line and exits 1,
 * like a refused token. `summary` is the line it prints.
 */
function parseOrKeep(settings: ConnectionSettings): LibsqlTarget | LibsqlConfigError {
  try {
    return parseConnectionSettings(settings);
  } catch (error) {
    if (!(error instanceof LibsqlConfigError)) throw error;
    return Object.assign(error, { summary: error.message });
  }
}

Object.assign(Client_Libsql.prototype, {
  driverName: "libsql",
});

export = Client_Libsql;
