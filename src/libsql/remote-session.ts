// A remote session speaks Hrana to sqld / Turso over a stream, which the server backs with
// one SQLite connection (hrana-line.ts): knex's BEGIN/COMMIT and Strapi's pragmas mean there
// what they mean on a local file. Over WebSocket the session reads over a stream of its own,
// and writes and runs transactions over one the pool's sessions share, in turn.
//
// knex's BEGIN goes out with the transaction's first statement (carried-begin.ts), a SAVEPOINT
// and a write nobody reads with the statement after them (held-back.ts), a sequence knex
// announces in one batch (announced-sequences.ts): a transaction costs its statements' round
// trips and no more. A pool's sessions share their pragmas (pool-pragmas.ts) and take turns at
// writes (writer-turn.ts). Outside a transaction a broken connection is replaced
// (reconnect.ts); inside one the session fails the transaction's statements until knex's
// ROLLBACK, since the server rolled it back with the old connection (explain-failure.ts).
import * as hrana from "@libsql/hrana-client";
import { AnnouncedSequences } from "./announced-sequences";
import { retryWhileBusy } from "./busy-retry";
import { CarriedBegin } from "./carried-begin";
import { commitOrRollBack, sendChained, type BatchRoute } from "./chained-batch";
import { DEFAULT_TIMEOUTS, withDeadline, type RemoteTimeouts } from "./deadline";
import { explainedByHttp, explainFailure } from "./explain-failure";
import { HeldBack } from "./held-back";
import { HranaLine, type RemoteTarget } from "./hrana-line";
import { transactionLost, type LibsqlConnectionError } from "./remote-errors";
import { remotePoolState, type RemotePoolState } from "./remote-pool";
import { catchUpPragmas, connectionBroke, recordPragma, sendResendingUnrun } from "./reconnect";
import type { Session, SqlResult, Statement } from "./session";
import { classify, textToSend, type StatementKind } from "./statements";
import { endedSince, lostAgain, NO_TRANSACTION, pendingTransaction, serverMayHoldTransaction, type TransactionState } from "./transaction-state";
import { mayWaitForNextStatement } from "./unread-answers";
import type { SqlValue } from "./values";
import { WriterTurn } from "./writer-turn";

const TRANSACTION_ENDED = "libsql: the transaction ended before this statement of it could run; it ran nothing";

const NO_ROWS: SqlResult = { columns: [], rows: [], rowsAffected: 0, lastInsertRowid: undefined };
const COMMIT: StatementKind = { type: "commit" };

export class RemoteSession implements Session {
  /** The connection this session reads over, and over HTTP writes too. */
  private readonly own: HranaLine;
  private closed = false;
  private transaction: TransactionState = NO_TRANSACTION;
  private readonly carriedBegin = new CarriedBegin();
  private readonly turn: WriterTurn;
  private readonly heldBack = new HeldBack();
  private readonly sequences = new AnnouncedSequences();

  constructor(
    private readonly target: RemoteTarget,
    private readonly timeouts: RemoteTimeouts = DEFAULT_TIMEOUTS,
    private readonly pool: RemotePoolState = remotePoolState(),
  ) {
    this.own = new HranaLine(target, timeouts, false);
    this.turn = new WriterTurn(pool, target, timeouts);
  }

  async execute(sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    const kind = classify(sql);
    // Round again after waiting for the writer turn: the transaction may have moved on meanwhile.
    for (;;) {
      // knex sends a transaction's statements concurrently when the code inside it does (Strapi's
      // import reads every table at once): those sent while the BEGIN is on its way go after it,
      // into the transaction it began, or fail with it.
      await this.carriedBegin.landed();
      if (this.transaction.phase === "open" && !this.transactionLine().usable()) {
        // The WebSocket died while the transaction waited for its next statement.
        this.transactionLine().dropStream();
        this.settle(transactionLost(this.target.display, "the connection closed while the transaction waited"));
      }
      if (this.transaction.phase === "lost") {
        // knex ends the transaction it lost with ROLLBACK, or COMMIT which fails.
        if (kind.type !== "begin") {
          const again = lostAgain(this.transaction);
          if (kind.type === "rollback" || kind.type === "commit") this.settle("end");
          if (kind.type === "rollback") return NO_ROWS;
          throw again;
        }
        // knex only reuses a connection once its transaction completed: that one is over.
        this.settle("end");
      }
      if (kind.type === "begin" && this.transaction.phase === "none") {
        // BEGIN waits for the transaction's first statement, and so does the pool's writer turn.
        this.transaction = pendingTransaction(textToSend(kind, sql));
        return NO_ROWS;
      }
      if (this.transaction.phase === "pending" && kind.type === "commit" && this.heldBack.size > 0) {
        return this.commitWhole(this.transaction.begin, sql);
      }
      if (this.transaction.phase === "pending" && (kind.type === "commit" || kind.type === "rollback")) {
        // Nothing of the transaction reached the server, so there is nothing to end there.
        this.settle("end");
        return NO_ROWS;
      }
      this.heldBack.before(kind, sql);
      if (this.transaction.phase === "open" && /^\s*savepoint\b/i.test(sql)) {
        // knex opens a savepoint for a nested transaction (SQLite's table rebuild makes two) and
        // waits for it before the first statement inside. It goes out with that statement, which
        // runs only if the savepoint opened; a transaction that ends first never needed it.
        this.heldBack.add(new hrana.Stmt(sql));
        return NO_ROWS;
      }
      if (this.transaction.phase === "open" && kind.type === "pragma" && kind.name === "foreign_keys") {
        // SQLite ignores it inside a transaction, and says so in its documentation. knex's table
        // rebuild sets it off and on around each rebuild, and Strapi rebuilds inside one.
        return NO_ROWS;
      }
      if (this.transaction.phase !== "pending" || this.turn.held) return this.run(kind, sql, args);
      // The BEGIN goes out with this statement, so the transaction takes the pool's writer turn
      // now: one that sends nothing (Strapi's update opens one with no statement in it) waits
      // for no other writer.
      const { serial } = this.transaction;
      await this.turn.forTransaction(() => endedSince(this.transaction, serial));
      if (endedSince(this.transaction, serial)) throw new Error(TRANSACTION_ENDED);
    }
  }

