// The install verifier, on copies of the installed package (never the real node_modules), and
// as the file postinstall runs: patches/verify-libsql-patch.cjs, with Node alone.
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { patchFiles, VERIFIER, type ExpectedFiles } from "../../scripts/lib/generate";
import { ROOT, pristineBundle } from "../../scripts/lib/pristine.fixture";
import { installingManager, resolveLoadedDatabasePackage, verifyApp, verifyPackage } from "./verify-libsql-patch";

const expected = JSON.parse(readFileSync(join(ROOT, patchFiles("4.25.9").expected), "utf8")) as ExpectedFiles;
const installed = resolveLoadedDatabasePackage(ROOT);
const scratch = mkdtempSync(join(tmpdir(), "verify-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the installed package's verified files. */
function copyOfInstalled(name: string): string {
  const copy = join(scratch, name);
  for (const path of ["package.json", ...Object.keys(expected.files)]) {
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    cpSync(join(installed!, path), join(copy, path));
  }
  return copy;
}

/** An app folder whose @strapi/strapi loads `database`, with the verifier and hashes in patches/. */
function appLoading(name: string, database: string): string {
  const app = join(scratch, `${name}-app`);
  const strapi = join(app, "node_modules", "@strapi", "strapi");
  mkdirSync(join(strapi, "node_modules", "@strapi"), { recursive: true });
  writeFileSync(join(strapi, "package.json"), JSON.stringify({ name: "@strapi/strapi", version: "4.25.9" }));
  cpSync(database, join(strapi, "node_modules", "@strapi", "database"), { recursive: true });
  mkdirSync(join(app, "patches"));
  cpSync(join(ROOT, VERIFIER.output), join(app, VERIFIER.output));
  cpSync(join(ROOT, patchFiles("4.25.9").expected), join(app, patchFiles("4.25.9").expected));
  return app;
}

/** Runs the shipped verifier as postinstall does; its exit code and what it printed. */
function runVerifier(app: string, userAgent: string, ...args: string[]): { status: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [VERIFIER.output, ...args], {
      cwd: app,
      encoding: "utf8",
      stdio: "pipe",
      env: { PATH: process.env.PATH, npm_config_user_agent: userAgent, npm_execpath: "" },
    });
    return { status: 0, output };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { status: failed.status, output: failed.stdout + failed.stderr };
  }
}

