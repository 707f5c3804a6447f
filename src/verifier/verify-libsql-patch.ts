// The install-time check: the @strapi/database that Strapi loads carries the libSQL patch, byte
// for byte. It runs as a postinstall, in this repo and in every app that `strapi-libsql add`
// patched, under pnpm, npm or yarn, and in production installs that have no dev dependency: so it
// uses Node's own modules only, and ships as one file, patches/verify-libsql-patch.cjs, beside
// the hashes it checks (patches/@strapi__database@<version>.sha256.json).
//
//   node patches/verify-libsql-patch.cjs                         from the app's folder (postinstall runs there)
//   node patches/verify-libsql-patch.cjs --before-patch-package  also passes an unpatched package
//
// npm and yarn apply the patch with patch-package, which cannot patch a copy already patched and
// changed since: it fails with a message that names neither the file nor the cure. Run before it,
// the check names them.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** What the patch writes into @strapi/database, as the generator records it. */
export interface ExpectedFiles {
  package: string;
  version: string;
  /** sha256 of every file the patch writes, by its path inside the package. */
  files: Record<string, string>;
}

export type PackageManager = "pnpm" | "npm" | "yarn";

export type VerifyResult =
  | { ok: true; packageDir: string; version: string }
  | { ok: false; reason: "package-not-found" | "no-patch-for-version" | "not-applied" | "modified"; message: string };

const PACKAGE = "@strapi/database";
/** Where the patched bundle is; the rest of the patch is new files. */
const BUNDLE = "dist/index.js";
/** A line every patched bundle has, and no pristine one. */
const PATCH_MARK = "strapi-libsql";

export function expectedFilesName(version: string): string {
  return `${PACKAGE.replace("/", "__")}@${version}.sha256.json`;
}

/**
 * Resolved from @strapi/strapi's own folder, as Strapi's require() does: under pnpm's isolated
 * layout the app's top-level copy, if any, is not the one Strapi loads.
 */
export function resolveLoadedDatabasePackage(appDir: string): string | undefined {
  try {
    const strapiDir = dirname(require.resolve("@strapi/strapi/package.json", { paths: [appDir] }));
    return dirname(require.resolve(`${PACKAGE}/package.json`, { paths: [strapiDir] }));
  } catch {
    return undefined;
  }
}

/**
 * Which package manager runs this install. pnpm puts its own path in npm_execpath; yarn 1 says
 * so only in npm_config_user_agent, and keeps the npm_execpath of an npx that started it. npm
 * sets npm_execpath, but reads an inherited npm_config_user_agent as its own setting (`npm
 * install` run from a pnpm script keeps pnpm's).
 */
export function installingManager(env: NodeJS.ProcessEnv = process.env): PackageManager {
  const named = (text: string): PackageManager | undefined =>
    /\bpnpm\b/.test(text) ? "pnpm" : /\byarn\b/.test(text) ? "yarn" : /\bnpm\b/.test(text) ? "npm" : undefined;
  const byPath = named((env.npm_execpath ?? "").split(/[\\/]/).slice(-3).join("/"));
  const byAgent = named((env.npm_config_user_agent ?? "").split(" ")[0] ?? "");
  if (byPath === "pnpm" || byPath === "yarn" || byAgent === "yarn") return byPath === "pnpm" ? "pnpm" : "yarn";
  return byPath ?? byAgent ?? "npm";
}

