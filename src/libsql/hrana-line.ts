// One connection to the server: a Hrana client, the stream on it (which the server backs with
// one SQLite connection), and how far that connection has caught up with the pool's pragmas.
// Each remote session reads over a line of its own; over WebSocket, the writes and transactions
// of a pool's sessions share one line (remote-session.ts says why).
import * as hrana from "@libsql/hrana-client";
import type { LibsqlTarget } from "./connection-url";
import { withDeadline, type RemoteTimeouts } from "./deadline";
import { fetchForHrana, probeHttp } from "./http-fetch";

export type RemoteTarget = Extract<LibsqlTarget, { kind: "remote" }>;

/** sqld expires idle HTTP streams after 10 s; starting a new one first saves a failed round trip. */
const HTTP_STREAM_FRESH_MS = 8_000;

export class HranaLine {
  private client: hrana.Client | undefined;
  /** Whether the server showed it is there since `client` was opened or a statement failed on it. */
  private connected = false;
  private stream: hrana.Stream | undefined;
  private lastUsed = 0;
  /** The version of the pool's pragmas that the current stream has applied (0: none). */
  pragmasApplied = 0;
  /** How many statements the request being sent carries, for its time budget over HTTP. */
  requestStatements = 1;

  constructor(
    private readonly target: RemoteTarget,
    private readonly timeouts: RemoteTimeouts,
    /** Whether the sessions of a pool send over this line in turn (their writes and transactions). */
    readonly shared: boolean,
  ) {}

  /**
   * The client, opened when there is none or the old one closed. Until the server has shown it
   * is there, waits for that first, at most `connectMs`: a server that accepts TCP and never
   * answers fails here, and a statement waiting for a lock does not count against it.
   */
  async connect(): Promise<hrana.Client> {
    if (!this.client || this.client.closed) {
      this.dropStream();
      this.client = this.openClient();
      this.connected = false;
    }
    const client = this.client;
    if (!this.connected) {
      if (this.target.transport === "ws") {
        await withDeadline(client.getVersion(), this.timeouts.connectMs, () => client.close());
      } else {
        await probeHttp(new URL("v2", this.target.endpoint).toString(), this.timeouts.connectMs);
      }
      this.connected = true;
    }
    return client;
  }

  /**
   * The stream to send on, a new one if the old one closed. `mayMove`: nothing on the server
   * depends on the old stream (no transaction), so an HTTP stream about to expire is replaced.
   */
  currentStream(client: hrana.Client, mayMove: boolean): hrana.Stream {
    const idle = Date.now() - this.lastUsed;
    const expiring = this.target.transport === "http" && mayMove && idle > HTTP_STREAM_FRESH_MS;
    this.lastUsed = Date.now();
    if (this.stream && this.usable() && !expiring) {
      return this.stream;
    }
    this.dropStream();
    const stream = client.openStream();
    stream.intMode = "bigint";
    this.stream = stream;
    this.pragmasApplied = 0;
    return stream;
  }

  usable(): boolean {
    return this.stream !== undefined && !this.stream.closed && this.client !== undefined && !this.client.closed;
  }

  /** Closes the stream: the server rolls back a transaction open on it. */
  dropStream(): void {
    if (this.stream && !this.stream.closed) this.stream.close();
    this.stream = undefined;
  }

  /** The connection failed: the next statement opens a new stream and first checks the server is there. */
  broke(): void {
    this.dropStream();
    this.connected = false;
  }

  /** Sends ROLLBACK after whatever was sent before it, and does not wait for the answer. */
  rollBack(): void {
    if (this.stream && this.usable()) this.stream.run("ROLLBACK").catch(() => undefined);
  }

  close(): void {
    this.dropStream();
    this.client?.close();
    this.client = undefined;
  }

  private openClient(): hrana.Client {
    const { endpoint, authToken } = this.target;
    return this.target.transport === "ws"
      ? hrana.openWs(endpoint, authToken)
      : hrana.openHttp(endpoint, authToken, fetchForHrana(() => this.timeouts.requestMs * this.requestStatements));
  }
}
