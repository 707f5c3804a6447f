// Where a remote session is in knex's transaction, as one value: a session replaces it whole
// at each step (remote-session.ts), so nothing of a transaction outlives it by accident.
import { LibsqlConnectionError } from "./remote-errors";

export type TransactionState =
  | { readonly phase: "none" }
  /** knex sent BEGIN, which waits to go out with the transaction's first statement. */
  | { readonly phase: "pending"; readonly serial: number; readonly begin: string }
  | { readonly phase: "open"; readonly serial: number }
  /**
   * The transaction ended on the server without knex knowing; its statements fail until
   * ROLLBACK. `because` is why, as the error they get.
   */
  | { readonly phase: "lost"; readonly serial: number; readonly because: LibsqlConnectionError };

export type InTransaction = Exclude<TransactionState, { phase: "none" }>;

export const NO_TRANSACTION: TransactionState = { phase: "none" };

/**
 * Tells transactions apart, so that a turn granted, or a statement sent, after its transaction
 * ended (knex ended it, or began another) is recognised as such.
 */
let transactionsBegun = 0;

export function pendingTransaction(begin: string): TransactionState {
  return { phase: "pending", serial: ++transactionsBegun, begin };
}

/** Whether the transaction numbered `serial` is over. */
export function endedSince(state: TransactionState, serial: number): boolean {
  return state.phase === "none" || state.serial !== serial;
}

/** Whether the server may be inside the session's transaction: then it must not move to another stream. */
export function serverMayHoldTransaction(state: TransactionState): boolean {
  return state.phase === "open" || state.phase === "lost";
}

/** The error a lost transaction's later statement gets: a fresh one each time, since knex prefixes its SQL. */
export function lostAgain(state: Extract<TransactionState, { phase: "lost" }>): LibsqlConnectionError {
  return new LibsqlConnectionError(state.because.summary, state.because.cause);
}
