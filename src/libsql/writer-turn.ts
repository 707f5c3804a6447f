// A session's part in its pool's writer turn (transaction-turns.ts): whether it holds the
// turn, for a transaction or for a write outside one, the one request for it that a pending
// transaction's first statements share, and the line its writes go over.
import type { RemoteTimeouts } from "./deadline";
import { HranaLine, type RemoteTarget } from "./hrana-line";
import type { RemotePoolState } from "./remote-pool";

export class WriterTurn {
  private holds = false;
  /** The pending transaction's request for the turn, while its first statements wait for it. */
  private request: Promise<void> | undefined;
  private readonly turns: RemotePoolState["turns"];

  constructor(
    private readonly pool: RemotePoolState,
    private readonly target: RemoteTarget,
    private readonly timeouts: RemoteTimeouts,
  ) {
    this.turns = pool.turns;
    pool.openSessions += 1;
  }

  /**
   * The line a statement goes over: `own`, or for a write over WebSocket the one the pool's
   * writes and transactions share, so that a writer's turn ends once its last request is sent:
   * the line delivers requests in order, and the server runs them in order on one SQLite
   * connection. Over HTTP a request waits for the answer before it (the baton), so the turn
   * lasts until answered.
   */
  lineFor(writes: boolean, own: HranaLine): HranaLine {
    if (!writes || this.target.transport !== "ws") return own;
    return (this.pool.writerLine ??= new HranaLine(this.target, this.timeouts, true));
  }

  /** The session closed: the writer line closes with the pool's last. */
  leavePool(): void {
    this.pool.openSessions -= 1;
    if (this.pool.openSessions === 0) {
      this.pool.writerLine?.close();
      this.pool.writerLine = undefined;
    }
  }

  get held(): boolean {
    return this.holds;
  }

  /** A write outside a transaction, sent in the pool's writer turn. */
  async during<T>(send: () => Promise<T>): Promise<T> {
    await this.turns.take();
    this.holds = true;
    try {
      return await send();
    } finally {
      this.give();
    }
  }

  /**
   * One request for the turn per transaction, however many of its first statements wait for
   * it. `ended`: whether that transaction is over by the time the turn comes.
   */
  forTransaction(ended: () => boolean): Promise<void> {
    this.request ??= this.turns.take().then(() => {
      if (!ended()) this.holds = true;
      // knex ended the transaction while its statement waited: the turn is not this session's to keep.
      else this.turns.give();
    });
    return this.request;
  }

  give(): void {
    if (!this.holds) return;
    this.holds = false;
    this.turns.give();
  }

  /** The transaction ended: its request is spent, and the turn passes on. */
  endTransaction(): void {
    this.request = undefined;
    this.give();
  }
}
