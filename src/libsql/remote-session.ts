// A remote session speaks Hrana to sqld / Turso over a stream, which the server backs with
// one SQLite connection (hrana-line.ts): knex's BEGIN/COMMIT and Strapi's pragmas mean there
// what they mean on a local file. Over WebSocket the session reads over a stream of its own,
// and writes and runs transactions over one the pool's sessions share, in turn.
//
// knex's BEGIN is not sent on its own: it goes out in one Hrana batch with the transaction's
// first statement, which runs only if BEGIN did. A transaction costs its statements' round
// trips and no more. A SAVEPOINT goes out with the statement after it in the same way, and so
// does a statement whose answer nobody reads (executeUnread); a transaction whose statements
// all waited so goes out whole with its COMMIT. A sequence knex announces (expectSequence: a
// table and its indexes, SQLite's table rebuild) goes in one batch, each statement only if the
// one before it succeeded, as knex would run them. A pool's sessions share their pragmas
// (pool-pragmas.ts) and take turns at writes (transaction-turns.ts).
//
// Connections break: the server forgets an HTTP stream after 10 s idle, a WebSocket dies
// with its TCP connection, a server restarts. Outside a transaction the session then opens a
// new stream (and a new WebSocket when the old one is closed) and sets the same pragmas
// again. It resends a statement only when the server said it ran nothing. Inside a
// transaction it never moves to a new connection: the server rolled the transaction back
// with the old one, so the session fails the transaction's statements until knex's ROLLBACK.
import * as hrana from "@libsql/hrana-client";
import { isBusy, retryWhileBusy } from "./busy-retry";
import { overHttp } from "./connection-url";
import { DEFAULT_TIMEOUTS, withDeadline, type RemoteTimeouts } from "./deadline";
import { HranaLine, type RemoteTarget } from "./hrana-line";
import { pipelineStatus } from "./http-fetch";
import {
  commitOutcomeUnknown,
  describeConnectionFailure,
  LibsqlConnectionError,
  transactionLost,
  transactionTimedOut,
  wasRefusedUnrun,
} from "./remote-errors";
import { remotePoolState, type RemotePoolState } from "./remote-pool";
import type { Session, SqlResult, Statement } from "./session";
import { classify, textToSend, type StatementKind } from "./statements";
import type { SqlValue } from "./values";

const TRANSACTION_ENDED = "libsql: the transaction ended before this statement of it could run; it ran nothing";

const NO_ROWS: SqlResult = { columns: [], rows: [], rowsAffected: 0, lastInsertRowid: undefined };

const COMMIT: StatementKind = { type: "commit" };

export class RemoteSession implements Session {
  /** The connection this session reads over, and over HTTP writes too. */
  private readonly own: HranaLine;
  private closed = false;
  /**
   * "pending": knex sent BEGIN, which waits to go out with the first statement; "lost": the
   * transaction ended on the server without knex knowing; its statements fail until ROLLBACK.
   */
  private transaction: "none" | "pending" | "open" | "lost" = "none";
  /** The BEGIN to send with the pending transaction's first statement. */
  private beginSql: string | undefined;
  /** The batch that carries BEGIN, while it is on its way. */
  private beginning: Promise<unknown> | undefined;
  /** Whether this session holds the pool's writer turn, for a transaction or a write outside one. */
  private holdsTurn = false;
  /** The pending transaction's request for the turn, while its first statements wait for it. */
  private turnRequest: Promise<void> | undefined;
  /** Counts BEGINs, so that a turn granted after its transaction ended is passed on. */
  private transactionsBegun = 0;
  /** Why, as the error the transaction's later statements get (a fresh one each time: knex prefixes its SQL). */
  private lostBecause: LibsqlConnectionError | undefined;
  /** A sequence knex announced, not begun yet (expectSequence). */
  private expected: readonly Statement[] = [];
  /** The rest of a sequence sent ahead in one batch: each statement's answer, in knex's order. */
  private ahead: Array<Statement & { answer: Promise<hrana.RowsResult> }> = [];
  /**
   * Statements of the transaction that go out with its next one, in knex's order: SAVEPOINTs
   * (see execute) and statements whose answer nobody reads (executeUnread), after the BEGIN of a
   * transaction sent whole (commitWhole). The first of them that fails fails the statement they
   * go out with.
   */
  private heldBack: hrana.Stmt[] = [];

