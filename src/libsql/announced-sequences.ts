// A sequence of statements knex announced it will run one after another (expectSequence: a
// table and its indexes, SQLite's table rebuild; knex-2.5.0-internals.ts announces them).
// Inside an open transaction a remote session sends it as one batch when its first statement
// comes, each statement only if the one before it succeeded, as knex would run them; each
// statement then takes its answer from that batch.
import * as hrana from "@libsql/hrana-client";
import type { Statement } from "./session";
import { classify } from "./statements";
import type { SqlValue } from "./values";

export class AnnouncedSequences {
  /** A sequence knex announced, not begun yet. */
  private expected: readonly Statement[] = [];
  /** The rest of a sequence sent ahead in one batch: each statement's answer, in knex's order. */
  private ahead: Array<Statement & { answer: Promise<hrana.RowsResult> }> = [];

  expect(statements: readonly Statement[]): void {
    // Only statements that change no session state here: a BEGIN, COMMIT or pragma takes its own path.
    const plain = statements.every(({ sql }) => ["other", "read"].includes(classify(sql).type));
    this.expected = plain && statements.length > 1 ? statements : [];
  }

  clear(): void {
    this.expected = [];
    this.ahead = [];
  }

  /**
   * The answer to this statement if it belongs to an announced sequence: taken from the batch
   * sent ahead, or the batch is sent now (`sendChained`, chained-batch.ts), when this is the
   * sequence's first statement inside an open transaction (outside one, each write takes the
   * pool's turn on its own). Undefined: send it as usual.
   */
  answerFor(
    sql: string,
    args: readonly SqlValue[],
    inOpenTransaction: boolean,
    sendChained: (stmts: hrana.Stmt[]) => Promise<Array<Promise<hrana.RowsResult>>>,
  ): Promise<hrana.RowsResult> | undefined {
    const next = this.ahead.shift();
    if (next) {
      if (sameStatement(next, sql, args)) return next.answer;
      // knex went another way. What was sent ahead ran, in order, before this statement, and
      // only while each one before it succeeded: knex stops at the first failure as well.
      this.ahead = [];
    }
    const [first, ...rest] = this.expected;
    if (!first) return undefined;
    // What knex's table rebuild sends between announcing its list and running it (a SAVEPOINT,
    // foreign_keys) never gets here inside a transaction: the session answers it first.
    this.expected = [];
    if (!sameStatement(first, sql, args) || !inOpenTransaction) return undefined;
    const [answer, ...later] = sendAhead([first, ...rest], sendChained);
    this.ahead = rest.map((statement, index) => ({ ...statement, answer: later[index]! }));
    return answer;
  }
}

/** The statements in one batch, each run only if the one before it succeeded; their answers, in order. */
function sendAhead(statements: readonly Statement[], sendChained: (stmts: hrana.Stmt[]) => Promise<Array<Promise<hrana.RowsResult>>>): Promise<hrana.RowsResult>[] {
  const executed = sendChained(statements.map(({ sql, args }) => new hrana.Stmt(sql).bindIndexes(args)));
  return statements.map((_, index) => {
    const answer = executed.then((answers) => answers[index]!);
    // Reported to whoever asks for it: knex never asks for those after a failed one.
    answer.catch(() => undefined);
    return answer;
  });
}

function sameStatement(statement: Statement, sql: string, args: readonly SqlValue[]): boolean {
  return statement.sql === sql && statement.args.length === args.length && statement.args.every((arg, index) => arg === args[index]);
}
