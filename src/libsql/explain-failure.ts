// What a failed statement of a remote session means, and the error knex gets for it: SQLite's
// own refusal as it is, a broken connection named with the setting to check, a transaction the
// server rolled back, a COMMIT whose outcome is unknown. Strapi and its users read these.
import * as hrana from "@libsql/hrana-client";
import { overHttp } from "./connection-url";
import type { RemoteTarget } from "./hrana-line";
import { pipelineStatus } from "./http-fetch";
import { commitOutcomeUnknown, describeConnectionFailure, LibsqlConnectionError, transactionLost, transactionTimedOut } from "./remote-errors";
import type { ServerHealth } from "./server-health";
import type { StatementKind } from "./statements";

export interface FailureVerdict {
  /** What becomes of the session's transaction: unchanged, ended, or lost for this reason. */
  transaction: "keep" | "end" | LibsqlConnectionError;
  /** The error knex gets; "no rows" for a ROLLBACK, which succeeds when the server already rolled back. */
  answer: { error: unknown } | "no rows";
}

export interface FailureContext {
  target: RemoteTarget;
  /** Whether the line the statement went over still works. */
  lineUsable: boolean;
  inTransaction: boolean;
  /** Forgets the broken connection, and returns the error that describes it (reconnect.ts). */
  connectionBroke(error: unknown): unknown;
}

/** What a failed statement leaves behind, and what knex gets. */
export function explainFailure(error: unknown, kind: StatementKind, at: FailureContext): FailureVerdict {
  const { display } = at.target;
  const serverEndedTransaction = error instanceof hrana.ResponseError && error.code === "TRANSACTION_TIMEOUT";
  if (at.lineUsable && !serverEndedTransaction) {
    // SQLite refused the statement (constraint, syntax...): Strapi reads these as they are.
    // A refused COMMIT was rolled back with it (commitOrRollBack).
    const described = describeConnectionFailure(error, at.target, at.target.authToken !== undefined) ?? error;
    return { transaction: kind.type === "commit" ? "end" : "keep", answer: { error: described } };
  }
  const failure = serverEndedTransaction ? error : at.connectionBroke(error);
  // A COMMIT outside a transaction is a whole one (commitWhole), ended before it was sent.
  if (!at.inTransaction) {
    return { transaction: "keep", answer: { error: kind.type === "commit" && !serverEndedTransaction ? commitOutcomeUnknown(display, failure) : failure } };
  }

  // The server rolled the transaction back: its connection is gone, or it held the write
  // lock past the server's transaction timeout and another writer took it. (A pending
  // transaction's batch may have run too, on the connection that is gone.)
  const because = serverEndedTransaction ? transactionTimedOut(display, error) : transactionLost(display, failure);
  const transaction = kind.type === "commit" || kind.type === "rollback" ? "end" : because;
  if (kind.type === "rollback") return { transaction, answer: "no rows" };
  if (kind.type === "commit" && !serverEndedTransaction) return { transaction, answer: { error: commitOutcomeUnknown(display, failure) } };
  return { transaction, answer: { error: because } };
}

/**
 * `error`, or what explains it better. A server that refuses the token can close the WebSocket
 * without saying why (sqld does for an expired token: code 1006); before the server ever
 * answered, HTTP on the same port is asked, and its 401 or 403 says it was the token.
 */
export async function explainedByHttp(error: unknown, target: RemoteTarget, health: ServerHealth, connectMs: number): Promise<unknown> {
  const closedBy = error instanceof hrana.ClosedError ? error.cause : error;
  if (target.transport !== "ws" || health.answeredOnce || !(closedBy instanceof hrana.WebSocketError)) return error;
  const status = await pipelineStatus(overHttp(target.endpoint), target.authToken, connectMs);
  return status === 401 || status === 403 ? new hrana.HttpServerError(`asked over HTTP after the WebSocket closed: ${status}`, status) : error;
}
