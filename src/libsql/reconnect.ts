// Connections break: the server forgets an HTTP stream after 10 s idle, a WebSocket dies with
// its TCP connection, a server restarts. Outside a transaction a remote session then opens a
// new stream (and a new WebSocket when the old one is closed) and sets the pool's pragmas again,
// ahead of its next statement. It resends a statement only when the server said it ran nothing.
// Inside a transaction it never moves to a new connection (remote-session.ts).
import type * as hrana from "@libsql/hrana-client";
import type { HranaLine, RemoteTarget } from "./hrana-line";
import type { PoolPragmas } from "./pool-pragmas";
import { describeConnectionFailure, LibsqlConnectionError, wasRefusedUnrun } from "./remote-errors";
import type { ServerHealth } from "./server-health";

export interface ResendRules {
  health: ServerHealth;
  /** Whether the server may be inside the session's transaction: then it must not move to another stream. */
  serverMayHoldTransaction(): boolean;
  /** The error to report instead of `error` (explain-failure.ts). */
  explained(error: unknown): Promise<unknown>;
}

/** One request, in the pool's first-contact queue; sent once more on a new stream when the server provably ran nothing. */
export function sendResendingUnrun<T>(line: HranaLine, attempt: () => Promise<T>, rules: ResendRules): Promise<T> {
  return rules.health.oneAtATimeUntilAnswered(async () => {
    try {
      return await attempt();
    } catch (error) {
      // On the shared line this writer's turn has passed on: another's requests may follow.
      // Explained here, while the pool's first statements still go one at a time: the boot's
      // first failure must stay the one the dialect prints.
      if (line.shared || rules.serverMayHoldTransaction() || !wasRefusedUnrun(error)) throw await rules.explained(error);
      // The server ran nothing: the same statement on a new stream runs once.
      line.dropStream();
      return attempt();
    }
  });
}

/** Forgets the broken stream, says so once per outage, and returns the error to report. */
export function connectionBroke(error: unknown, line: HranaLine, target: RemoteTarget, health: ServerHealth): unknown {
  line.broke();
  const phase = health.answeredOnce ? "running" : "connect";
  const failure = describeConnectionFailure(error, target, target.authToken !== undefined, phase) ?? error;
  health.broke(failure instanceof LibsqlConnectionError ? failure.summary : String(failure));
  return failure;
}

/**
 * Queues the pool's pragmas on a stream that has not applied them all. Not awaited: they
 * are pipelined ahead of the statement that follows (over HTTP, in the same request), so
 * they cost no round trip of their own.
 */
export function catchUpPragmas(line: HranaLine, stream: hrana.Stream, pragmas: PoolPragmas): void {
  if (line.pragmasApplied === pragmas.version) return;
  for (const pragma of pragmas.all()) {
    stream.run(pragma).catch(() => undefined);
  }
  line.pragmasApplied = pragmas.version;
}

/** A pragma set outside a transaction, recorded for the pool's other streams and for this one's next. */
export function recordPragma(line: HranaLine, pragmas: PoolPragmas, name: string, sql: string): void {
  const version = pragmas.record(name, sql);
  // Up to date only if no other session set a pragma since this stream caught up.
  if (line.pragmasApplied === version - 1) line.pragmasApplied = version;
}
