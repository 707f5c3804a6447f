// What a libSQL connection URL means: a local file, or a remote server reached over
// Hrana-over-HTTP or Hrana-over-WebSocket. Parsing happens once, before anything opens,
// so that a wrong setting fails at boot with a sentence instead of a timeout later.

/** How errors name the settings, so that the user knows which one to fix. */
export const URL_SETTING = "DATABASE_URL / connection.url";
export const SYNC_URL_SETTING = "TURSO_SYNC_URL / connection.syncUrl";

/** An embedded replica: the local file follows this primary and forwards writes to it. */
export interface ReplicaOf {
  /** The primary's base URL over HTTP(S), which libSQL's sync protocol uses. */
  endpoint: string;
  /** How the replica's writes and transactions reach the primary: what the sync URL's scheme names. */
  transport: "http" | "ws";
  authToken: string | undefined;
  /** Seconds between background syncs; 0 syncs only at open and before reads that follow this process's writes. */
  syncIntervalSeconds: number;
  display: string;
}

export type LibsqlTarget =
  | { kind: "file"; path: string; display: string; replicaOf?: ReplicaOf }
  | {
      kind: "remote";
      transport: "http" | "ws";
      /** The server's base URL, without query parameters (no token). */
      endpoint: string;
      authToken: string | undefined;
      /** Safe to print: never contains the token. */
      display: string;
      /** The setting a connection error tells the user to check; DATABASE_URL's unless said. */
      setting?: string;
    };

export interface ConnectionSettings {
  url?: unknown;
  /** The blog recipe put the URL in knex's `filename`; accepted for those configs. */
  filename?: unknown;
  authToken?: unknown;
  /** Opt-in embedded replica: `url` is then the local file, this the primary. */
  syncUrl?: unknown;
  /** Seconds between background syncs of a replica. */
  syncInterval?: unknown;
  /** Whether writes whose answer nobody reads may wait for the transaction's next statement (unread-answers.ts). */
  holdUnreadWrites?: unknown;
}

const KNOWN_PARAMETERS = new Set(["authToken", "tls"]);

/** A configuration mistake: the message names the setting and says what to do. */
export class LibsqlConfigError extends Error {
  override name = "LibsqlConfigError";
}

export function parseConnectionSettings(settings: ConnectionSettings): LibsqlTarget {
  const raw = settings.url ?? settings.filename;
  if (typeof raw !== "string" || raw.trim() === "") {
    throw new LibsqlConfigError(
      "libsql: connection.url is empty; set DATABASE_URL to file:.tmp/data.db, libsql://<db>.turso.io or http://127.0.0.1:8080",
    );
  }
  const settingToken = typeof settings.authToken === "string" && settings.authToken !== "" ? settings.authToken : undefined;
  const value = raw.trim();

  const syncUrl = typeof settings.syncUrl === "string" ? settings.syncUrl.trim() : "";
  if (syncUrl !== "") {
    if (!value.startsWith("file:")) {
      throw new LibsqlConfigError(
        "libsql: connection.syncUrl (TURSO_SYNC_URL) makes an embedded replica, whose connection.url (DATABASE_URL) must be a local file: URL such as file:.tmp/replica.db",
      );
    }
    return { ...parseFileUrl(value), replicaOf: parseReplicaOf(syncUrl, settingToken, settings.syncInterval) };
  }
  if (value.startsWith("file:")) {
    return parseFileUrl(value);
  }

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LibsqlConfigError(
      `libsql: connection.url "${redactToken(value)}" is not a URL; expected file:, libsql://, https://, wss://, http:// or ws://`,
    );
  }
  return parseRemoteUrl(url, settingToken);
}

function parseReplicaOf(syncUrl: string, settingToken: string | undefined, interval: unknown): ReplicaOf {
  let url: URL;
  try {
    url = new URL(syncUrl);
  } catch {
    throw new LibsqlConfigError(`libsql: connection.syncUrl (TURSO_SYNC_URL) "${redactToken(syncUrl)}" is not a URL; expected libsql://<db>.turso.io`);
  }
  const primary = parseRemoteUrl(url, settingToken);
  if (primary.kind !== "remote") throw new LibsqlConfigError("libsql: connection.syncUrl must name a remote database");
  const syncIntervalSeconds = interval === undefined || interval === "" ? 60 : Number(interval);
  if (!Number.isFinite(syncIntervalSeconds) || syncIntervalSeconds < 0) {
    throw new LibsqlConfigError(`libsql: connection.syncInterval (TURSO_SYNC_INTERVAL) is ${String(interval)}; give seconds, 0 or more`);
  }
  // The sync protocol is HTTP; a ws(s):// URL names the same server.
  const endpoint = overHttp(primary.endpoint);
  return { endpoint, transport: primary.transport, authToken: primary.authToken, syncIntervalSeconds, display: primary.display };
}

