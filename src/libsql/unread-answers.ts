// Writes whose answer nobody reads. Strapi's create links a new entry to its ordered relations
// with one INSERT (relation-links.ts) and reads nothing of its answer; inside a transaction, a
// remote session holds such a write back and sends it with the transaction's next statement,
// often its COMMIT, which then reports its failure. The whole transaction is then one request,
// and over a WebSocket it holds the pool's writer for no round trip.
//
// This changes when Strapi learns of the write's failure (at the COMMIT rather than at the
// INSERT), not what is written: the transaction fails and is rolled back either way. The
// setting holdUnreadWrites (DATABASE_HOLD_UNREAD_WRITES) turns it off: each write then waits
// for its answer, as Strapi does on every other database.
import type { Knex } from "knex";
import { LibsqlConfigError } from "./connection-url";
import type { Session, SqlResult } from "./session";
import { classify } from "./statements";
import type { SqlValue } from "./values";

/** knex query option that marks a statement whose answer nobody reads. */
const UNREAD_ANSWER = "libsqlUnreadAnswer";

const SETTING = "connection.holdUnreadWrites (DATABASE_HOLD_UNREAD_WRITES)";

/** `query`, marked as one whose answer the caller does not read. */
export function unreadAnswer(query: Knex.Raw): Knex.Raw {
  return query.options({ [UNREAD_ANSWER]: true });
}

/** Whether unread writes may be held back: on unless the setting says false. */
export function holdUnreadWrites(setting: unknown): boolean {
  if (setting === undefined || setting === "" || setting === true || setting === "true") return true;
  if (setting === false || setting === "false") return false;
  throw new LibsqlConfigError(`libsql: ${SETTING} is ${String(setting)}; give true or false`);
}

/**
 * Runs a statement knex hands the client: through executeUnread when its query was marked
 * (unreadAnswer) and the session can hold it, through execute otherwise.
 */
export function executeQuery(session: Session, sql: string, args: readonly SqlValue[], options: Record<string, unknown> | undefined, hold: boolean): Promise<SqlResult> {
  const unread = hold && options?.[UNREAD_ANSWER] === true && session.executeUnread;
  return unread ? session.executeUnread!(sql, args) : session.execute(sql, args);
}

/** Whether an unread write may wait for its transaction's next statement; outside a transaction it runs as any other. */
export function mayWaitForNextStatement(inTransaction: boolean, sql: string): boolean {
  return inTransaction && classify(sql).type === "other";
}

/** An embedded replica's unread write: inside a transaction it goes to the primary, which may hold it back. */
export function executeUnreadOnPrimary(inTransaction: boolean, primary: Session, sql: string, args: readonly SqlValue[]): Promise<SqlResult> | undefined {
  return inTransaction && primary.executeUnread ? primary.executeUnread(sql, args) : undefined;
}
