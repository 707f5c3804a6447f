// Statements of a transaction that go out with its next one, in knex's order: SAVEPOINTs
// (remote-session.ts says why) and writes whose answer nobody reads (unread-answers.ts), after
// the BEGIN of a transaction sent whole. The first of them that fails fails the statement they
// go out with (chained-batch.ts).
import * as hrana from "@libsql/hrana-client";
import type { StatementKind } from "./statements";

export class HeldBack {
  private statements: hrana.Stmt[] = [];

  get size(): number {
    return this.statements.length;
  }

  add(stmt: hrana.Stmt): void {
    this.statements.push(stmt);
  }

  /** All of them, to send now; none is left. */
  take(): hrana.Stmt[] {
    const taken = this.statements;
    this.statements = [];
    return taken;
  }

  /** Holds exactly `statements`: what one attempt of a batch sends again on the next. */
  replaceWith(statements: readonly hrana.Stmt[]): void {
    this.statements = [...statements];
  }

  clear(): void {
    this.statements = [];
  }

  /**
   * What waited for the next statement need not run before a ROLLBACK, nor what a ROLLBACK TO
   * undoes: had it failed, the rollback would fail with it instead of running.
   */
  before(kind: StatementKind, sql: string): void {
    this.statements = kind.type === "rollback" ? [] : withoutUndone(this.statements, sql);
  }
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