/** `appDir`: the app being installed; `patchesDir`: where its patches and their hashes are. */
export function verifyApp(appDir: string, patchesDir: string, manager: PackageManager): VerifyResult {
  const packageDir = resolveLoadedDatabasePackage(appDir);
  if (!packageDir || !existsSync(join(packageDir, "package.json"))) {
    return { ok: false, reason: "package-not-found", message: `${PACKAGE} was not found from @strapi/strapi in ${appDir}; run ${manager} install` };
  }
  const shown = relative(appDir, packageDir) || packageDir;
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };
  const expectedPath = join(patchesDir, expectedFilesName(version));
  if (!existsSync(expectedPath)) {
    const patched = patchedVersions(patchesDir);
    return {
      ok: false,
      reason: "no-patch-for-version",
      message:
        `${shown} is ${PACKAGE}@${version}, but ${relative(appDir, patchesDir) || patchesDir}/ has the libSQL patch for ${patched.join(", ") || "no version"}; ` +
        `pin @strapi/strapi to ${patched[patched.length - 1] ?? "a patched version"}, or patch ${version}: \`pnpm strapi-libsql add <app>\` from a strapi-libsql checkout`,
    };
  }
  const expected = JSON.parse(readFileSync(expectedPath, "utf8")) as ExpectedFiles;
  return verifyPackage(packageDir, expected, shown, manager);
}

/** Checks one installed copy of the package against the hashes of the patched one. `shown` names it in messages. */
export function verifyPackage(packageDir: string, expected: ExpectedFiles, shown: string, manager: PackageManager): VerifyResult {
  const wanted = `${expected.package}@${expected.version}`;
  const differing = Object.entries(expected.files).filter(([path, hash]) => sha256File(join(packageDir, path)) !== hash);
  if (differing.length === 0) return { ok: true, packageDir, version: expected.version };

  const bundle = readText(join(packageDir, BUNDLE));
  const added = Object.keys(expected.files).filter((path) => path !== BUNDLE);
  if (bundle !== undefined && !bundle.includes(PATCH_MARK) && added.every((path) => !existsSync(join(packageDir, path)))) {
    return { ok: false, reason: "not-applied", message: `${shown} is not patched: ${howToApply(expected.version, manager)}` };
  }
  const files = differing.map(([path]) => (existsSync(join(packageDir, path)) ? path : `${path} (missing)`));
  return {
    ok: false,
    reason: "modified",
    message: `${shown} differs from the patched ${wanted} in ${files.join(", ")}; reinstall it: ${reinstall(manager, shown)}`,
  };
}

function howToApply(version: string, manager: PackageManager): string {
  if (manager === "pnpm") {
    return (
      `pnpm applies the libSQL patch when package.json (the workspace root's, in a workspace) has ` +
      `"pnpm": { "patchedDependencies": { "${PACKAGE}@${version}": "patches/${PACKAGE.replace("/", "__")}@${version}.patch" } }; ` +
      "add it (`strapi-libsql add` does) and run pnpm install"
    );
  }
  return (
    `patch-package did not apply patches/${PACKAGE.replace("/", "+")}+${version}.patch; ` +
    `check that postinstall runs patch-package before this check, then run ${manager} install` +
    (manager === "yarn" ? "" : " (an app installed with pnpm needs pnpm.patchedDependencies instead: run `strapi-libsql add` again)")
  );
}

function reinstall(manager: PackageManager, shown: string): string {
  switch (manager) {
    case "pnpm":
      return "pnpm install --force";
    case "yarn":
      return "yarn install --force";
    case "npm":
      // npm keeps a tampered file it considers installed; patch-package patches the fresh copy.
      return `rm -rf ${shown} && npm install`;
  }
}

function patchedVersions(patchesDir: string): string[] {
  return (existsSync(patchesDir) ? readdirSync(patchesDir) : [])
    .map((name) => /^@strapi__database@(.+)\.sha256\.json$/.exec(name)?.[1])
    .filter((version): version is string => version !== undefined)
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function sha256File(path: string): string | undefined {
  return existsSync(path) ? createHash("sha256").update(readFileSync(path)).digest("hex") : undefined;
}

function main(args: readonly string[]): void {
  const manager = installingManager();
  const result = verifyApp(process.cwd(), __dirname, manager);
  if (args.includes("--before-patch-package") && (result.ok || result.reason === "not-applied")) return;
  if (result.ok) {
    console.log(`strapi-libsql: ${PACKAGE}@${result.version} at ${relative(process.cwd(), result.packageDir)} carries the libSQL patch`);
  } else {
    console.error(`strapi-libsql: ${result.message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) main(process.argv.slice(2));
