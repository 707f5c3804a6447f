// A remote session speaks Hrana to sqld / Turso over one stream, which the server backs
// with one SQLite connection: knex's BEGIN/COMMIT and Strapi's pragmas mean there what
// they mean on a local file. The server forgets an HTTP stream after 10 s idle and a
// WebSocket can drop; outside a transaction the session then opens a new stream, sets
// the same pragmas again, and resends a statement only when the server refused it
// without running it.
import * as hrana from "@libsql/hrana-client";
import type { LibsqlTarget } from "./connection-url";
import { describeConnectionFailure } from "./remote-errors";
import type { Session, SqlResult } from "./session";
import type { SqlValue } from "./values";

type RemoteTarget = Extract<LibsqlTarget, { kind: "remote" }>;

/** sqld expires idle HTTP streams after 10 s; starting a new one first saves a failed round trip. */
const HTTP_STREAM_FRESH_MS = 8_000;

export class RemoteSession implements Session {
  private client: hrana.Client | undefined;
  private stream: hrana.Stream | undefined;
  private lastUsed = 0;
  private inTransaction = false;
  /** `PRAGMA x = y` statements run outside a transaction, replayed on every new stream. */
  private readonly pragmas = new Map<string, string>();

  constructor(private readonly target: RemoteTarget) {}

  async execute(sql: string, args: readonly SqlValue[]): Promise<SqlResult> {
    let result: hrana.RowsResult;
    try {
      result = await this.queryResendingRefused(sql, args);
    } catch (error) {
      if (isConnectionLost(error)) {
        // The server rolled back whatever was open on the lost stream.
        this.dropStream();
        this.inTransaction = false;
      }
      throw describeConnectionFailure(error, this.target.display, this.target.authToken !== undefined) ?? error;
    }
    this.track(classify(sql), sql);
    return {
      columns: result.columnNames.map((name, index) => name ?? String(index)),
      rows: result.rows.map((row) => Array.from({ length: row.length }, (_, index) => row[index])),
      rowsAffected: result.affectedRowCount,
      lastInsertRowid: result.lastInsertRowid,
    };
  }

  async close(): Promise<void> {
    this.dropStream();
    this.client?.close();
    this.client = undefined;
  }

  private async queryResendingRefused(sql: string, args: readonly SqlValue[]): Promise<hrana.RowsResult> {
    try {
      return await this.query(sql, args);
    } catch (error) {
      if (this.inTransaction || !wasRefusedUnrun(error)) throw error;
      this.dropStream();
      return this.query(sql, args);
    }
  }

  private query(sql: string, args: readonly SqlValue[]): Promise<hrana.RowsResult> {
    const stream = this.currentStream();
    this.lastUsed = Date.now();
    return stream.query(new hrana.Stmt(sql).bindIndexes(args));
  }

  private currentStream(): hrana.Stream {
    const idle = Date.now() - this.lastUsed;
    if (this.stream && !this.stream.closed && !(this.target.transport === "http" && !this.inTransaction && idle > HTTP_STREAM_FRESH_MS)) {
      return this.stream;
    }
    this.dropStream();
    if (!this.client || this.client.closed) {
      this.client = this.openClient();
    }
    const stream = this.client.openStream();
    stream.intMode = "bigint";
    // Queued without awaiting: the HTTP stream sends them in the same request as the
    // statement that follows, so replaying pragmas costs no extra round trip.
    for (const pragma of this.pragmas.values()) {
      stream.run(pragma).catch(() => undefined);
    }
    this.stream = stream;
    return stream;
  }

  private openClient(): hrana.Client {
    const { endpoint, authToken } = this.target;
    return this.target.transport === "ws" ? hrana.openWs(endpoint, authToken) : hrana.openHttp(endpoint, authToken);
  }

  private dropStream(): void {
    if (this.stream && !this.stream.closed) this.stream.close();
    this.stream = undefined;
  }

  private track(kind: StatementKind, sql: string): void {
    if (kind.type === "begin") this.inTransaction = true;
    if (kind.type === "end") this.inTransaction = false;
    if (kind.type === "pragma" && !this.inTransaction) this.pragmas.set(kind.name, sql);
  }
}

type StatementKind = { type: "begin" } | { type: "end" } | { type: "pragma"; name: string } | { type: "other" };

function classify(sql: string): StatementKind {
  const text = sql.trim();
  if (/^begin\b/i.test(text)) return { type: "begin" };
  // ROLLBACK TO SAVEPOINT leaves the transaction open; plain ROLLBACK, COMMIT and END close it.
  if (/^(commit|end)\b/i.test(text) || /^rollback\s*(transaction\s*)?;?$/i.test(text)) return { type: "end" };
  const pragma = /^pragma\s+(\w+)\s*=/i.exec(text);
  if (pragma?.[1]) return { type: "pragma", name: pragma[1].toLowerCase() };
  return { type: "other" };
}

/** The server answered that the stream was gone before it ran anything: safe to resend. */
function wasRefusedUnrun(error: unknown): boolean {
  return error instanceof hrana.ResponseError && error.code === "STREAM_EXPIRED";
}

function isConnectionLost(error: unknown): boolean {
  return error instanceof hrana.ClosedError || error instanceof hrana.WebSocketError || error instanceof TypeError;
}