describe("the install verifier", () => {
  it("finds the @strapi/database that @strapi/strapi loads, and it carries the patch", () => {
    expect(installed).toBeDefined();
    expect(require.resolve("@strapi/database", { paths: [dirname(require.resolve("@strapi/strapi/package.json", { paths: [ROOT] }))] })).toBe(
      join(installed!, "dist", "index.js"),
    );
    expect(verifyApp(ROOT, join(ROOT, "patches"), "pnpm")).toMatchObject({ ok: true, version: "4.25.9" });
  });

  it("says the patch is not applied on an unpatched copy, and how to apply it with each package manager", async () => {
    const copy = copyOfInstalled("unpatched");
    writeFileSync(join(copy, "dist", "index.js"), await pristineBundle());
    rmSync(join(copy, "dist", "libsql"), { recursive: true });
    const pnpm = verifyPackage(copy, expected, "x", "pnpm");
    expect(pnpm).toMatchObject({ ok: false, reason: "not-applied" });
    expect(!pnpm.ok && pnpm.message).toContain('"patchedDependencies": { "@strapi/database@4.25.9": "patches/@strapi__database@4.25.9.patch" }');
    const npm = verifyPackage(copy, expected, "x", "npm");
    expect(!npm.ok && npm.message).toContain("patch-package did not apply patches/@strapi+database+4.25.9.patch");
  });

  it("names a modified file and a missing one, and what to run", () => {
    const copy = copyOfInstalled("modified");
    appendFileSync(join(copy, "dist", "libsql", "values.js"), "\n// local change\n");
    rmSync(join(copy, "dist", "libsql", "dialect.js"));
    const result = verifyPackage(copy, expected, "x", "yarn");
    expect(result).toMatchObject({ ok: false, reason: "modified" });
    expect(!result.ok && result.message).toBe(
      "x differs from the patched @strapi/database@4.25.9 in dist/libsql/dialect.js (missing), dist/libsql/values.js; reinstall it: yarn install --force",
    );
  });

  it("names both versions when the loaded package is one patches/ has no patch for", () => {
    const copy = copyOfInstalled("wrong-version");
    const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
    writeFileSync(join(copy, "package.json"), JSON.stringify({ ...manifest, version: "4.25.10" }));
    const result = verifyApp(appLoading("wrong-version", copy), join(scratch, "wrong-version-app", "patches"), "npm");
    expect(result).toMatchObject({ ok: false, reason: "no-patch-for-version" });
    expect(!result.ok && result.message).toContain("is @strapi/database@4.25.10, but patches/ has the libSQL patch for 4.25.9; pin @strapi/strapi to 4.25.9");
  });

  it("says so when there is no package at all", () => {
    expect(verifyApp(scratch, join(ROOT, "patches"), "npm")).toMatchObject({ ok: false, reason: "package-not-found" });
  });

  it("tells the package managers apart by their path, then by their user agent", () => {
    expect(installingManager({ npm_config_user_agent: "pnpm/9.15.9 npm/? node/v20.20.2 linux x64" })).toBe("pnpm");
    expect(installingManager({ npm_config_user_agent: "yarn/1.22.22 npm/? node/v20.20.2 linux x64" })).toBe("yarn");
    expect(installingManager({ npm_config_user_agent: "npm/11.19.1 node/v20.20.2 linux x64 workspaces/false" })).toBe("npm");
    expect(installingManager({})).toBe("npm");
    // npm started from a pnpm script keeps pnpm's user agent; its own path says npm.
    expect(installingManager({ npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js", npm_config_user_agent: "pnpm/9.15.9 npm/? node/v20" })).toBe("npm");
    expect(installingManager({ npm_execpath: "/root/.npm/_npx/8959/node_modules/pnpm/bin/pnpm.cjs" })).toBe("pnpm");
    expect(installingManager({ npm_execpath: "/root/.npm/_npx/1a2b/node_modules/yarn/bin/yarn.js" })).toBe("yarn");
    // yarn 1 started by npx keeps npx's path; its user agent says yarn.
    expect(installingManager({ npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js", npm_config_user_agent: "yarn/1.22.22 npm/? node/v20" })).toBe("yarn");
  });
});

describe("patches/verify-libsql-patch.cjs, as postinstall runs it with Node alone", () => {
  it("prints one line and exits 0 on the patched package", () => {
    const { status, output } = runVerifier(appLoading("patched", copyOfInstalled("patched")), "pnpm/9.15.9");
    expect(status).toBe(0);
    expect(output).toBe("strapi-libsql: @strapi/database@4.25.9 at node_modules/@strapi/strapi/node_modules/@strapi/database carries the libSQL patch\n");
  });

  it("fails the install with one line naming the tampered file", () => {
    const copy = copyOfInstalled("tampered");
    appendFileSync(join(copy, "dist", "libsql", "knex-client.js"), "\n// tampered\n");
    const { status, output } = runVerifier(appLoading("tampered", copy), "npm/11.19.1 node/v20.20.2");
    expect(status).toBe(1);
    expect(output.trim().split("\n")).toEqual([
      "strapi-libsql: node_modules/@strapi/strapi/node_modules/@strapi/database differs from the patched @strapi/database@4.25.9 in dist/libsql/knex-client.js; reinstall it: rm -rf node_modules/@strapi/strapi/node_modules/@strapi/database && npm install",
    ]);
  });

  it("before patch-package, passes an unpatched package and fails a patched one changed since", async () => {
    const pristine = copyOfInstalled("pristine");
    writeFileSync(join(pristine, "dist", "index.js"), await pristineBundle());
    rmSync(join(pristine, "dist", "libsql"), { recursive: true });
    const app = appLoading("pristine", pristine);
    expect(runVerifier(app, "npm/11.19.1", "--before-patch-package")).toEqual({ status: 0, output: "" });
    expect(runVerifier(app, "npm/11.19.1").status).toBe(1);

    const changed = copyOfInstalled("changed");
    rmSync(join(changed, "dist", "libsql", "dialect.js"));
    const { status, output } = runVerifier(appLoading("changed", changed), "yarn/1.22.22", "--before-patch-package");
    expect(status).toBe(1);
    expect(output).toContain("in dist/libsql/dialect.js (missing); reinstall it: yarn install --force");
  });
});
