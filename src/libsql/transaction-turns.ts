// One writer at a time per remote pool: a transaction, or a single statement that may write.
// sqld holds a writer that arrives while another connection has the write lock until the lock
// is free, but rolls back a transaction that held it for 5 s once another writer waits, and
// with several writers waiting on its lock it was seen to leave some unanswered for over 30 s.
// So a process's writes queue here, at no round trip, and reach the server one at a time. The
// one overlap allowed: a transaction's turn passes on once its COMMIT is on its way, so the
// next transaction's BEGIN may wait on the server for that COMMIT alone. Reads do not wait.

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
