// `strapi export` from the SQLite reference, `strapi import` into a fresh libSQL server: the
// path a developer takes to move an existing app's data from SQLite to libSQL.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runStrapiCommand } from "../helpers/strapi";
import { readFinalState } from "./scenario";
import { FINAL_STATE } from "./sections/final-state";
import { RUN_TIMEOUT_MS, type Reference } from "./suite";
import { sqld, withFixtures, withStrapi } from "./targets";

const CLI_TIMEOUT_MS = 120_000;

export function exportImportSuite(reference: Reference): void {
  const target = sqld("http");

  describe(`strapi export from SQLite, strapi import into ${target.name}`, () => {
    it(
      "reads back the same as SQLite",
      async () => {
        const archive = join(reference.scratch, "export");
        // `--exclude files` keeps the media entries and leaves out only the files themselves:
        // the scenario's uploads are removed from public/uploads after each run, and on
        // import the local upload provider would move public/uploads aside and put the
        // archive's files in its place, in the working tree other runs use.
        const noFiles = ["--exclude", "files"];
        const exported = await runStrapiCommand(["export", "--no-encrypt", "--no-compress", ...noFiles, "-f", archive], withFixtures(reference.database().env), CLI_TIMEOUT_MS);
        expect(exported.code, exported.output).toBe(0);

        const database = await target.create(reference.scratch);
        try {
          const imported = await runStrapiCommand(["import", "-f", `${archive}.tar`, "--force", ...noFiles], withFixtures(database.env), CLI_TIMEOUT_MS);
          expect(imported.code, imported.output).toBe(0);

          // Admin users and API tokens are not exported: the session registers a new admin.
          const transcript = await withStrapi(target, database, (session) => readFinalState(`${target.name} after import`, session));
          expect(transcript.sections[FINAL_STATE]).toEqual(reference.transcript().sections[FINAL_STATE]);
          // The export carries SQLite's values, already rounded: libSQL reads back what it got.
          expect(transcript.bigIntegers).toEqual(reference.transcript().bigIntegers.filter(({ step }) => step.startsWith(FINAL_STATE)));
        } finally {
          await database.drop();
        }
      },
      RUN_TIMEOUT_MS,
    );
  });
}
