// The connect and statement timeouts, as settings: DATABASE_CONNECT_TIMEOUT and
// DATABASE_STATEMENT_TIMEOUT, or connection.connectTimeout and connection.statementTimeout in
// config/database. deadline.ts says what each bounds and why its default is what it is.
import { LibsqlConfigError } from "./connection-url";
import { DEFAULT_TIMEOUTS, type RemoteTimeouts } from "./deadline";

export interface TimeoutSettings {
  /** Milliseconds a new connection may take to show the server is there. */
  connectTimeout?: unknown;
  /** Milliseconds one statement may take. */
  statementTimeout?: unknown;
}

const SETTINGS = {
  connectTimeout: { variable: "DATABASE_CONNECT_TIMEOUT", field: "connectMs" },
  statementTimeout: { variable: "DATABASE_STATEMENT_TIMEOUT", field: "requestMs" },
} as const;

/** The timeouts the settings give; unset or empty means the default. */
export function parseTimeouts(settings: TimeoutSettings): RemoteTimeouts {
  const timeouts: RemoteTimeouts = { ...DEFAULT_TIMEOUTS };
  for (const [key, { variable, field }] of Object.entries(SETTINGS) as Array<[keyof TimeoutSettings, (typeof SETTINGS)[keyof TimeoutSettings]]>) {
    const value = settings[key];
    if (value === undefined || value === null || value === "") continue;
    const ms = typeof value === "number" ? value : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(ms) || ms < 1) {
      throw new LibsqlConfigError(
        `libsql: connection.${key} (${variable}) is ${JSON.stringify(value)}; give a whole number of milliseconds such as ${DEFAULT_TIMEOUTS[field]}, or leave it unset`,
      );
    }
    timeouts[field] = ms;
  }
  return timeouts;
}
