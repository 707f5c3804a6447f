// The vitest side of the differential suite: the reference run on SQLite, and for each
// libSQL target one test per scenario section, comparing its responses with SQLite's.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECTION_NAMES } from "./scenario";
import { ROUNDED_BY_SQLITE } from "./sections/attributes";
import { SQLITE, UNIQUE_ERROR, runOn, type Database, type Target } from "./targets";
import type { Transcript } from "./transcript";

/** A boot plus the whole scenario takes 20-40 s on a busy 2-core machine. */
export const RUN_TIMEOUT_MS = 240_000;

export interface Reference {
  transcript(): Transcript;
  /** The SQLite database, kept (Strapi stopped) until the file's tests end. */
  database(): Database;
  scratch: string;
}

/** Runs the scenario on SQLite before the file's tests, and checks what only SQLite does. */
export function referenceOnSqlite(prefix: string): Reference {
  const scratch = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let transcript: Transcript | undefined;
  let database: Database | undefined;

  beforeAll(async () => {
    database = await SQLITE.create(scratch);
    transcript = await runOn(SQLITE, database);
  }, RUN_TIMEOUT_MS);
  afterAll(async () => {
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const reference: Reference = {
    scratch,
    transcript: () => transcript ?? fail("the SQLite reference run failed: see its error"),
    database: () => database ?? fail("the SQLite reference database was not created"),
  };

  describe(`${SQLITE.name}, the reference`, () => {
    it("rounds biginteger values beyond 2^53 (better-sqlite3 reads integers as JS numbers)", () => {
      // SQLite stores 9007199254740993 exactly; better-sqlite3 reads it as a JS number,
      // 9007199254740992, and Strapi stringifies that. libSQL returns the exact string, as
      // Postgres does (FACTS.md: the exact value is the bar for this type, not equality
      // with SQLite), so these values are checked per target instead of compared.
      const seen = reference.transcript().bigIntegers;
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen.map(({ value }) => value))).toEqual(new Set(Object.keys(ROUNDED_BY_SQLITE)));
    });

    it("hands a database UNIQUE violation to server code as SqliteError, code SQLITE_CONSTRAINT_UNIQUE", () => {
      expect(reference.transcript().facts.unique).toEqual(UNIQUE_AS_ON_SQLITE);
    });

    it("hands a database NOT NULL error to server code as better-sqlite3's SqliteError (Strapi maps only errno 19)", () => {
      // Strapi's SqliteDialect.transformErrors was written for node-sqlite3, whose errors
      // carry errno 19; better-sqlite3's carry only a string code, so on SQLite the raw
      // driver error reaches the code that called strapi.db.query(). The HTTP response is
      // the same 500 either way (compared in "errors").
      expect(reference.transcript().facts.notNull).toEqual({
        inserted: false,
        error: { name: "SqliteError", message: expect.stringContaining("NOT NULL constraint failed: fixtures_ledger_entries.label") },
      });
    });
  });

  return reference;
}

/**
 * What server code (a controller calling strapi.db.query()) catches when the database refuses
 * a duplicate in a UNIQUE index: Strapi maps no such error, the driver's passes through, and
 * code that tells it apart does so by `code`.
 */
const UNIQUE_AS_ON_SQLITE = {
  inserted: false,
  error: {
    name: "SqliteError",
    code: "SQLITE_CONSTRAINT_UNIQUE",
    message: expect.stringContaining("UNIQUE constraint failed: fixtures_ledger_entries.reference"),
  },
};

/** One libSQL target: its own database, the whole scenario, compared section by section. */
export function compareWithReference(target: Target, reference: Reference): void {
  describe(target.name, () => {
    let transcript: Transcript | undefined;
    let database: Database | undefined;

    beforeAll(async () => {
      database = await target.create(reference.scratch);
      transcript = await runOn(target, database);
    }, RUN_TIMEOUT_MS);
    afterAll(async () => {
      await database?.drop();
    });

    const run = () => transcript ?? fail(`the run on ${target.name} failed: see its error`);

    // A known difference between libSQL and SQLite (reported, not fixed in src/libsql):
    // `it.fails` passes while it lasts, and turns red, asking for the mark to go, once fixed.
    const check = (topic: string, title: string, body: () => void) => {
      const known = target.knownDifferences[topic];
      if (known === undefined) it(title, body);
      else it.fails(`${topic}: differs from SQLite, known: ${known}`, body);
    };

    for (const section of SECTION_NAMES) {
      check(section, `${section}: the same responses as SQLite`, () => {
        expect(run().sections[section]).toEqual(reference.transcript().sections[section]);
      });
    }

    check(UNIQUE_ERROR, `${UNIQUE_ERROR}: the same error class and code as on SQLite`, () => {
      expect(run().facts.unique).toEqual(UNIQUE_AS_ON_SQLITE);
    });

    it("returns biginteger values beyond 2^53 exactly, where SQLite rounds them", () => {
      const exact = reference.transcript().bigIntegers.map(({ step, value }) => ({ step, value: ROUNDED_BY_SQLITE[value] }));
      expect(run().bigIntegers).toEqual(exact);
    });

    it("maps a database NOT NULL error to Strapi's NotNullError", () => {
      expect(run().facts.notNull).toEqual({ inserted: false, error: { name: "NotNullError", message: "Not null constraint violation." } });
    });
  });
}

function fail(message: string): never {
  throw new Error(message);
}
