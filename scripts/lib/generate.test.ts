import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PATCH_FILE, buildPatch, generatePatch, generatedFiles, sha256 } from "./generate";
import { ROOT, pristineBundle } from "./pristine.fixture";

const scratch = mkdtempSync(join(tmpdir(), "generate-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the generated patch", () => {
  it("is byte-identical to the committed files, both namings and the hashes (what pnpm patch:check enforces)", async () => {
    for (const [path, content] of generatedFiles(await generatePatch(ROOT))) {
      expect(readFileSync(join(ROOT, path), "utf8"), path).toBe(content);
    }
  });

  it("carries the same change for patch-package, under node_modules/@strapi/database/", async () => {
    const { patch, patchPackagePatch } = buildPatch(ROOT, await pristineBundle());
    expect(patchPackagePatch).toContain("diff --git a/node_modules/@strapi/database/dist/index.js b/node_modules/@strapi/database/dist/index.js");
    expect(patchPackagePatch.replaceAll("node_modules/@strapi/database/", "")).toBe(patch);
  });

  it("is the same bytes every time it is generated", async () => {
    const bundle = await pristineBundle();
    expect(buildPatch(ROOT, bundle)).toEqual(buildPatch(ROOT, bundle));
  });

  it("applies with git to the pristine package and produces exactly the recorded files", async () => {
    const pkg = join(scratch, "package");
    mkdirSync(join(pkg, "dist"), { recursive: true });
    writeFileSync(join(pkg, "dist", "index.js"), await pristineBundle());
    const { patch, expected } = buildPatch(ROOT, await pristineBundle());
    writeFileSync(join(scratch, "libsql.patch"), patch);
    execFileSync("git", ["apply", "--whitespace=nowarn", join(scratch, "libsql.patch")], { cwd: pkg });
    for (const [path, hash] of Object.entries(expected.files)) {
      expect(sha256(readFileSync(join(pkg, path), "utf8")), path).toBe(hash);
    }
  });

  it("adds readable compiled code with a header naming its source", async () => {
    const { patch } = buildPatch(ROOT, await pristineBundle());
    const dialect = patch.split("diff --git ").find((file) => file.startsWith("a/dist/libsql/dialect.js"));
    expect(dialect).toContain("+// Compiled from src/libsql/dialect.ts by the strapi-libsql patch generator.");
    expect(dialect).toMatch(/\n\+ +configure\(\) \{\n/);
    // Comments survive compilation: the injected code explains itself as the source does.
    expect(dialect).toMatch(/\n\+ +\/\/ SqliteDialect resolves `filename` as a path/);
    expect(dirname(PATCH_FILE)).toBe("patches");
  });
});
