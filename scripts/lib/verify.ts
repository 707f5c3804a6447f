// The install verifier: proves that the @strapi/database Strapi actually loads is the
// patched one, byte for byte, and otherwise names what is wrong.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { sha256, type ExpectedFiles } from "./generate";

export type VerifyResult =
  | { ok: true; packageDir: string; version: string }
  | { ok: false; reason: "package-not-found" | "wrong-version" | "not-applied" | "modified"; message: string };

/**
 * Resolves @strapi/database from @strapi/strapi's own folder, as Strapi's require() does:
 * under pnpm's isolated layout the app's top-level copy, if any, is not the one loaded.
 */
export function resolveLoadedDatabasePackage(appDir: string): string | undefined {
  try {
    const strapiDir = dirname(require.resolve("@strapi/strapi/package.json", { paths: [appDir] }));
    return dirname(require.resolve("@strapi/database/package.json", { paths: [strapiDir] }));
  } catch {
    return undefined;
  }
}

function sha256File(path: string): string | undefined {
  return existsSync(path) ? sha256(readFileSync(path)) : undefined;
}

export function verifyPackage(packageDir: string | undefined, expected: ExpectedFiles, appDir: string): VerifyResult {
  const wanted = `${expected.package}@${expected.version}`;
  if (!packageDir || !existsSync(join(packageDir, "package.json"))) {
    return {
      ok: false,
      reason: "package-not-found",
      message: `${expected.package} was not found from @strapi/strapi in ${appDir}; run pnpm install`,
    };
  }
  const shown = relative(appDir, packageDir) || packageDir;
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };
  if (version !== expected.version) {
    return {
      ok: false,
      reason: "wrong-version",
      message: `${shown} is ${expected.package}@${version}, but the patch is for ${wanted}; pin @strapi/strapi to ${expected.version} or generate a patch for ${version}`,
    };
  }
  const bundle = Object.keys(expected.files).find((path) => path === "dist/index.js");
  const mismatched = Object.entries(expected.files).filter(([path, hash]) => sha256File(join(packageDir, path)) !== hash);
  if (mismatched.length === 0) return { ok: true, packageDir, version };

  const injectedMissing = mismatched.some(([path]) => path !== bundle && !existsSync(join(packageDir, path)));
  if (injectedMissing) {
    return {
      ok: false,
      reason: "not-applied",
      message: `${shown} is not patched: add "${wanted}": "patches/${expected.package.replace("/", "__")}@${expected.version}.patch" to pnpm.patchedDependencies and run pnpm install`,
    };
  }
  return {
    ok: false,
    reason: "modified",
    message: `${shown} differs from the patched ${wanted} in ${mismatched.map(([path]) => path).join(", ")}; reinstall it with pnpm install --force (and regenerate the patch if src/ changed)`,
  };
}
