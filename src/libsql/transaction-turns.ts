// One writer at a time per remote pool: a transaction, or a single statement that may write.
// A transaction takes the turn with its first statement, which carries its BEGIN to the server.
// Over WebSocket the pool's writers share one connection, which the server serves in order: a
// turn ends once the write, or the transaction's COMMIT or ROLLBACK, is sent, and the next
// writer's requests follow it on the wire. Over HTTP a request waits for the answer before it,
// so a turn ends when that is answered, and each session writes over its own connection.
// Why writers of one process never meet on the server's lock: sqld 0.24 queues the writers waiting
// for its lock (libsql-server's connection_manager.rs). A queued writer keeps the read snapshot its
// statement began with, so it is refused as stale when the writer ahead of it commits and goes to
// the back of the queue (busy-retry.ts); one the queue does not hand the turn to sleeps until the
// holder's 5 s transaction timeout, and then steals the lock. Under that, test/resilience.test.ts
// saw writes stall 5 to 15 s and requests left unanswered for 30 s, both when a write outside a
// transaction passed the turn on once sent and when a COMMIT did, each session over its own
// connection. So a process's writes queue here, at no round trip, and reach the server one at a
// time; only writers of other processes can meet on the server's lock. Reads outside a transaction
// do not wait.

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
