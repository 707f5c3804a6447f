// What kind of app `strapi-libsql add` is pointed at: a Strapi 4 app, which package manager
// installs it, which @strapi/database it will load, where its database config is, and, in a
// pnpm workspace, which package.json holds the install settings.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export type PackageManager = "pnpm" | "npm" | "yarn";

export interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  pnpm?: {
    patchedDependencies?: Record<string, string>;
    overrides?: Record<string, string>;
    packageExtensions?: Record<string, { dependencies?: Record<string, string> }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface AppInfo {
  dir: string;
  packageJson: PackageJson;
  manager: PackageManager;
  /** The @strapi/database version the app pins (package.json) or, with a range, runs (installed). */
  databaseVersion: string;
  /** config/database.ts or .js, if the app has one. */
  databaseConfig: string | undefined;
  /**
   * pnpm reads patchedDependencies, overrides and packageExtensions from the workspace root's
   * package.json only: the folder of that file, relative to the app ("" for the app itself).
   */
  installRoot: string;
}

export class AddError extends Error {
  override name = "AddError";
}

export function inspectApp(dir: string): AppInfo {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) throw new AddError(`${dir} has no package.json: give the folder of a Strapi 4 app`);
  const packageJson = JSON.parse(readFileSync(manifest, "utf8")) as PackageJson;
  const strapiSpec = packageJson.dependencies?.["@strapi/strapi"];
  if (!strapiSpec) throw new AddError(`${dir} is not a Strapi app: @strapi/strapi is not in its dependencies`);
  // Strapi 4 releases its packages together: @strapi/strapi x.y.z loads @strapi/database x.y.z. The
  // pin comes first: after an upgrade, node_modules may still hold the version the app left.
  const databaseVersion = exactVersion(strapiSpec) ?? installedDatabaseVersion(dir);
  if (!databaseVersion) {
    throw new AddError(
      `${dir} asks for @strapi/strapi "${strapiSpec}", a range: pin an exact version (e.g. "4.25.9") or install the app first, so the patch matches what runs`,
    );
  }
  if (!databaseVersion.startsWith("4.")) {
    throw new AddError(`${dir} runs Strapi ${databaseVersion}; this patch is for Strapi 4 (Strapi 5 accepts no external database dialects)`);
  }
  const databaseConfig = ["config/database.ts", "config/database.js"].find((path) => existsSync(join(dir, path)));
  const workspace = pnpmWorkspaceRoot(dir);
  const manager = workspace ? "pnpm" : detectManager(dir, packageJson);
  return { dir, packageJson, manager, databaseVersion, databaseConfig, installRoot: workspace ? relative(dir, workspace) : "" };
}

function exactVersion(spec: string): string | undefined {
  return /^\d+\.\d+\.\d+$/.test(spec) ? spec : undefined;
}

/** Resolved from @strapi/strapi's folder, as Strapi loads it (pnpm keeps it out of the app's top level). */
function installedDatabaseVersion(dir: string): string | undefined {
  try {
    const strapiDir = dirname(require.resolve("@strapi/strapi/package.json", { paths: [dir] }));
    const manifest = require.resolve("@strapi/database/package.json", { paths: [strapiDir] });
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * A fresh app has no lockfile yet; what the app says of itself comes first: a packageManager
 * field, or a `pnpm` section, which only pnpm reads. Then the lockfile, and npm by default.
 */
export function detectManager(dir: string, packageJson: PackageJson): PackageManager {
  const declared = typeof packageJson.packageManager === "string" ? packageJson.packageManager.split("@")[0] : undefined;
  if (declared === "pnpm" || declared === "npm" || declared === "yarn") return declared;
  if (packageJson.pnpm !== undefined) return "pnpm";
  if (existsSync(join(dir, "pnpm-lock.yaml"))) return "pnpm";
  if (existsSync(join(dir, "yarn.lock"))) return "yarn";
  return "npm";
}

/** The folder of the pnpm workspace the app is a package of, if any (not the app itself). */
function pnpmWorkspaceRoot(dir: string): string | undefined {
  for (let parent = dirname(dir); parent !== dirname(parent); parent = dirname(parent)) {
    if (existsSync(join(parent, "pnpm-workspace.yaml"))) return parent;
  }
  return undefined;
}
