// A constraint violation reaches server code as Strapi on SQLite hands it over: better-sqlite3's
// SqliteError with SQLite's extended code (SQLITE_CONSTRAINT_UNIQUE, ...). Plugins tell the
// violations apart by that code: Strapi's own data transfer (`strapi import`) looks for
// SQLITE_CONSTRAINT_FOREIGNKEY. The `libsql` package throws such errors for files already. A
// server (sqld, Turso) reports the primary code only, SQLITE_CONSTRAINT, in a Hrana
// ResponseError whose message names the constraint: "SQLite error: UNIQUE constraint failed: t.c".

/** The error better-sqlite3 (and `libsql` for files) throws: its name, message and string code. */
export class SqliteError extends Error {
  override name = "SqliteError";
  constructor(
    message: string,
    readonly code: string,
    /** The extended result code, as `libsql` gives it in `rawCode`. */
    readonly rawCode: number,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * SQLite's messages and the extended codes they come with. A PRIMARY KEY collision reads
 * "UNIQUE constraint failed" too; its message cannot tell it from a UNIQUE index's, so it
 * gets SQLITE_CONSTRAINT_UNIQUE here where SQLite says SQLITE_CONSTRAINT_PRIMARYKEY.
 */
const CONSTRAINTS: ReadonlyArray<{ message: RegExp; code: string; rawCode: number }> = [
  { message: /^UNIQUE constraint failed/, code: "SQLITE_CONSTRAINT_UNIQUE", rawCode: 2067 },
  { message: /^NOT NULL constraint failed/, code: "SQLITE_CONSTRAINT_NOTNULL", rawCode: 1299 },
  { message: /^FOREIGN KEY constraint failed/, code: "SQLITE_CONSTRAINT_FOREIGNKEY", rawCode: 787 },
  { message: /^CHECK constraint failed/, code: "SQLITE_CONSTRAINT_CHECK", rawCode: 275 },
];

/** How sqld prefixes the message of an error SQLite raised. */
const SERVER_PREFIX = /^SQLite error: /;

/**
 * The error to hand on for `error`: a server's constraint violation as the SqliteError SQLite
 * would throw (the server's error as its `cause`); anything else as it is.
 */
export function asSqliteConstraintError(error: unknown): unknown {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== "SQLITE_CONSTRAINT") return error;
  const message = error.message.replace(SERVER_PREFIX, "");
  const known = CONSTRAINTS.find((constraint) => constraint.message.test(message));
  return known === undefined ? error : new SqliteError(message, known.code, known.rawCode, { cause: error });
}
