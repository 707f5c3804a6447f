// The databases the scenario runs on, and one run: an empty database, Strapi booted on it
// with the fixture plugin, the whole scenario, Strapi stopped.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startSqld } from "../helpers/sqld";
import { APP_DIR, startStrapi } from "../helpers/strapi";
import { runScenario } from "./scenario";
import { LARGE_RESPONSE, LONE_SURROGATE, NUL_CHARACTER } from "./sections/known-differences";
import { openSession, type Session } from "./session";
import type { Transcript } from "./transcript";

export interface Database {
  /** Strapi's database settings for it. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export interface Target {
  name: string;
  /** A new, empty database; files go under `scratch`. */
  create(scratch: string): Promise<Database>;
  /** Scenario sections known to answer otherwise than SQLite here, and why. */
  knownDifferences: Record<string, string>;
}

/**
 * The `libsql` package stores "before\0after" whole (hex 6265666F7265 00 6166746572) but
 * reads text only up to the NUL: Strapi returns "before".
 */
const NUL_LOCAL = "the libsql package reads text only up to its first U+0000 (the file holds the whole string)";
/**
 * better-sqlite3 writes a lone surrogate as the 3 bytes of its code point (invalid UTF-8) and
 * reads back three U+FFFD; the libsql engine binds one U+FFFD.
 */
const SURROGATE_LOCAL = "the libsql engine stores a lone surrogate as one U+FFFD, better-sqlite3 as three";
/**
 * sqld's JSON parser refuses the escape "\ud83e" that the Hrana client would send (HTTP 400, or
 * the WebSocket closed with code 1007), so the client binds one U+FFFD instead (values.ts), as
 * the local engine stores it; better-sqlite3 reads back three.
 */
const SURROGATE_REMOTE = "the client binds a lone surrogate as one U+FFFD (sqld refuses its JSON escape \\ud83e), better-sqlite3 stores it as three";
/** sqld (and Turso) refuse to send a result over 10 MB: "Response is too large". */
const LARGE_REMOTE = "sqld caps a query result at 10 MB (\"Response is too large\"): Strapi answers 500";

/** The check of what server code catches on a UNIQUE violation (suite.ts). */
export const UNIQUE_ERROR = "a UNIQUE violation in server code";

const nothingToDrop = async () => {};

export const SQLITE: Target = {
  name: "SQLite (better-sqlite3)",
  create: async (scratch) => ({ env: { DATABASE_CLIENT: "sqlite", DATABASE_FILENAME: join(scratch, "sqlite.db") }, drop: nothingToDrop }),
  knownDifferences: {},
};

export const LIBSQL_FILE: Target = {
  name: "libSQL file:",
  create: async (scratch) => ({ env: { DATABASE_URL: `file:${join(scratch, "libsql.db")}` }, drop: nothingToDrop }),
  knownDifferences: { [NUL_CHARACTER]: NUL_LOCAL, [LONE_SURROGATE]: SURROGATE_LOCAL },
};

/** A fresh sqld (JWT auth, as on Turso) reached over one of its URL forms; `settings`: more of the app's variables, named in the target's name. */
export function sqld(scheme: "ws" | "http" | "libsql", settings: Record<string, string> = {}): Target {
  const form = scheme === "libsql" ? "libsql://?tls=0" : `${scheme}://`;
  const named = Object.entries(settings).map(([name, value]) => `, ${name}=${value}`).join("");
  return {
    name: `libSQL server (sqld) over ${form}${named}`,
    create: async () => {
      const server = await startSqld();
      return { env: { DATABASE_URL: server.url(scheme), TURSO_AUTH_TOKEN: server.authToken, ...settings }, drop: () => server.stop() };
    },
    knownDifferences: { [LONE_SURROGATE]: SURROGATE_REMOTE, [LARGE_RESPONSE]: LARGE_REMOTE },
  };
}

/** What Strapi needs besides the database: the fixture plugin switched on. */
export const withFixtures = (env: Record<string, string>) => ({ ...env, STRAPI_LIBSQL_TEST_FIXTURES: "true" });

/** Boots Strapi on `database`, runs `work` with a session, stops Strapi and removes what it uploaded. */
export async function withStrapi<T>(target: Target, database: Database, work: (session: Session) => Promise<T>): Promise<T> {
  const strapi = await startStrapi({ env: withFixtures(database.env), readyTimeoutMs: 120_000 });
  let session: Session | undefined;
  try {
    session = await openSession(strapi.baseUrl);
    return await work(session);
  } catch (error) {
    // A 500 in the scenario is explained in Strapi's log, not in the response.
    (error as Error).message += `\n--- ${target.name}: the end of Strapi's output ---\n${strapi.output().slice(-3000)}`;
    throw error;
  } finally {
    await strapi.stop();
    for (const url of session?.uploads ?? []) rmSync(join(APP_DIR, "public", url), { force: true });
  }
}

export async function runOn(target: Target, database: Database): Promise<Transcript> {
  return withStrapi(target, database, (session) => runScenario(target.name, session));
}
