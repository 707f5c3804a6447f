// Statements that go out together in one Hrana batch, each step run only if the one before it
// succeeded: BEGIN with the transaction's first statement, what was held back with the
// statement after it (held-back.ts), a sequence knex announced (announced-sequences.ts), a
// COMMIT with the ROLLBACK that follows it should SQLite refuse it.
import * as hrana from "@libsql/hrana-client";
import { withDeadline } from "./deadline";
import type { HranaLine } from "./hrana-line";
import { wasRefusedUnrun } from "./remote-errors";

/** Where a batch goes, and how long its answer may take. */
export interface BatchRoute {
  line: HranaLine;
  client: hrana.Client;
  stream: hrana.Stream;
  /** Over HTTP each fetch is bounded (fetchForHrana); a late WebSocket is closed. */
  overHttp: boolean;
  requestMs: number;
}

/**
 * `statements` in one batch, each run only if the one before it succeeded; their outputs, which
 * settle once the batch is answered (undefined for a statement skipped). `endsWithCommit`: the
 * last is a COMMIT, and a ROLLBACK follows it that runs unless it committed: SQLite keeps a
 * transaction open after refusing its COMMIT (a deferred foreign key), and knex sends nothing
 * after a failed COMMIT, so it would hold the write lock and the pool's writer turn until the
 * session closed. (When a BEGIN in the same batch was refused, the ROLLBACK fails harmlessly.)
 */
export function chainedBatch(stream: hrana.Stream, statements: readonly hrana.Stmt[], endsWithCommit = false) {
  const batch = stream.batch(false);
  let previous: hrana.BatchStep | undefined;
  const outputs = statements.map((stmt) => {
    const step = batch.step();
    if (previous) step.condition(hrana.BatchCond.ok(previous));
    previous = step;
    const output = step.query(stmt);
    // Settles when execute() does; when the batch itself fails it never settles.
    output.catch(() => undefined);
    return output;
  });
  if (endsWithCommit && previous) {
    batch.step().condition(hrana.BatchCond.not(hrana.BatchCond.ok(previous))).run("ROLLBACK").catch(() => undefined);
  }
  return { batch, outputs };
}

/** COMMIT, and ROLLBACK in the same request if SQLite refused it (see chainedBatch). */
export async function commitOrRollBack(stream: hrana.Stream, commit: hrana.Stmt): Promise<hrana.RowsResult> {
  const { batch, outputs } = chainedBatch(stream, [commit], true);
  await batch.execute();
  const result = await outputs[0]!;
  if (result === undefined) throw new Error("libsql: the server skipped a COMMIT");
  return result;
}

/**
 * One batch: `heldBack`, then `statements`, each step run only if the one before it succeeded.
 * Resolves to the statements' answers once the batch is answered; a held-back statement that
 * failed rejects it with its own error, and a statement skipped after a failed one rejects.
 */
export async function sendChained(
  route: BatchRoute,
  heldBack: readonly hrana.Stmt[],
  statements: readonly hrana.Stmt[],
  endsWithCommit = false,
): Promise<Array<Promise<hrana.RowsResult>>> {
  const { line, client, stream } = route;
  const { batch, outputs } = chainedBatch(stream, [...heldBack, ...statements], endsWithCommit);
  // Each statement keeps the time it would have had on its own.
  line.requestStatements = outputs.length;
  try {
    const execution = batch.execute();
    await (route.overHttp ? execution : withDeadline(execution, route.requestMs * outputs.length, () => client.close()));
  } finally {
    line.requestStatements = 1;
  }
  for (const output of outputs.slice(0, heldBack.length)) await output;
  return outputs.slice(heldBack.length).map((output) => {
    const answer = output.then((result) => {
      if (result === undefined) throw new Error("libsql: the server skipped a statement after one before it in the same batch failed");
      return result;
    });
    answer.catch(() => undefined);
    return answer;
  });
}

/**
 * BEGIN, what the transaction held back, and its first statement, in one batch: one round trip,
 * and the statements run only inside the transaction. `began` is called once the server may be
 * inside the transaction.
 */
export async function beginWith(stream: hrana.Stream, begin: string, heldBack: readonly hrana.Stmt[], stmt: hrana.Stmt, began: () => void): Promise<hrana.RowsResult> {
  const { batch, outputs } = chainedBatch(stream, [new hrana.Stmt(begin), ...heldBack, stmt]);
  const beginOutput = outputs[0]!;
  const first = outputs[outputs.length - 1]!;
  try {
    await batch.execute();
  } catch (error) {
    // The answer is lost, not necessarily the batch: the server may be inside the
    // transaction now, so from here on knex's ROLLBACK must reach it.
    if (!wasRefusedUnrun(error)) began();
    throw error;
  }
  // A refused BEGIN (a busy lock) throws its own error and leaves the transaction pending:
  // the server skipped the statement, and there is nothing to roll back.
  await beginOutput;
  began();
  for (const output of outputs.slice(1, -1)) await output;
  const result = await first;
  if (result === undefined) throw new Error("libsql: the server skipped the first statement of a transaction it began");
  return result;
}
