// The package.json changes: the patch wired in the way the app's package manager applies
// patches, the install verifier run after it, and the drivers the injected code requires,
// declared by the app and, under pnpm, by the patched @strapi/database itself.
import type { PackageJson, PackageManager } from "./inspect-app";

/** The versions the injected code is built and tested against (this repo's own package.json). */
export interface DriverVersions {
  libsql: string;
  "@libsql/hrana-client": string;
  "patch-package": string;
}

/** What postinstall runs to check the patch, from the app's folder. */
export const VERIFY_COMMAND = "node patches/verify-libsql-patch.cjs";
/** The same check before patch-package, which cannot say which patched file changed since. */
const PRE_PATCH_PACKAGE = `${VERIFY_COMMAND} --before-patch-package`;

/**
 * Strapi 4's admin build fails on get-intrinsic ≥ 1.3.1 (docs/design.md, "Pinned dependencies");
 * an app that installs today needs the same pin as this repo, whatever its database.
 */
const ADMIN_BUILD_PINS: Record<string, string> = { "get-intrinsic": "1.3.0" };

const PATCHED_KEY = /^@strapi\/database@/;

/** The app's own package.json: drivers, and for npm and yarn the patch-package wiring and pins. */
export function appManifest(pkg: PackageJson, manager: PackageManager, drivers: DriverVersions): PackageJson {
  const next: PackageJson = structuredClone(pkg);
  next.dependencies = {
    ...next.dependencies,
    libsql: next.dependencies?.libsql ?? drivers.libsql,
    "@libsql/hrana-client": next.dependencies?.["@libsql/hrana-client"] ?? drivers["@libsql/hrana-client"],
  };
  if (manager !== "pnpm") {
    const field = manager === "npm" ? "overrides" : "resolutions";
    next[field] = { ...ADMIN_BUILD_PINS, ...(next[field] as Record<string, string> | undefined) };
    next.devDependencies = { ...next.devDependencies, "patch-package": next.devDependencies?.["patch-package"] ?? drivers["patch-package"] };
  }
  const postinstall = withVerifier(next.scripts?.postinstall, manager);
  if (postinstall !== next.scripts?.postinstall) next.scripts = { ...next.scripts, postinstall };
  return next;
}

/**
 * The postinstall that applies (npm, yarn: patch-package) and checks the patch, then runs what
 * the app's own postinstall ran. pnpm applies patches before any script runs.
 */
export function withVerifier(postinstall: string | undefined, manager: PackageManager): string {
  if (postinstall?.includes(VERIFY_COMMAND)) return postinstall;
  if (manager !== "pnpm") {
    const patchPackage = /(?:npx\s+)?patch-package\b[^&|;]*?(?=\s*(?:&&|\|\||;|$))/.exec(postinstall ?? "");
    if (patchPackage) {
      const [start, end] = [patchPackage.index, patchPackage.index + patchPackage[0].length];
      return `${postinstall!.slice(0, start)}${PRE_PATCH_PACKAGE} && ${patchPackage[0]} && ${VERIFY_COMMAND}${postinstall!.slice(end)}`;
    }
    return [`${PRE_PATCH_PACKAGE} && patch-package && ${VERIFY_COMMAND}`, postinstall].filter(Boolean).join(" && ");
  }
  return [VERIFY_COMMAND, postinstall].filter(Boolean).join(" && ");
}

export interface InstallRootChange {
  manifest: PackageJson;
  /** patchedDependencies entries for other @strapi/database versions, removed: version → patch path. */
  removed: Record<string, string>;
  /** The path the app's version was patched from before, when it was another file. */
  replaced: string | undefined;
}

/**
 * pnpm's settings, in the package.json that pnpm reads them from (the workspace root's in a
 * workspace): the patch for the app's version and none for another, the pins, and the drivers
 * declared as dependencies of @strapi/database, which requires them: an app's own dependencies
 * are out of its reach where nothing is hoisted (a workspace with hoist=false).
 */
export function installRootManifest(pkg: PackageJson, version: string, patchPath: string, drivers: DriverVersions): InstallRootChange {
  const next: PackageJson = structuredClone(pkg);
  const key = `@strapi/database@${version}`;
  const patched = { ...next.pnpm?.patchedDependencies };
  const removed: Record<string, string> = {};
  for (const [name, path] of Object.entries(patched)) {
    if (PATCHED_KEY.test(name) && name !== key) {
      removed[name] = path;
      delete patched[name];
    }
  }
  const replaced = patched[key] !== undefined && patched[key] !== patchPath ? patched[key] : undefined;
  patched[key] = patchPath;
  const extensions = { ...next.pnpm?.packageExtensions };
  for (const name of Object.keys(extensions)) if (PATCHED_KEY.test(name) && name !== key) delete extensions[name];
  extensions[key] = {
    ...extensions[key],
    dependencies: { ...extensions[key]?.dependencies, libsql: drivers.libsql, "@libsql/hrana-client": drivers["@libsql/hrana-client"] },
  };
  next.pnpm = {
    ...next.pnpm,
    overrides: { ...ADMIN_BUILD_PINS, ...next.pnpm?.overrides },
    packageExtensions: extensions,
    patchedDependencies: patched,
  };
  return { manifest: next, removed, replaced };
}
