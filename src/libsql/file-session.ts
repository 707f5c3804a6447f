// Local database files are opened with the `libsql` package: libSQL's engine with
// better-sqlite3's API, installed prebuilt from npm (node-sqlite3, which @libsql/sqlite3
// uses for files, compiles for a minute). One Database is one connection, so BEGIN/COMMIT
// and pragmas behave as they do for Strapi on better-sqlite3.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database = require("libsql");
import { BUSY_TIMEOUT_MS } from "./busy-retry";
import type { LibsqlTarget } from "./connection-url";
import type { Session, SqlResult } from "./session";
import { classify } from "./statements";
import type { SqlValue } from "./values";

export async function openFileSession(target: Extract<LibsqlTarget, { kind: "file" }>): Promise<Session> {
  // Strapi's SQLite dialect creates the database's folder; a fresh clone has no .tmp/ yet.
  mkdirSync(dirname(resolve(target.path)), { recursive: true });
  // An embedded replica (target.replicaOf) is replica-session.ts's.
  // libsql waits for no lock unless told; better-sqlite3, Strapi's own SQLite, waits 5 s. So
  // does this, when another process (a second Strapi, `strapi import`) is writing the file.
  return new FileSession(new Database(target.path, { timeout: BUSY_TIMEOUT_MS }));
}

class FileSession implements Session {
  constructor(private readonly db: Database.Database) {}

  async execute(sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    try {
      return runOnFile(this.db, sql, args);
    } catch (error) {
      // knex sends nothing after a failed COMMIT (a deferred foreign key), and SQLite keeps the
      // transaction open: this one connection would then refuse every later BEGIN.
      if (classify(sql).type === "commit" && this.db.inTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** One statement on a local libSQL connection (the embedded replica's reader uses it too). */
export function runOnFile(db: Database.Database, sql: string, args: readonly SqlValue[]): SqlResult {
  // Integers come back as bigint, never rounded; values.ts decides what knex sees.
  const statement = db.prepare(sql).safeIntegers(true);
  // The bindings go as one array, never spread: `libsql` takes a lone object argument for named
  // parameters, and a lone Buffer there (`where data = ?`) panics in its native code, which
  // aborts the process (exit 134); a lone null fails ("failed to downcast any to object").
  const positional = [...args];
  if (statement.reader) {
    const rows = statement.raw(true).all(positional) as unknown[][];
    return { columns: statement.columns().map((column) => column.name), rows, rowsAffected: 0, lastInsertRowid: undefined };
  }
  const info = statement.run(positional);
  return { columns: [], rows: [], rowsAffected: info.changes, lastInsertRowid: BigInt(info.lastInsertRowid) };
}
