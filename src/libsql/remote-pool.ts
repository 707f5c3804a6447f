// What the sessions of one knex pool share on a remote database. Kept apart from
// remote-session.ts so that the client can create it without loading the Hrana driver, which
// apps on a file do not need.
import type { HranaLine } from "./hrana-line";
import { PoolPragmas } from "./pool-pragmas";
import { ServerHealth } from "./server-health";
import { TransactionTurns } from "./transaction-turns";

export interface RemotePoolState {
  pragmas: PoolPragmas;
  turns: TransactionTurns;
  health: ServerHealth;
  /** Over WebSocket, the connection the pool's writes and transactions take turns on; opened by the first write. */
  writerLine: HranaLine | undefined;
  /** Sessions not closed yet: the writer line closes with the last. */
  openSessions: number;
}

/** `transactionWaitMs`: how long a BEGIN may wait for the pool's other transactions (knex's acquire timeout). */
export function remotePoolState(transactionWaitMs = 60_000): RemotePoolState {
  return {
    pragmas: new PoolPragmas(),
    turns: new TransactionTurns(transactionWaitMs),
    health: new ServerHealth(),
    writerLine: undefined,
    openSessions: 0,
  };
}
