// knex's BEGIN, carried to the server with the transaction's first statement in one batch
// (chained-batch.ts: beginWith). While that batch is on its way, the transaction's other
// statements wait for it: they belong in the transaction it begins, or fail with it.
import type * as hrana from "@libsql/hrana-client";
import { isBusy, retryWhileBusy } from "./busy-retry";
import { beginWith } from "./chained-batch";

export class CarriedBegin {
  /** The batch that carries BEGIN, while it is on its way. */
  private beginning: Promise<unknown> | undefined;

  get onItsWay(): boolean {
    return this.beginning !== undefined;
  }

  /** Resolves once no BEGIN is on its way, however its batch ended. */
  async landed(): Promise<void> {
    while (this.beginning) await this.beginning.catch(() => undefined);
  }

  /**
   * BEGIN, `heldBack` and `stmt` in one batch; `stmt`'s answer. A BEGIN refused as busy (another
   * process writing) leaves the transaction pending (`stillPending`): it and the statements
   * after it ran nothing, so the batch goes again until `busyMs` passed.
   */
  send(
    stream: hrana.Stream,
    begin: string,
    heldBack: readonly hrana.Stmt[],
    stmt: hrana.Stmt,
    on: { began(): void; stillPending(): boolean; busyMs: number },
  ): Promise<hrana.RowsResult> {
    const beginning = retryWhileBusy(() => beginWith(stream, begin, heldBack, stmt, on.began), on.busyMs, (error) => isBusy(error) && on.stillPending());
    this.beginning = beginning;
    void beginning.catch(() => undefined).finally(() => {
      if (this.beginning === beginning) this.beginning = undefined;
    });
    return beginning;
  }
}
