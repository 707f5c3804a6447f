// Turns what the Hrana client throws when the server cannot be used (refused token,
// nothing listening, not a libSQL server, a connection that broke) into one sentence naming
// what to fix. Errors that SQLite raised for a statement pass through untouched: Strapi reads them.
import * as hrana from "@libsql/hrana-client";
import { URL_SETTING } from "./connection-url";
import { LibsqlTimeoutError } from "./deadline";

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

/**
 * "connect": the server never answered this session yet, so the setting is the likely culprit
 * (the boot prints this). "running": it did, and the connection broke since.
 */
export type FailurePhase = "connect" | "running";

const TOKEN_HINT = "check TURSO_AUTH_TOKEN (connection.authToken) or the URL's ?authToken=";
/** Node's codes for a certificate it does not trust (the TLS handshake's verdict). */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
/** fetch's causes that mean no connection was made at all. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export function describeConnectionFailure(
  error: unknown,
  target: { display: string; setting?: string },
  hasToken: boolean,
  phase: FailurePhase = "connect",
): LibsqlConnectionError | undefined {
  const { display, setting = URL_SETTING } = target;
  const where = phase === "connect" ? `libsql: cannot use ${display} (${setting})` : `libsql: lost the connection to ${display}`;
  const reason = failureReason(error, hasToken, phase);
  return reason === undefined ? undefined : new LibsqlConnectionError(`${where}: ${reason}`, error);
}

/** A statement of an open transaction found its connection gone: the server rolled the transaction back. */
export function transactionLost(display: string, cause: unknown): LibsqlConnectionError {
  return new LibsqlConnectionError(
    `libsql: the connection to ${display} broke inside a transaction (${shortReason(cause)}); ` +
      "the server rolled the transaction back, nothing of it was written",
    cause,
  );
}

/** The server took the write lock from a transaction that held it past its limit (sqld: 5 s) while another writer waited. */
export function transactionTimedOut(display: string, cause: unknown): LibsqlConnectionError {
  return new LibsqlConnectionError(
    `libsql: ${display} rolled the transaction back: it held the write lock longer than the server allows ` +
      "(TRANSACTION_TIMEOUT, 5 s on sqld and Turso) while another writer waited; nothing of it was written",
    cause,
  );
}

/** COMMIT was sent and no answer came back: the server may have committed or not. */
export function commitOutcomeUnknown(display: string, cause: unknown): LibsqlConnectionError {
  return new LibsqlConnectionError(
    `libsql: the connection to ${display} broke while COMMIT was in flight (${shortReason(cause)}); ` +
      "the transaction may or may not have been written",
    cause,
  );
}

/**
 * The server answered that it does not know the stream, before running anything: it expired
 * the stream (idle for 10 s), or it restarted and the baton means nothing to it any more.
 */
export function wasRefusedUnrun(error: unknown): boolean {
  if (error instanceof hrana.ResponseError) return error.code === "STREAM_EXPIRED";
  // sqld's BatonInvalid, BatonReused and BatonStreamClosed: HTTP 400, plain text.
  return error instanceof hrana.HttpServerError && error.status === 400 && /\bbaton\b/i.test(error.message);
}

function shortReason(error: unknown): string {
  if (typeof error === "string") return error;
  if (error instanceof LibsqlConnectionError) return error.summary.replace(/^libsql: [^:]*: /, "");
  return failureReason(error, true, "running") ?? (error instanceof Error ? error.message : String(error));
}

function isTimeout(error: unknown): error is Error {
  return error instanceof LibsqlTimeoutError || (error instanceof Error && error.name === "TimeoutError");
}

