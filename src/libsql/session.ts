// A session is what knex calls a connection: one SQLite connection's worth of state
// (open transaction, pragmas), whichever way the database is reached.
import type { LibsqlTarget } from "./connection-url";
import { DEFAULT_TIMEOUTS, type RemoteTimeouts } from "./deadline";
import type { RemotePoolState } from "./remote-pool";
import type { SqlValue } from "./values";

export interface SqlResult {
  columns: string[];
  rows: unknown[][];
  rowsAffected: number;
  lastInsertRowid: bigint | undefined;
}

export interface Statement {
  sql: string;
  args: readonly SqlValue[];
}

export interface Session {
  execute(sql: string, args: readonly SqlValue[]): Promise<SqlResult>;
  /**
   * knex is about to run these statements one after another on this session, stopping at the
   * first that fails, with nothing in between that depends on their answers (a table and its
   * indexes; SQLite's table rebuild). A session that pays a round trip per statement may send
   * them together when the first is executed; each execute() still gets its own answer.
   */
  expectSequence?(statements: readonly Statement[]): void;
  /**
   * A write whose answer the caller does not read. Inside a transaction, a session that pays a
   * round trip per request may send it with the transaction's next statement, its COMMIT
   * perhaps, which then reports its failure. Asked for through unread-answers.ts.
   */
  executeUnread?(sql: string, args: readonly SqlValue[]): Promise<SqlResult>;
  close(): Promise<void>;
}

/** `pool`: what the remote (and embedded replica) sessions of one knex pool share. */
export async function openSession(target: LibsqlTarget, pool: RemotePoolState, timeouts: RemoteTimeouts = DEFAULT_TIMEOUTS): Promise<Session> {
  // Required here rather than at the top: Strapi's bundle loads this code in every app,
  // and only apps that use libSQL have its drivers installed.
  if (target.kind === "file" && target.replicaOf) {
    const { openReplicaSession } = require("./replica-session") as typeof import("./replica-session");
    return openReplicaSession({ ...target, replicaOf: target.replicaOf }, pool, timeouts);
  }
  if (target.kind === "file") {
    const { openFileSession } = require("./file-session") as typeof import("./file-session");
    return openFileSession(target);
  }
  const { RemoteSession } = require("./remote-session") as typeof import("./remote-session");
  return new RemoteSession(target, timeouts, pool);
}
