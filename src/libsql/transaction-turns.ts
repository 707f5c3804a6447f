// One writer at a time per remote pool: a transaction, or a single statement that may write.
// sqld queues writers for its write lock only so long: a statement outside a transaction gets
// "database is locked" within about a second, and a transaction holding the lock is rolled
// back after 5 s once another writer waits. With one pooled connection, a process's writes
// queued in knex's pool instead, without those limits; several sessions queue here, at no
// round trip, so a burst of writes in one process waits rather than fails. Reads do not wait.

export class TransactionTurns {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly maxWaitMs: number) {}

  /** Resolves once the caller holds the turn; rejects after `maxWaitMs` without it. */
  take(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(
          new Error(
            `libsql: waited ${Math.round(this.maxWaitMs / 1000)} s for this process's other writes to finish; ` +
              "a transaction that waits for a write outside it cannot finish",
          ),
        );
      }, this.maxWaitMs);
      this.waiting.push(grant);
    });
  }

  /** Passes the turn to the next waiting transaction, if any. */
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}