function failureReason(error: unknown, hasToken: boolean, phase: FailurePhase): string | undefined {
  // A closed client or stream carries the error that closed it.
  if (error instanceof hrana.ClosedError && error.cause !== undefined && !(error.cause instanceof hrana.ClosedError)) {
    return failureReason(error.cause, hasToken, phase) ?? `the connection closed (${error.message})`;
  }
  if (isTimeout(error)) {
    return phase === "connect" ? `${error.message}; check the host and port, and that the server runs (the wait is DATABASE_CONNECT_TIMEOUT)` : error.message;
  }
  if (error instanceof hrana.HttpServerError) {
    if (error.status === 401 || error.status === 403) {
      return hasToken ? `the server refused the auth token (HTTP ${error.status}: wrong, expired or read-only); ${TOKEN_HINT}` : noToken(`HTTP ${error.status}`);
    }
    if (error.status === 404) return "the server has no Hrana endpoint there (HTTP 404): is this a libSQL server (sqld / Turso)?";
    if (wasRefusedUnrun(error)) return "the server no longer knows the stream (it restarted)";
    return `the server answered HTTP ${error.status}`;
  }
  if (error instanceof hrana.ResponseError) {
    if (error.code?.startsWith("AUTH_")) return hasToken ? `the server refused the auth token (${error.code}); ${TOKEN_HINT}` : noToken(error.code);
    if (error.code === "STREAM_EXPIRED") return "the server expired the stream (STREAM_EXPIRED)";
    return undefined;
  }
  const tls = tlsFailure(error);
  if (tls !== undefined) return `${tls.problem}; ${tls.fix}`;
  if (error instanceof hrana.WebSocketError || error instanceof hrana.ProtoError || error instanceof hrana.ProtocolVersionError) {
    // The WebSocket passes on only the message of the socket's error, with Node's code in it.
    const unreachable = [...UNREACHABLE_CODES].find((code) => error.message.includes(code));
    if (unreachable !== undefined) return `nothing answers there (${unreachable}); check the host and port, and that the server runs`;
    return phase === "connect"
      ? `the WebSocket connection failed (${firstLine(error.message)}); check that the server is up, that it is a libSQL server, and the auth token (${TOKEN_HINT.replace("check ", "")})`
      : `the WebSocket failed (${firstLine(error.message)})`;
  }
  if (error instanceof hrana.ClosedError) {
    return `the connection closed (${error.message})`;
  }
  if (error instanceof TypeError && error.message === "fetch failed") {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? cause?.message ?? "fetch failed";
    if (phase === "connect" || UNREACHABLE_CODES.has(code)) {
      return `nothing answers there (${code}); check the host and port, and that the server runs`;
    }
    return `the connection broke (${code})`;
  }
  return undefined;
}

/** The server wants a token and none was sent; `how` is how it said so (HTTP 401, AUTH_HEADER_NOT_FOUND). */
function noToken(how: string): string {
  // Set, and still not sent: the app's config/database has a libsql connection that does not read
  // it (the blog recipe's, or one written by hand). "None is set" would send the user to a
  // variable that is fine.
  if (process.env.TURSO_AUTH_TOKEN) {
    return (
      `the server wants an auth token and none reaches it (${how}): TURSO_AUTH_TOKEN is set, but the app's ` +
      "config/database does not pass it on; add authToken: env('TURSO_AUTH_TOKEN') to the libsql connection"
    );
  }
  return `the server wants an auth token and none is set (${how}); ${TOKEN_HINT}`;
}

/**
 * A TLS handshake that failed: the server speaks no TLS (a local sqld behind libsql:// without
 * ?tls=0), or Node does not trust its certificate. Over HTTP the cause carries Node's code; the
 * WebSocket passes on only the message, OpenSSL's text. The boot's line and `pnpm db:check` both
 * say the problem and the fix.
 */
export function tlsFailure(error: unknown): { problem: string; fix: string } | undefined {
  const cause = error instanceof TypeError && error.message === "fetch failed" ? (error as { cause?: unknown }).cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const message = error instanceof hrana.WebSocketError ? error.message : cause instanceof Error ? cause.message : "";
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || /wrong version number/.test(message)) {
    return {
      problem: "the server does not speak TLS there (its answer is not a TLS handshake)",
      fix: "for a server without TLS (a local sqld) add ?tls=0 to a libsql:// URL, or write http:// or ws://",
    };
  }
  const certificate = typeof code === "string" && UNTRUSTED_CERTIFICATE_CODES.has(code);
  if (certificate || (error instanceof hrana.WebSocketError && /certificate|altnames/i.test(message))) {
    return {
      problem: `Node does not trust the server's TLS certificate (${certificate ? code : firstLine(message)})`,
      fix: "use the host name the certificate was issued for, or give Node its CA with NODE_EXTRA_CA_CERTS",
    };
  }
  return undefined;
}

/** OpenSSL's messages run over several lines; an error here is one. */
function firstLine(text: string): string {
  return text.split("\n")[0]!.trim();
}