  constructor(
    private readonly target: RemoteTarget,
    private readonly timeouts: RemoteTimeouts = DEFAULT_TIMEOUTS,
    private readonly pool: RemotePoolState = remotePoolState(),
  ) {
    this.own = new HranaLine(target, timeouts, false);
    pool.openSessions += 1;
  }

  async execute(sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    const kind = classify(sql);
    // knex sends a transaction's statements concurrently when the code inside it does (Strapi's
    // import reads every table at once): those sent while the BEGIN is on its way go after it,
    // into the transaction it began, or fail with it.
    while (this.beginning) await this.beginning.catch(() => undefined);
    if (this.transaction === "open" && !this.transactionLine().usable()) {
      // The WebSocket died while the transaction waited for its next statement.
      this.transactionLine().dropStream();
      this.loseTransaction(transactionLost(this.target.display, "the connection closed while the transaction waited"));
    }
    if (this.transaction === "lost") {
      return this.afterLostTransaction(kind, sql, args);
    }
    if (kind.type === "begin" && this.transaction === "none") {
      return this.begin(textToSend(kind, sql));
    }
    if (this.transaction === "pending" && kind.type === "commit" && this.heldBack.length > 0) {
      return this.commitWhole(sql);
    }
    if (this.transaction === "pending" && (kind.type === "commit" || kind.type === "rollback")) {
      // Nothing of the transaction reached the server, so there is nothing to end there.
      this.endTransaction();
      return NO_ROWS;
    }
    // What waited for the next statement need not run before a ROLLBACK, nor what a ROLLBACK TO
    // undoes: had it failed, the rollback would fail with it instead of running.
    this.heldBack = kind.type === "rollback" ? [] : withoutUndone(this.heldBack, sql);
    if (this.transaction === "open" && /^\s*savepoint\b/i.test(sql)) {
      // knex opens a savepoint for a nested transaction (SQLite's table rebuild makes two) and
      // waits for it before the first statement inside. It goes out with that statement, which
      // runs only if the savepoint opened; a transaction that ends first never needed it.
      this.heldBack.push(new hrana.Stmt(sql));
      return NO_ROWS;
    }
    if (this.transaction === "open" && kind.type === "pragma" && kind.name === "foreign_keys") {
      // SQLite ignores it inside a transaction, and says so in its documentation. knex's table
      // rebuild sets it off and on around each rebuild, and Strapi rebuilds inside one.
      return NO_ROWS;
    }
    if (this.transaction === "pending" && !this.holdsTurn) {
      // The BEGIN goes out with this statement, so the transaction takes the pool's writer turn
      // now: one that sends nothing (Strapi's update opens one with no statement in it) waits
      // for no other writer.
      const transaction = this.transactionsBegun;
      await this.takeTurnForTransaction();
      if (this.endedSince(transaction)) {
        throw new Error(TRANSACTION_ENDED);
      }
      return this.execute(sql, args);
    }

    let result: hrana.RowsResult;
    const line = this.lineFor(kind);
    const alone = this.transaction === "none" && kind.type === "other";
    const sentAt = Date.now();
    try {
      const attempt = () => this.query(line, kind, textToSend(kind, sql), args);
      result = await (this.inSequence(line, sql, args) ?? (alone ? this.sendAlone(line, attempt) : this.send(line, attempt)));
    } catch (error) {
      return this.failed(error, kind, line);
    }
    this.pool.health.answered(this.target.display, sentAt);
    this.track(kind, sql, line);
    return {
      columns: result.columnNames.map((name, index) => name ?? String(index)),
      rows: result.rows.map((row) => Array.from({ length: row.length }, (_, index) => row[index])),
      rowsAffected: result.affectedRowCount,
      lastInsertRowid: result.lastInsertRowid,
    };
  }

