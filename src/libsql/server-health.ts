// Whether the server answers, as the sessions of one pool last saw it, so that an outage is
// reported once per process rather than once per pooled connection: when it starts, and
// when the server answers again.
import { formatSeconds } from "./deadline";

export class ServerHealth {
  private state: "unknown" | "up" | "down" = "unknown";
  private downSince = 0;
  private firstContact: Promise<unknown> = Promise.resolve();

  /** Whether the server has answered yet: until then a failure is a failure to connect. */
  get answeredOnce(): boolean {
    return this.state !== "unknown";
  }

  /**
   * Until the server has answered once, runs the pool's statements one at a time. At boot,
   * Strapi's first statements race on several connections; against a wrong URL or token the
   * first failure is then the only one (the dialect prints it and exits), rather than several
   * printed at once.
   */
  oneAtATimeUntilAnswered<T>(send: () => Promise<T>): Promise<T> {
    if (this.state !== "unknown") return send();
    const result = this.firstContact.then(send);
    this.firstContact = result.catch(() => undefined);
    return result;
  }

  /** A connection broke; `summary` says how. Printed when this starts an outage. */
  broke(summary: string): void {
    if (this.state === "up") {
      this.downSince = Date.now();
      console.error(`${summary}; each statement tries a new connection until the server answers`);
    }
    if (this.state !== "unknown") this.state = "down";
  }

  /**
   * The server answered a statement sent at `sentAt`. An answer to a statement sent before
   * the outage began says nothing about the server now, so it does not end the outage.
   */
  answered(display: string, sentAt: number): void {
    if (this.state === "down") {
      if (sentAt < this.downSince) return;
      console.error(`libsql: ${display} answers again, after ${formatSeconds(Date.now() - this.downSince)}`);
    }
    this.state = "up";
  }
}
