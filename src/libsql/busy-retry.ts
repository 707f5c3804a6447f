// sqld 0.24 queues the writers of its connections (libsql-server's connection_manager.rs). A
// queued writer keeps the read snapshot its statement began with: when the writer ahead of it
// commits, SQLite refuses it as stale, and if its retry misses a 15 ms grace it goes to the back
// of the queue. A checkpoint that restarts the WAL (one in ten of sqld's) sends every queued
// writer away. Within about 0.1 s sqld answers SQLITE_BUSY, "database is locked". Several Strapi
// processes writing at once meet this, the more often the busier the server
// (test/resilience.test.ts failed on it in CI). A statement refused with SQLITE_BUSY ran nothing,
// so it is sent again, on the same connection, after a short random pause, until the busy
// timeout SQLite users know (better-sqlite3's 5 s) has passed.

/** How long a write waits for another connection's lock: SQLite's usual busy timeout, better-sqlite3's default. */
export const BUSY_TIMEOUT_MS = 5_000;

/** Whether the server refused the statement because another connection was writing. */
export function isBusy(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === "SQLITE_BUSY";
}

/**
 * Runs `attempt` until it succeeds, fails otherwise than `retryable` allows, or `budgetMs` has
 * passed; then the last error stands. Pauses grow from a few ms to at most 100 ms, each drawn at
 * random so that the writers of several processes do not meet again in step.
 */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, budgetMs: number, retryable: (error: unknown) => boolean = isBusy): Promise<T> {
  const giveUpAt = Date.now() + budgetMs;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const pauseMs = Math.random() * Math.min(100, 5 * 2 ** tries);
      if (!retryable(error) || Date.now() + pauseMs > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
