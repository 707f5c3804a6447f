import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkEdits, COMPAT_DOC, compatibleRange, formatTable, recordedBoots, TABLE_END, TABLE_START, withCompatTable } from "./compat";
import { pristineBundle } from "./pristine.fixture";

describe("patch:compat", () => {
  it("keeps 4.x releases from 4.15.0 on, in version order, without pre-releases or 5.x", () => {
    expect(compatibleRange(["4.9.0", "4.15.0", "5.0.0", "4.25.10", "4.25.9", "4.14.9", "4.26.0-beta.1", "4.16.0"])).toEqual([
      "4.15.0",
      "4.16.0",
      "4.25.9",
      "4.25.10",
    ]);
  });

  it("reports the edits as applying to the pristine 4.25.9 bundle, and names a missing anchor", async () => {
    const bundle = await pristineBundle();
    expect(checkEdits("4.25.9", bundle)).toEqual({ version: "4.25.9", edits: "applies" });
    const broken = bundle.replace("const getDialectClass = (client) => {\n", "function getDialectClass(client) {\n");
    expect(checkEdits("4.99.0", broken).edits).toBe('anchor "define-libsql-dialect" is not found');
    expect(formatTable([checkEdits("4.99.0", broken)])).toContain('| 4.99.0 | anchor "define-libsql-dialect" is not found | not checked |');
  });

  it("rewrites the table between the markers of docs/compatibility.md, and only there", () => {
    const doc = readFileSync(join(__dirname, "..", "..", COMPAT_DOC), "utf8");
    const table = formatTable([{ version: "4.99.0", edits: "applies", boots: true }]);
    const rewritten = withCompatTable(doc, table);
    expect(rewritten).toContain(`${TABLE_START}\n${table}\n${TABLE_END}`);
    expect(rewritten.slice(0, rewritten.indexOf(TABLE_START))).toBe(doc.slice(0, doc.indexOf(TABLE_START)));
    expect(rewritten.slice(rewritten.indexOf(TABLE_END))).toBe(doc.slice(doc.indexOf(TABLE_END)));
    expect(withCompatTable(rewritten, table)).toBe(rewritten);
    expect(() => withCompatTable("# no table here\n", table)).toThrow(/markers/);
  });

  it("reads back the boot results a table records, so that a run without --boot keeps them", () => {
    const table = formatTable([
      { version: "4.15.0", edits: "applies", boots: true },
      { version: "4.16.0", edits: "applies" },
      { version: "4.17.0", edits: "applies", boots: false },
    ]);
    expect(recordedBoots(`${TABLE_START}\n${table}\n${TABLE_END}`)).toEqual({ "4.15.0": true, "4.17.0": false });
  });
});