  /**
   * Inside a transaction, a write whose answer the caller does not read waits to go out with
   * the transaction's next statement (unread-answers.ts). Its failure is reported by that statement.
   */
  async executeUnread(sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    await this.carriedBegin.landed();
    const inTransaction = this.transaction.phase === "pending" || this.transaction.phase === "open";
    if (!mayWaitForNextStatement(inTransaction, sql)) return this.execute(sql, args);
    this.heldBack.add(new hrana.Stmt(sql).bindIndexes(args));
    return NO_ROWS;
  }

  expectSequence(statements: readonly Statement[]): void {
    this.sequences.expect(statements);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // knex destroys a connection whose transaction failed badly. On a line of its own the server
    // rolls the transaction back when the stream closes; the shared line stays open, so its
    // ROLLBACK goes out ahead of the next writer's requests.
    if (this.turn.held && this.transaction.phase !== "none" && this.transactionLine().shared) this.transactionLine().rollBack();
    this.settle("end");
    this.own.close();
    this.turn.leavePool();
  }

  /**
   * The one place the transaction ends ("end") or is lost (the reason): what it held back and
   * what knex announced for it go with it, and an ended one passes the writer turn on.
   */
  private settle(next: "end" | LibsqlConnectionError): void {
    if (next === "end") this.transaction = NO_TRANSACTION;
    // Only a transaction the server may have begun is lost; other states have nothing to lose.
    else if (this.transaction.phase !== "none") this.transaction = { phase: "lost", serial: this.transaction.serial, because: next };
    this.heldBack.clear();
    this.sequences.clear();
    if (next === "end") this.turn.endTransaction();
  }

  private async run(kind: StatementKind, sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    let result: hrana.RowsResult;
    const line = this.lineFor(kind);
    const alone = this.transaction.phase === "none" && kind.type === "other";
    const sentAt = Date.now();
    try {
      const attempt = () => this.query(line, kind, textToSend(kind, sql), args);
      const inOpenTransaction = this.transaction.phase === "open";
      const ahead = this.sequences.answerFor(sql, args, inOpenTransaction, (stmts) =>
        this.pool.health.oneAtATimeUntilAnswered(async () => {
          const client = await line.connect();
          return sendChained(this.route(line, client, line.currentStream(client, false)), this.heldBack.take(), stmts);
        }),
      );
      result = await (ahead ?? (alone ? this.sendAlone(line, attempt) : this.send(line, attempt)));
    } catch (error) {
      return this.failed(error, kind, line);
    }
    this.pool.health.answered(this.target.display, sentAt);
    if (kind.type === "commit" || kind.type === "rollback") this.settle("end");
    if (kind.type === "pragma" && this.transaction.phase === "none") recordPragma(line, this.pool.pragmas, kind.name, sql);
    return {
      columns: result.columnNames.map((name, index) => name ?? String(index)),
      rows: result.rows.map((row) => Array.from({ length: row.length }, (_, index) => row[index])),
      rowsAffected: result.affectedRowCount,
      lastInsertRowid: result.lastInsertRowid,
    };
  }

  /** The line a statement goes over (writer-turn.ts): a write's turn ends once sent (see sendNow). */
  private lineFor(kind: StatementKind): HranaLine {
    return this.turn.lineFor(this.transaction.phase !== "none" || kind.type === "other", this.own);
  }

  /** The line this session's transaction runs on. */
  private transactionLine(): HranaLine {
    return this.lineFor({ type: "other" });
  }

  private send<T>(line: HranaLine, attempt: () => Promise<T>): Promise<T> {
    return sendResendingUnrun(line, attempt, {
      health: this.pool.health,
      serverMayHoldTransaction: () => serverMayHoldTransaction(this.transaction),
      explained: (error) => explainedByHttp(error, this.target, this.pool.health, this.timeouts.connectMs),
    });
  }

