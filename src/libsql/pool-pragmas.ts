// Strapi sets `pragma foreign_keys` through whichever pooled connection knex hands it, and
// expects every later statement to run under it: on SQLite the pool is one connection. A
// remote pool has several sessions, so a pragma set on one is recorded here and each session
// applies the pool's pragmas before its next statement outside a transaction. The pool then
// behaves, for pragmas, like the single connection Strapi was written for.

export class PoolPragmas {
  private readonly statements = new Map<string, string>();
  private changes = 0;

  /** Records `PRAGMA name = ...` as run on one session; returns the version that includes it. */
  record(name: string, sql: string): number {
    this.statements.set(name, sql);
    return ++this.changes;
  }

  /** Goes up with every change; a session that applied an older version is behind. */
  get version(): number {
    return this.changes;
  }

  /** Every pragma set so far, the latest statement for each name. */
  all(): string[] {
    return Array.from(this.statements.values());
  }
}
