// What the sessions of one knex pool share on a remote database. Kept apart from
// remote-session.ts so that the client can create it without loading the Hrana driver, which
// apps on a file do not need.
import { PoolPragmas } from "./pool-pragmas";
import { ServerHealth } from "./server-health";
import { TransactionTurns } from "./transaction-turns";

export interface RemotePoolState {
  pragmas: PoolPragmas;
  turns: TransactionTurns;
  health: ServerHealth;
}

/** `transactionWaitMs`: how long a BEGIN may wait for the pool's other transactions (knex's acquire timeout). */
export function remotePoolState(transactionWaitMs = 60_000): RemotePoolState {
  return { pragmas: new PoolPragmas(), turns: new TransactionTurns(transactionWaitMs), health: new ServerHealth() };
}