  /**
   * Inside a transaction, a write whose answer the caller does not read (Strapi's relation
   * links, relation-links.ts) waits to go out with the transaction's next statement: often its
   * COMMIT, and then the transaction holds the pool's writer for no round trip of its own. Its
   * failure is reported by that statement. Outside a transaction it runs as any other.
   */
  async executeUnread(sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    while (this.beginning) await this.beginning.catch(() => undefined);
    const waits = (this.transaction === "pending" || this.transaction === "open") && classify(sql).type === "other";
    if (!waits) return this.execute(sql, args);
    this.heldBack.push(new hrana.Stmt(sql).bindIndexes(args));
    return NO_ROWS;
  }

  expectSequence(statements: readonly Statement[]): void {
    // Only statements that change no session state here: a BEGIN, COMMIT or pragma takes its own path.
    const plain = statements.every(({ sql }) => ["other", "read"].includes(classify(sql).type));
    this.expected = plain && statements.length > 1 ? statements : [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // knex destroys a connection whose transaction failed badly. On a line of its own the server
    // rolls the transaction back when the stream closes; the shared line stays open, so its
    // ROLLBACK goes out ahead of the next writer's requests.
    if (this.holdsTurn && this.transaction !== "none" && this.transactionLine().shared) this.transactionLine().rollBack();
    this.endTransaction();
    this.own.close();
    this.pool.openSessions -= 1;
    if (this.pool.openSessions === 0) {
      this.pool.writerLine?.close();
      this.pool.writerLine = undefined;
    }
  }

  /**
   * The line a statement goes over. Over WebSocket, the pool's writes and transactions share one,
   * so that a writer's turn ends once its last request is sent (see sendNow): the line delivers
   * requests in order, and the server runs them in order on one SQLite connection. Over HTTP a
   * request waits for the answer before it (the baton), so the turn lasts until answered.
   */
  private lineFor(kind: StatementKind): HranaLine {
    const writes = this.transaction !== "none" || kind.type === "other";
    if (!writes || this.target.transport !== "ws") return this.own;
    return (this.pool.writerLine ??= new HranaLine(this.target, this.timeouts, true));
  }

  /** The line this session's transaction runs on. */
  private transactionLine(): HranaLine {
    return this.lineFor({ type: "other" });
  }

  /** A write outside a transaction, sent in the pool's writer turn. */
  private async inTurn<T>(send: () => Promise<T>): Promise<T> {
    await this.pool.turns.take();
    this.holdsTurn = true;
    try {
      return await send();
    } finally {
      this.giveTurn();
    }
  }

  private giveTurn(): void {
    if (!this.holdsTurn) return;
    this.holdsTurn = false;
    this.pool.turns.give();
  }

  /** One request, in the pool's first-contact queue; sent once more on a new stream when the server provably ran nothing. */
  private send<T>(line: HranaLine, attempt: () => Promise<T>): Promise<T> {
    return this.pool.health.oneAtATimeUntilAnswered(async () => {
      try {
        return await attempt();
      } catch (error) {
        // On the shared line this writer's turn has passed on: another's requests may follow.
        // Explained here, while the pool's first statements still go one at a time: the boot's
        // first failure must stay the one the dialect prints.
        if (line.shared || this.serverMayHoldTransaction() || !wasRefusedUnrun(error)) throw await this.explained(error);
        // The server ran nothing: the same statement on a new stream runs once.
        line.dropStream();
        return attempt();
      }
    });
  }

  /**
   * A write outside a transaction, which takes the pool's writer turn as a transaction's first
   * statement does (transaction-turns.ts). Another process's write may hold sqld's lock:
   * refused as busy, the write ran nothing, and goes again.
   */
  private sendAlone<T>(line: HranaLine, attempt: () => Promise<T>): Promise<T> {
    return retryWhileBusy(() => this.inTurn(() => this.send(line, attempt)), this.timeouts.busyMs);
  }

  private async query(line: HranaLine, kind: StatementKind, sql: string, args: readonly SqlValue[]): Promise<hrana.RowsResult> {
    for (;;) {
      const client = await line.connect();
      if (this.beginning === undefined) return this.sendNow(line, client, kind, sql, args);
      // Another statement of the transaction sent the BEGIN while this one connected.
      await this.beginning.catch(() => undefined);
      if (this.transaction === "lost" && this.lostBecause) throw this.lostBecause;
    }
  }

  private sendNow(line: HranaLine, client: hrana.Client, kind: StatementKind, sql: string, args: readonly SqlValue[]): Promise<hrana.RowsResult> {
    // knex closed the session while this statement connected, or ended its transaction while
    // this statement of it was on its way here: on the shared line, another writer's
    // transaction may be open by now.
    if (this.closed) return Promise.reject(new Error("libsql: the connection was closed"));
    if (line.shared && !this.holdsTurn) return Promise.reject(new Error(TRANSACTION_ENDED));
    const stream = line.currentStream(client, !this.serverMayHoldTransaction());
    if (!this.serverMayHoldTransaction()) this.catchUpPragmas(line, stream);
    const stmt = new hrana.Stmt(sql).bindIndexes(args);
    // What waits for a statement of an open transaction; the batch has its own deadline.
    if (this.beginSql === undefined && this.heldBack.length > 0) {
      const answer = this.afterHeldBack(line, client, stream, stmt, kind.type === "commit");
      if (line.shared && kind.type === "commit") this.giveTurn();
      return answer;
    }
    let pending: Promise<hrana.RowsResult>;
    if (kind.type === "commit") {
      pending = commitOrRollBack(stream, stmt);
    } else if (this.beginSql === undefined) {
      pending = stream.query(stmt);
    } else {
      const begin = this.beginSql;
      const heldBack = this.heldBack;
      this.heldBack = [];
      // A BEGIN refused as busy (another process writing) leaves the transaction pending: it
      // and the statements after it ran nothing, so the batch can go again.
      const beginning = retryWhileBusy(() => this.beginWith(stream, begin, heldBack, stmt), this.timeouts.busyMs, (error) => isBusy(error) && this.transaction === "pending");
      this.beginning = beginning;
      void beginning.catch(() => undefined).finally(() => {
        if (this.beginning === beginning) this.beginning = undefined;
      });
      pending = beginning;
    }
    // The last request of a write outside a transaction, or of a transaction, is on its way:
    // the next writer's requests on the shared line run after it.
    if (line.shared && (this.transaction === "none" || kind.type === "commit" || kind.type === "rollback")) this.giveTurn();
    // Over HTTP each fetch is bounded (fetchForHrana); a late WebSocket is closed.
    return this.target.transport === "http" ? pending : withDeadline(pending, this.timeouts.requestMs, () => client.close());
  }

  /**
   * The answer to this statement if it belongs to an announced sequence: taken from the batch
   * sent ahead, or the batch is sent now, when this is the sequence's first statement inside an
   * open transaction (outside one, each write takes the pool's turn on its own). Undefined: send
   * it as usual.
   */
  private inSequence(line: HranaLine, sql: string, args: readonly SqlValue[]): Promise<hrana.RowsResult> | undefined {
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
    // foreign_keys) never gets here inside a transaction: execute() answers it first.
    this.expected = [];
    if (!sameStatement(first, sql, args) || this.transaction !== "open") return undefined;
    const [answer, ...later] = this.sendAhead(line, [first, ...rest]);
    this.ahead = rest.map((statement, index) => ({ ...statement, answer: later[index]! }));
    return answer;
  }

  /** The statements in one batch, each run only if the one before it succeeded; their answers, in order. */
  private sendAhead(line: HranaLine, statements: readonly Statement[]): Promise<hrana.RowsResult>[] {
    const executed = this.pool.health.oneAtATimeUntilAnswered(async () => {
      const client = await line.connect();
      const stream = line.currentStream(client, false);
      return this.sendChained(line, client, stream, statements.map(({ sql, args }) => new hrana.Stmt(sql).bindIndexes(args)));
    });
    return statements.map((_, index) => {
      const answer = executed.then((answers) => answers[index]!);
      // Reported to whoever asks for it: knex never asks for those after a failed one.
      answer.catch(() => undefined);
      return answer;
    });
  }

  /** `stmt` after what waited for it (heldBack), in one batch; a COMMIT with its ROLLBACK should it fail. */
  private async afterHeldBack(line: HranaLine, client: hrana.Client, stream: hrana.Stream, stmt: hrana.Stmt, commits: boolean): Promise<hrana.RowsResult> {
    const [answer] = await this.sendChained(line, client, stream, [stmt], commits);
    return answer!;
  }

  /**
   * One batch: the statements held back (see heldBack), then `statements`, each step run only if
   * the one before it succeeded. Resolves to the statements' answers once the batch is
   * answered; a held-back statement that failed rejects it with its own error, and a statement
   * skipped after a failed one rejects.
   */
  private async sendChained(line: HranaLine, client: hrana.Client, stream: hrana.Stream, statements: hrana.Stmt[], endsWithCommit = false): Promise<Array<Promise<hrana.RowsResult>>> {
    const heldBack = this.heldBack;
    this.heldBack = [];
    const { batch, outputs } = chainedBatch(stream, [...heldBack, ...statements], endsWithCommit);
    // Each statement keeps the time it would have had on its own.
    line.requestStatements = outputs.length;
    try {
      const execution = batch.execute();
      await (this.target.transport === "http" ? execution : withDeadline(execution, this.timeouts.requestMs * outputs.length, () => client.close()));
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

  /** BEGIN waits for the transaction's first statement, and so does the pool's writer turn. */
  private begin(sql: string): Promise<SqlResult> {
    this.transaction = "pending";
    this.beginSql = sql;
    this.transactionsBegun += 1;
    return Promise.resolve(NO_ROWS);
  }

  /** Whether the transaction that was the `transaction`th BEGIN is over (knex ended it, or began another). */
  private endedSince(transaction: number): boolean {
    return this.transactionsBegun !== transaction || this.transaction === "none";
  }

  /** One request for the turn per transaction, however many of its first statements wait for it. */
  private takeTurnForTransaction(): Promise<void> {
    if (!this.turnRequest) {
      const transaction = this.transactionsBegun;
      this.turnRequest = this.pool.turns.take().then(() => {
        if (!this.endedSince(transaction)) this.holdsTurn = true;
        // knex ended the transaction while its statement waited: the turn is not this session's to keep.
        else this.pool.turns.give();
      });
    }
    return this.turnRequest;
  }

  /**
   * BEGIN, what the transaction held back (executeUnread), and its first statement sent, in one
   * batch: one round trip, and the statements run only inside the transaction.
   */
  private async beginWith(stream: hrana.Stream, begin: string, heldBack: readonly hrana.Stmt[], stmt: hrana.Stmt): Promise<hrana.RowsResult> {
    const { batch, outputs } = chainedBatch(stream, [new hrana.Stmt(begin), ...heldBack, stmt]);
    const began = outputs[0]!;
    const first = outputs[outputs.length - 1]!;
    try {
      await batch.execute();
    } catch (error) {
      // The answer is lost, not necessarily the batch: the server may be inside the
      // transaction now, so from here on knex's ROLLBACK must reach it.
      if (!wasRefusedUnrun(error)) {
        this.transaction = "open";
        this.beginSql = undefined;
      }
      throw error;
    }
    // A refused BEGIN (a busy lock) throws its own error and leaves the transaction pending:
    // the server skipped the statement, and there is nothing to roll back.
    await began;
    this.transaction = "open";
    this.beginSql = undefined;
    for (const output of outputs.slice(1, -1)) await output;
    const result = await first;
    if (result === undefined) throw new Error("libsql: the server skipped the first statement of a transaction it began");
    return result;
  }

  /**
   * A transaction whose every statement waited for its COMMIT (executeUnread): BEGIN and they go
   * out with the COMMIT, as an open transaction's held-back statements do (sendNow), in one
   * batch sent as a write outside a transaction is: in the pool's writer turn, passed on once
   * the batch is sent, and again while another process's lock refuses the BEGIN.
   */
  private async commitWhole(commit: string): Promise<SqlResult> {
    const whole = [new hrana.Stmt(this.beginSql!), ...this.heldBack];
    this.endTransaction();
    const line = this.lineFor({ type: "other" });
    const sentAt = Date.now();
    try {
      await this.sendAlone(line, () => {
        // Each attempt sends them: the one before took them out of heldBack.
        this.heldBack = [...whole];
        return this.query(line, COMMIT, commit, []);
      });
    } catch (error) {
      return this.failed(error, COMMIT, line);
    }
    this.pool.health.answered(this.target.display, sentAt);
    return NO_ROWS;
  }

  private endTransaction(): void {
    this.transaction = "none";
    this.beginSql = undefined;
    this.expected = [];
    this.ahead = [];
    this.heldBack = [];
    this.turnRequest = undefined;
    this.giveTurn();
  }

  /** Whether the server may be inside this session's transaction: then it must not move to another stream. */
  private serverMayHoldTransaction(): boolean {
    return this.transaction === "open" || this.transaction === "lost";
  }

  /**
   * Queues the pool's pragmas on a stream that has not applied them all. Not awaited: they
   * are pipelined ahead of the statement that follows (over HTTP, in the same request), so
   * they cost no round trip of their own.
   */
  private catchUpPragmas(line: HranaLine, stream: hrana.Stream): void {
    if (line.pragmasApplied === this.pool.pragmas.version) return;
    for (const pragma of this.pool.pragmas.all()) {
      stream.run(pragma).catch(() => undefined);
    }
    line.pragmasApplied = this.pool.pragmas.version;
  }

  /**
   * `error`, or what explains it better. A server that refuses the token can close the WebSocket
   * without saying why (sqld does for an expired token: code 1006); before the server ever
   * answered, HTTP on the same port is asked, and its 401 or 403 says it was the token.
   */
  private async explained(error: unknown): Promise<unknown> {
    const closedBy = error instanceof hrana.ClosedError ? error.cause : error;
    if (this.target.transport !== "ws" || this.pool.health.answeredOnce || !(closedBy instanceof hrana.WebSocketError)) return error;
    const status = await pipelineStatus(overHttp(this.target.endpoint), this.target.authToken, this.timeouts.connectMs);
    return status === 401 || status === 403 ? new hrana.HttpServerError(`asked over HTTP after the WebSocket closed: ${status}`, status) : error;
  }

  /** What a failed statement leaves behind, and the error knex gets (or, for a ROLLBACK, a result). */
  private failed(error: unknown, kind: StatementKind, line: HranaLine): SqlResult {
    const serverEndedTransaction = error instanceof hrana.ResponseError && error.code === "TRANSACTION_TIMEOUT";
    if (line.usable() && !serverEndedTransaction) {
      // SQLite refused the statement (constraint, syntax...): Strapi reads these as they are.
      // A refused COMMIT was rolled back with it (commitOrRollBack).
      if (kind.type === "commit") this.endTransaction();
      throw describeConnectionFailure(error, this.target, this.hasToken()) ?? error;
    }
    const failure = serverEndedTransaction ? error : this.connectionBroke(error, line);
    // A COMMIT outside a transaction is a whole one (commitWhole), ended before it was sent.
    if (this.transaction === "none") {
      throw kind.type === "commit" && !serverEndedTransaction ? commitOutcomeUnknown(this.target.display, failure) : failure;
    }

    // The server rolled the transaction back: its connection is gone, or it held the write
    // lock past the server's transaction timeout and another writer took it. (A pending
    // transaction's batch may have run too, on the connection that is gone.)
    const because = serverEndedTransaction
      ? transactionTimedOut(this.target.display, error)
      : transactionLost(this.target.display, failure);
    if (kind.type === "commit" || kind.type === "rollback") this.endTransaction();
    else this.loseTransaction(because);
    if (kind.type === "rollback") return NO_ROWS;
    if (kind.type === "commit" && !serverEndedTransaction) throw commitOutcomeUnknown(this.target.display, failure);
    throw because;
  }

  /** The transaction ended on the server; knex still has to end it. */
  private afterLostTransaction(kind: StatementKind, sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    const why = this.lostBecause;
    const again = () => new LibsqlConnectionError(why?.summary ?? "libsql: the transaction was rolled back", why?.cause);
    switch (kind.type) {
      case "rollback":
        this.endTransaction();
        return Promise.resolve(NO_ROWS);
      case "begin":
        // knex only reuses a connection once its transaction completed: that one is over.
        this.endTransaction();
        return this.execute(sql, args);
      case "commit":
        this.endTransaction();
        return Promise.reject(again());
      default:
        return Promise.reject(again());
    }
  }

  /** Forgets the broken stream, says so once per outage, and returns the error to report. */
  private connectionBroke(error: unknown, line: HranaLine): unknown {
    line.broke();
    const phase = this.pool.health.answeredOnce ? "running" : "connect";
    const failure = describeConnectionFailure(error, this.target, this.hasToken(), phase) ?? error;
    this.pool.health.broke(failure instanceof LibsqlConnectionError ? failure.summary : String(failure));
    return failure;
  }

  private hasToken(): boolean {
    return this.target.authToken !== undefined;
  }

  private loseTransaction(because: LibsqlConnectionError): void {
    this.transaction = "lost";
    this.beginSql = undefined;
    this.expected = [];
    this.ahead = [];
    this.heldBack = [];
    this.lostBecause = because;
  }

  private track(kind: StatementKind, sql: string, line: HranaLine): void {
    if (kind.type === "commit" || kind.type === "rollback") this.endTransaction();
    if (kind.type === "pragma" && this.transaction === "none") {
      const version = this.pool.pragmas.record(kind.name, sql);
      // Up to date only if no other session set a pragma since this stream caught up.
      if (line.pragmasApplied === version - 1) line.pragmasApplied = version;
    }
  }
}

/** COMMIT, and ROLLBACK in the same request if SQLite refused it (see chainedBatch). */
async function commitOrRollBack(stream: hrana.Stream, commit: hrana.Stmt): Promise<hrana.RowsResult> {
  const { batch, outputs } = chainedBatch(stream, [commit], true);
  await batch.execute();
  const result = await outputs[0]!;
  if (result === undefined) throw new Error("libsql: the server skipped a COMMIT");
  return result;
}

/**
 * `statements` in one batch, each run only if the one before it succeeded; their outputs, which
 * settle once the batch is answered (undefined for a statement skipped). `endsWithCommit`: the
 * last is a COMMIT, and a ROLLBACK follows it that runs unless it committed: SQLite keeps a
 * transaction open after refusing its COMMIT (a deferred foreign key), and knex sends nothing
 * after a failed COMMIT, so it would hold the write lock and the pool's writer turn until the
 * session closed. (When a BEGIN in the same batch was refused, the ROLLBACK fails harmlessly.)
 */
function chainedBatch(stream: hrana.Stream, statements: readonly hrana.Stmt[], endsWithCommit = false) {
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

/**
 * `heldBack` less what `sql`, when it is a `ROLLBACK TO <savepoint>`, undoes: everything after
 * that savepoint, which SQLite keeps open (knex releases it next). A savepoint not held back
 * was sent before all of them.
 */
function withoutUndone(heldBack: hrana.Stmt[], sql: string): hrana.Stmt[] {
  const to = /^\s*rollback\s+(?:transaction\s+)?to\s+(?:savepoint\s+)?(\w+)/i.exec(sql);
  if (!to) return heldBack;
  const savepoint = new RegExp(`^\\s*savepoint\\s+${to[1]}\\b`, "i");
  for (let at = heldBack.length - 1; at >= 0; at--) {
    const text = heldBack[at]!.sql;
    if (typeof text === "string" && savepoint.test(text)) return heldBack.slice(0, at + 1);
  }
  return [];
}

function sameStatement(statement: Statement, sql: string, args: readonly SqlValue[]): boolean {
  return statement.sql === sql && statement.args.length === args.length && statement.args.every((arg, index) => arg === args[index]);
}
