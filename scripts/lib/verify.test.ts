import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXPECTED_FILE, type ExpectedFiles } from "./generate";
import { ROOT, pristineBundle } from "./pristine.fixture";
import { resolveLoadedDatabasePackage, verifyPackage } from "./verify";

const expected = JSON.parse(readFileSync(join(ROOT, EXPECTED_FILE), "utf8")) as ExpectedFiles;
const installed = resolveLoadedDatabasePackage(ROOT);
const scratch = mkdtempSync(join(tmpdir(), "verify-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the installed package's verified files, never the real node_modules. */
function copyOfInstalled(name: string): string {
  const copy = join(scratch, name);
  for (const path of ["package.json", ...Object.keys(expected.files)]) {
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    cpSync(join(installed!, path), join(copy, path));
  }
  return copy;
}

describe("the install verifier", () => {
  it("finds the @strapi/database that @strapi/strapi loads, and it carries the patch", () => {
    expect(installed).toBeDefined();
    expect(require.resolve("@strapi/database", { paths: [dirname(require.resolve("@strapi/strapi/package.json", { paths: [ROOT] }))] })).toBe(
      join(installed!, "dist", "index.js"),
    );
    expect(verifyPackage(installed, expected, ROOT)).toMatchObject({ ok: true, version: "4.25.9" });
  });

  it("says the patch is not applied on an unpatched copy, and how to apply it", async () => {
    const copy = copyOfInstalled("unpatched");
    writeFileSync(join(copy, "dist", "index.js"), await pristineBundle());
    rmSync(join(copy, "dist", "libsql"), { recursive: true });
    const result = verifyPackage(copy, expected, scratch);
    expect(result).toMatchObject({ ok: false, reason: "not-applied" });
    expect(!result.ok && result.message).toContain("pnpm.patchedDependencies");
  });

  it("says which file was modified after patching", () => {
    const copy = copyOfInstalled("modified");
    appendFileSync(join(copy, "dist", "libsql", "values.js"), "\n// local change\n");
    const result = verifyPackage(copy, expected, scratch);
    expect(result).toMatchObject({ ok: false, reason: "modified" });
    expect(!result.ok && result.message).toContain("dist/libsql/values.js");
  });

  it("names both versions when the loaded package is another version", () => {
    const copy = copyOfInstalled("wrong-version");
    const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
    writeFileSync(join(copy, "package.json"), JSON.stringify({ ...manifest, version: "4.25.10" }));
    const result = verifyPackage(copy, expected, scratch);
    expect(result).toMatchObject({ ok: false, reason: "wrong-version" });
    expect(!result.ok && result.message).toContain("@strapi/database@4.25.10, but the patch is for @strapi/database@4.25.9");
  });

  it("says so when there is no package at all", () => {
    expect(verifyPackage(resolveLoadedDatabasePackage(scratch), expected, scratch)).toMatchObject({
      ok: false,
      reason: "package-not-found",
    });
  });
});
