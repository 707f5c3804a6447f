import { describe, expect, it } from "vitest";
import { bundleEdits, type BundleEdit } from "../../src/patch/bundle-edits";
import { applyBundleEdits } from "./apply-edits";
import { pristineBundle } from "./pristine.fixture";

const TARGET = "@strapi/database@4.25.9 dist/index.js";

describe("applyBundleEdits on the pristine @strapi/database 4.25.9 bundle", () => {
  it("wires the libsql client and dialect into the bundle, below 'use strict'", async () => {
    const patched = applyBundleEdits(await pristineBundle(), bundleEdits, TARGET);
    expect(patched.startsWith('"use strict";\n')).toBe(true);
    expect(patched).toContain('const Client_Libsql = require("./libsql/knex-client");');
    expect(patched).toMatch(/return SqliteDialect;\n    case "libsql":\n      return LibsqlDialect;/);
    expect(patched).toMatch(/return "sqlite";\n    case "libsql":\n      return "libsql";/);
    expect(patched).toMatch(/const knexConfig = \{ \.\.\.config \};\n  if \(knexConfig\.client === "libsql"\) \{/);
    // The dialect is defined after the class it extends and before the switch that returns it.
    const defined = patched.indexOf("const LibsqlDialect = defineLibsqlDialect(SqliteDialect);");
    expect(defined).toBeGreaterThan(patched.indexOf("class SqliteDialect extends Dialect"));
    expect(defined).toBeLessThan(patched.indexOf("const getDialectClass"));
  });

  it("names the anchor and the target when an anchor is missing", async () => {
    const edits: BundleEdit[] = [{ name: "createConnection-branch", anchor: "no such code", position: "after", text: "x" }];
    expect(() => applyBundleEdits("const a = 1;\n", edits, "@strapi/database@4.99.0 dist/index.js")).toThrow(
      'anchor "createConnection-branch" is not found in @strapi/database@4.99.0 dist/index.js; it must occur exactly once',
    );
  });

  it("refuses an anchor that occurs twice instead of guessing which one", () => {
    const edits: BundleEdit[] = [{ name: "twice", anchor: "case 1:", position: "before", text: "x" }];
    expect(() => applyBundleEdits("case 1:\ncase 1:\n", edits, TARGET)).toThrow(`anchor "twice" occurs 2 times in ${TARGET}`);
  });

  it("inserts before or after the anchor as the edit says", () => {
    const source = "a\nANCHOR\nb\n";
    expect(applyBundleEdits(source, [{ name: "b", anchor: "ANCHOR\n", position: "before", text: "X\n" }], TARGET)).toBe("a\nX\nANCHOR\nb\n");
    expect(applyBundleEdits(source, [{ name: "a", anchor: "ANCHOR\n", position: "after", text: "X\n" }], TARGET)).toBe("a\nANCHOR\nX\nb\n");
  });
});
