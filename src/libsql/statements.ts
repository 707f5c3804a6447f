// What a statement does to a session's state (transaction, pragmas), read from its text, and
// what is sent for it.

export type StatementKind =
  | { type: "begin"; /** No DEFERRED / IMMEDIATE / EXCLUSIVE given: knex's `BEGIN;`. */ plain: boolean }
  | { type: "commit" }
  | { type: "rollback" }
  | { type: "pragma"; name: string }
  /** Cannot take the write lock: a query, or a pragma read. */
  | { type: "read" }
  /** Anything else, which may write. */
  | { type: "other" };

export function classify(sql: string): StatementKind {
  const text = sql.trim();
  const begin = /^begin\b\s*(\w*)/i.exec(text);
  if (begin) return { type: "begin", plain: !/^(deferred|immediate|exclusive)$/i.test(begin[1] ?? "") };
  if (/^(commit|end)\b/i.test(text)) return { type: "commit" };
  // ROLLBACK TO SAVEPOINT leaves the transaction open; only a plain ROLLBACK ends it.
  if (/^rollback\s*(transaction\s*)?;?$/i.test(text)) return { type: "rollback" };
  const pragma = /^pragma\s+(\w+)\s*=/i.exec(text);
  if (pragma?.[1]) return { type: "pragma", name: pragma[1].toLowerCase() };
  // A WITH may end in an INSERT, so only statements that start as reads count as reads.
  if (/^(select|values|explain)\b/i.test(text) || /^pragma\s+\w+\s*(\(|;|$)/i.test(text)) return { type: "read" };
  return { type: "other" };
}

/**
 * A plain BEGIN is sent as BEGIN IMMEDIATE: the transaction takes the write lock before its
 * first statement. With a deferred BEGIN, a transaction that reads and then writes fails with
 * SQLITE_BUSY whenever another connection (another Strapi process) committed in between, and
 * that cannot be retried from inside the transaction. sqld makes BEGIN IMMEDIATE wait for the
 * lock instead (up to its 5 s transaction timeout), so concurrent writers queue.
 */
export function textToSend(kind: StatementKind, sql: string): string {
  return kind.type === "begin" && kind.plain ? "BEGIN IMMEDIATE" : sql;
}
