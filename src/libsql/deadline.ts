// How long a remote statement may take. A server that accepts the TCP connection and never
// answers (a hung host, a black-holing firewall) would otherwise hold a request, and the
// boot, forever: neither fetch nor the WebSocket has a timeout of its own.
import { BUSY_TIMEOUT_MS } from "./busy-retry";

export interface RemoteTimeouts {
  /**
   * How long a new connection may take to show the server is there: the WebSocket to open, or
   * over HTTP a GET of the Hrana version path. It bounds a boot against a server that accepts
   * TCP and never answers, and each attempt while the server is away.
   */
  connectMs: number;
  /** How long one statement may take, including a BEGIN waiting for another writer's lock (sqld: up to 5 s). */
  requestMs: number;
  /** How long a write the server refused as busy (another connection writing) is sent again: busy-retry.ts. */
  busyMs: number;
}

/**
 * 3 s to connect: the server's HTTP layer answers the probe without touching the database, so a
 * working server answers within DNS + TCP + TLS, well under a second even across continents;
 * and a boot against a host that never answers must end, with its one line, within 10 s.
 * 30 s for a statement: Strapi's own statements take milliseconds; this only ends a hang.
 * 5 s of retries for a write refused as busy (busy-retry.ts).
 */
export const DEFAULT_TIMEOUTS: RemoteTimeouts = { connectMs: 3_000, requestMs: 30_000, busyMs: BUSY_TIMEOUT_MS };

export class LibsqlTimeoutError extends Error {
  override name = "LibsqlTimeoutError";
  constructor(readonly ms: number) {
    super(`no answer within ${formatSeconds(ms)}`);
  }
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * Settles as `promise` does, or after `ms` calls `onTimeout` (which must stop the work, e.g.
 * close the WebSocket) and rejects with a LibsqlTimeoutError.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new LibsqlTimeoutError(ms));
      onTimeout();
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
