// The package.json changes: the patch wired in the way the app's package manager applies
// patches, and the drivers the injected code requires.
import type { PackageJson, PackageManager } from "./inspect-app";

/** The versions the injected code is built and tested against (this repo's own package.json). */
export interface DriverVersions {
  libsql: string;
  "@libsql/hrana-client": string;
  "patch-package": string;
}

/**
 * Strapi 4's admin build fails on get-intrinsic ≥ 1.3.1 (docs/design.md, "Pinned dependencies");
 * an app that installs today needs the same pin as this repo, whatever its database.
 */
const ADMIN_BUILD_PINS: Record<string, string> = { "get-intrinsic": "1.3.0" };

export function withLibsql(pkg: PackageJson, manager: PackageManager, databaseVersion: string, patchFile: string, drivers: DriverVersions): PackageJson {
  const next: PackageJson = structuredClone(pkg);
  next.dependencies = {
    ...next.dependencies,
    libsql: next.dependencies?.libsql ?? drivers.libsql,
    "@libsql/hrana-client": next.dependencies?.["@libsql/hrana-client"] ?? drivers["@libsql/hrana-client"],
  };
  if (manager === "pnpm") {
    next.pnpm = {
      ...next.pnpm,
      overrides: { ...ADMIN_BUILD_PINS, ...(next.pnpm?.overrides as Record<string, string> | undefined) },
      patchedDependencies: { ...next.pnpm?.patchedDependencies, [`@strapi/database@${databaseVersion}`]: patchFile },
    };
  } else {
    const field = manager === "npm" ? "overrides" : "resolutions";
    next[field] = { ...ADMIN_BUILD_PINS, ...(next[field] as Record<string, string> | undefined) };
    next.devDependencies = { ...next.devDependencies, "patch-package": next.devDependencies?.["patch-package"] ?? drivers["patch-package"] };
    const postinstall = next.scripts?.postinstall;
    if (!postinstall?.includes("patch-package")) {
      next.scripts = { ...next.scripts, postinstall: postinstall ? `patch-package && ${postinstall}` : "patch-package" };
    }
  }
  return next;
}
