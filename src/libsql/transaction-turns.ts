// One writer at a time per remote pool: a transaction, or a single statement that may write.
// sqld holds a writer that arrives while another connection has the write lock until the lock
// is free, but rolls back a transaction that held it for 5 s once another writer waits: a burst
// of writes from one process must not pile up there. So they queue here, at no round trip; a
// writer's turn ends once its last statement (the write, or COMMIT) is on its way, and only
// that one may still be waited for on the server. Reads do not wait.

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