  /**
   * A write outside a transaction, which takes the pool's writer turn as a transaction's first
   * statement does (transaction-turns.ts). Another process's write may hold sqld's lock:
   * refused as busy, the write ran nothing, and goes again.
   */
  private sendAlone<T>(line: HranaLine, attempt: () => Promise<T>): Promise<T> {
    return retryWhileBusy(() => this.turn.during(() => this.send(line, attempt)), this.timeouts.busyMs);
  }

  private async query(line: HranaLine, kind: StatementKind, sql: string, args: readonly SqlValue[]): Promise<hrana.RowsResult> {
    for (;;) {
      const client = await line.connect();
      if (!this.carriedBegin.onItsWay) return this.sendNow(line, client, kind, sql, args);
      // Another statement of the transaction sent the BEGIN while this one connected.
      await this.carriedBegin.landed();
      if (this.transaction.phase === "lost") throw this.transaction.because;
    }
  }

  private sendNow(line: HranaLine, client: hrana.Client, kind: StatementKind, sql: string, args: readonly SqlValue[]): Promise<hrana.RowsResult> {
    // knex closed the session while this statement connected, or ended its transaction while
    // this statement of it was on its way here: on the shared line, another writer's
    // transaction may be open by now.
    if (this.closed) return Promise.reject(new Error("libsql: the connection was closed"));
    if (line.shared && !this.turn.held) return Promise.reject(new Error(TRANSACTION_ENDED));
    const mayMove = !serverMayHoldTransaction(this.transaction);
    const stream = line.currentStream(client, mayMove);
    if (mayMove) catchUpPragmas(line, stream, this.pool.pragmas);
    const stmt = new hrana.Stmt(sql).bindIndexes(args);
    const route = this.route(line, client, stream);
    const pending = this.transaction.phase === "pending" ? this.transaction : undefined;
    // What waits for a statement of an open transaction; the batch has its own deadline.
    if (pending === undefined && this.heldBack.size > 0) {
      const answer = sendChained(route, this.heldBack.take(), [stmt], kind.type === "commit").then(([first]) => first!);
      if (line.shared && kind.type === "commit") this.turn.give();
      return answer;
    }
    let answer: Promise<hrana.RowsResult>;
    if (kind.type === "commit") {
      answer = commitOrRollBack(stream, stmt);
    } else if (pending === undefined) {
      answer = stream.query(stmt);
    } else {
      answer = this.carriedBegin.send(stream, pending.begin, this.heldBack.take(), stmt, {
        began: () => (this.transaction = { phase: "open", serial: pending.serial }),
        stillPending: () => this.transaction.phase === "pending",
        busyMs: this.timeouts.busyMs,
      });
    }
    // The last request of a write outside a transaction, or of a transaction, is on its way:
    // the next writer's requests on the shared line run after it.
    if (line.shared && (this.transaction.phase === "none" || kind.type === "commit" || kind.type === "rollback")) this.turn.give();
    // Over HTTP each fetch is bounded (fetchForHrana); a late WebSocket is closed.
    return route.overHttp ? answer : withDeadline(answer, this.timeouts.requestMs, () => client.close());
  }

  private route(line: HranaLine, client: hrana.Client, stream: hrana.Stream): BatchRoute {
    return { line, client, stream, overHttp: this.target.transport === "http", requestMs: this.timeouts.requestMs };
  }

  /**
   * A transaction whose every statement waited for its COMMIT (unread-answers.ts): BEGIN and they
   * go out with the COMMIT, as an open transaction's held-back statements do (sendNow), in one
   * batch sent as a write outside a transaction is: in the pool's writer turn, passed on once
   * the batch is sent, and again while another process's lock refuses the BEGIN.
   */
  private async commitWhole(begin: string, commit: string): Promise<SqlResult> {
    const whole = [new hrana.Stmt(begin), ...this.heldBack.take()];
    this.settle("end");
    const line = this.transactionLine();
    const sentAt = Date.now();
    try {
      await this.sendAlone(line, () => {
        // Each attempt sends them: the one before took them.
        this.heldBack.replaceWith(whole);
        return this.query(line, COMMIT, commit, []);
      });
    } catch (error) {
      return this.failed(error, COMMIT, line);
    }
    this.pool.health.answered(this.target.display, sentAt);
    return NO_ROWS;
  }

  /** What a failed statement leaves behind (explain-failure.ts), and the error knex gets (or, for a ROLLBACK, a result). */
  private failed(error: unknown, kind: StatementKind, line: HranaLine): SqlResult {
    const verdict = explainFailure(error, kind, {
      target: this.target,
      lineUsable: line.usable(),
      inTransaction: this.transaction.phase !== "none",
      connectionBroke: (broken) => connectionBroke(broken, line, this.target, this.pool.health),
    });
    if (verdict.transaction !== "keep") this.settle(verdict.transaction);
    if (verdict.answer === "no rows") return NO_ROWS;
    throw verdict.answer.error;
  }
}
