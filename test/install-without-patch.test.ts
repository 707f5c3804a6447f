// An app set up for npm (patch-package at postinstall) and installed with pnpm: patch-package
// finds no node_modules/@strapi/database to patch under pnpm's layout, and says so without
// failing. The install must fail anyway, with one line that says what to do. The app is the
// smallest that loads the real @strapi/database as Strapi does: through @strapi/strapi.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { appManifest } from "../scripts/lib/add/package-json";
import { patchFiles, VERIFIER } from "../scripts/lib/generate";
import { userShellEnv } from "./helpers/app-install";
import { APP_DIR } from "./helpers/strapi";

const scratch = mkdtempSync(join(tmpdir(), "install-without-patch-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("an app wired for patch-package, installed with pnpm", () => {
  it("fails the install with one line saying pnpm needs pnpm.patchedDependencies", async () => {
    const app = join(scratch, "app");
    mkdirSync(join(app, "strapi"), { recursive: true });
    writeFileSync(join(app, "strapi", "package.json"), JSON.stringify({ name: "@strapi/strapi", version: "4.25.9", dependencies: { "@strapi/database": "4.25.9" } }));
    mkdirSync(join(app, "patches"));
    const paths = patchFiles("4.25.9");
    for (const path of [paths.patchPackage, paths.expected, VERIFIER.output]) cpSync(join(APP_DIR, path), join(app, path));
    const drivers = { libsql: "0.5.29", "@libsql/hrana-client": "0.10.0", "patch-package": "^8.0.1" };
    const manifest = appManifest({ name: "npm-app", dependencies: { "@strapi/strapi": "file:./strapi" } }, "npm", drivers);
    writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2));

    // As on a developer's machine: with CI or NODE_ENV=test set (vitest sets it), patch-package
    // itself would exit 1; without them it reports the patch it could not apply and exits 0.
    const env = Object.fromEntries(Object.entries(userShellEnv()).filter(([name]) => name !== "CI" && name !== "NODE_ENV")) as Record<string, string>;
    const result = await promisify(execFile)("npx", ["-y", "pnpm@9.15.9", "install"], { cwd: app, env, encoding: "utf8" }).then(
      ({ stdout, stderr }) => ({ ok: true, output: stdout + stderr }),
      (error: { stdout: string; stderr: string }) => ({ ok: false, output: error.stdout + error.stderr }),
    );
    expect(result.ok, result.output).toBe(false);
    expect(result.output).toMatch(/patch-package/);
    const line = result.output.split("\n").filter((text) => text.includes("strapi-libsql: ")).pop();
    expect(line).toMatch(
      /strapi-libsql: node_modules\/\.pnpm\/.*\/@strapi\/database is not patched: pnpm applies the libSQL patch when package\.json \(the workspace root's, in a workspace\) has "pnpm": \{ "patchedDependencies": \{ "@strapi\/database@4\.25\.9": "patches\/@strapi__database@4\.25\.9\.patch" \} \}; add it \(`strapi-libsql add` does\) and run pnpm install$/,
    );
  }, 180_000);
});