/**
 * The primary of an embedded replica, as the remote target its writes and transactions are sent
 * to: Hrana at the server the replica syncs from (sqld and Turso serve HTTP and WebSocket on one
 * port), over what the sync URL names, as DATABASE_URL would, and with the same token.
 */
export function primaryOf(replica: ReplicaOf): Extract<LibsqlTarget, { kind: "remote" }> {
  const { transport, authToken, display } = replica;
  const endpoint = transport === "ws" ? replica.endpoint.replace(/^http(s?):/, "ws$1:") : replica.endpoint;
  return { kind: "remote", transport, endpoint, authToken, display, setting: SYNC_URL_SETTING };
}

/** A remote endpoint as HTTP(S): sqld and Turso serve HTTP and WebSocket on one port. */
export function overHttp(endpoint: string): string {
  return endpoint.replace(/^ws(s?):/, "http$1:");
}

function parseFileUrl(value: string): Extract<LibsqlTarget, { kind: "file" }> {
  const path = value.slice("file:".length).replace(/^\/\/(?=\/)/, "");
  if (path === "" || path.includes("?")) {
    throw new LibsqlConfigError(
      `libsql: connection.url "${value}" is not a usable file URL; write file:path/to/data.db (relative to the app) or file:/absolute/path.db`,
    );
  }
  return { kind: "file", path, display: value };
}

function parseRemoteUrl(url: URL, settingToken: string | undefined): Extract<LibsqlTarget, { kind: "remote" }> {
  for (const name of url.searchParams.keys()) {
    if (!KNOWN_PARAMETERS.has(name)) {
      throw new LibsqlConfigError(
        `libsql: connection.url has an unknown query parameter "${name}"; only authToken and tls are understood`,
      );
    }
  }
  const urlToken = url.searchParams.get("authToken") ?? undefined;
  if (urlToken !== undefined && settingToken !== undefined && urlToken !== settingToken) {
    throw new LibsqlConfigError(
      "libsql: two different auth tokens are set, one in connection.url (?authToken=) and one in connection.authToken (TURSO_AUTH_TOKEN); keep only one",
    );
  }
  const authToken = settingToken ?? urlToken;
  const tls = parseTls(url.searchParams.get("tls"));

  const scheme = url.protocol.slice(0, -1);
  const transport = transportOf(scheme);
  if (transport === undefined) {
    throw new LibsqlConfigError(
      `libsql: connection.url has the unknown scheme "${scheme}:"; use libsql:, https:, wss: (Turso) or http:, ws: (a local sqld) or file:`,
    );
  }
  // libsql:// is Turso's own name for "the server, over TLS unless told otherwise";
  // HTTP is the transport that needs no long-lived socket, so it is the one chosen.
  const secure = scheme === "libsql" ? tls !== false : scheme === "https" || scheme === "wss";
  const endpointScheme = transport === "http" ? (secure ? "https" : "http") : secure ? "wss" : "ws";
  const endpoint = `${endpointScheme}://${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  const display = `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  return { kind: "remote", transport, endpoint, authToken, display };
}

function transportOf(scheme: string): "http" | "ws" | undefined {
  switch (scheme) {
    case "libsql":
    case "http":
    case "https":
      return "http";
    case "ws":
    case "wss":
      return "ws";
    default:
      return undefined;
  }
}

function parseTls(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  if (value === "0") return false;
  if (value === "1") return true;
  throw new LibsqlConfigError(`libsql: connection.url has tls=${value}; write tls=0 (plain) or tls=1 (TLS)`);
}

/** Removes an `authToken` query value from a string that may not even parse as a URL. */
export function redactToken(text: string): string {
  return text.replace(/(authToken=)[^&#\s]*/g, "$1<redacted>");
}
