// Turns what the Hrana client throws when the server cannot be used (refused token,
// nothing listening, not a libSQL server) into one sentence naming the setting to fix.
// Errors that SQLite raised for a statement pass through untouched: Strapi reads them.
import * as hrana from "@libsql/hrana-client";

export class LibsqlConnectionError extends Error {
  override name = "LibsqlConnectionError";
  /** The message as written here; knex prefixes the failed SQL to `message`. */
  readonly summary: string;
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.summary = message;
  }
}

const TOKEN_HINT = "check TURSO_AUTH_TOKEN (connection.authToken) or the URL's ?authToken=";

export function describeConnectionFailure(error: unknown, display: string, hasToken: boolean): LibsqlConnectionError | undefined {
  const where = `libsql: cannot use ${display} (DATABASE_URL / connection.url)`;
  const reason = failureReason(error, hasToken);
  return reason === undefined ? undefined : new LibsqlConnectionError(`${where}: ${reason}`, error);
}

function failureReason(error: unknown, hasToken: boolean): string | undefined {
  if (error instanceof hrana.HttpServerError) {
    if (error.status === 401 || error.status === 403) {
      return hasToken
        ? `the server refused the auth token (HTTP ${error.status}: wrong, expired or read-only); ${TOKEN_HINT}`
        : `the server wants an auth token and none is set (HTTP ${error.status}); ${TOKEN_HINT}`;
    }
    if (error.status === 404) return "the server has no Hrana endpoint there (HTTP 404): is this a libSQL server (sqld / Turso)?";
    return `the server answered HTTP ${error.status}`;
  }
  if (error instanceof hrana.ResponseError && error.code?.startsWith("AUTH_")) {
    return `the server refused the auth token (${error.code}); ${TOKEN_HINT}`;
  }
  if (error instanceof hrana.WebSocketError || error instanceof hrana.ProtoError || error instanceof hrana.ProtocolVersionError) {
    return `the WebSocket connection failed (${error.message}); check that the server is up, that it is a libSQL server, and the auth token (${TOKEN_HINT.replace("check ", "")})`;
  }
  if (error instanceof hrana.ClosedError) {
    return `the connection closed (${error.message})`;
  }
  if (error instanceof TypeError && error.message === "fetch failed") {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `nothing answers there (${cause?.code ?? cause?.message ?? "fetch failed"}); check the host and port, and that the server runs`;
  }
  return undefined;
}
