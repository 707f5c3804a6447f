// Where `add` takes the patch for the app's @strapi/database from: the files committed in this
// repo's patches/ for the version this repo runs, or generated from src/ for any other version,
// as `pnpm patch:generate` would; and what a patch file already in the app is.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AnchorError } from "../apply-edits";
import { buildVerifier, generatePatch, patchFiles, serializeExpected } from "../generate";
import { AddError } from "./inspect-app";

export interface PatchFiles {
  /** pnpm's patch (paths inside the package). */
  pnpm: string;
  /** patch-package's (paths under node_modules/). */
  patchPackage: string;
  /** The hashes the verifier checks. */
  expected: string;
  /** The verifier itself. */
  verifier: string;
}

export async function patchFor(repoRoot: string, version: string): Promise<PatchFiles> {
  const paths = patchFiles(version);
  const verifier = buildVerifier(repoRoot);
  if (Object.values(paths).every((path) => existsSync(join(repoRoot, path)))) {
    const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
    return { pnpm: read(paths.pnpm), patchPackage: read(paths.patchPackage), expected: read(paths.expected), verifier };
  }
  try {
    const generated = await generatePatch(repoRoot, version);
    return { pnpm: generated.patch, patchPackage: generated.patchPackagePatch, expected: serializeExpected(generated.expected), verifier };
  } catch (error) {
    if (error instanceof AnchorError) {
      throw new AddError(`the libSQL edits do not apply to @strapi/database@${version} (the app's version): ${error.message}; pin @strapi/strapi to 4.25.9`);
    }
    throw error;
  }
}

/**
 * A patch of @strapi/database found in the app: one strapi-libsql wrote (any release), the one
 * the blog recipe "Use Turso DB with Strapi 4" has users write by hand (a knex client on
 * @libsql/sqlite3), or something else, which is the user's own work.
 */
export function patchAuthor(content: string): "strapi-libsql" | "blog recipe" | "unknown" {
  if (content.includes("strapi-libsql")) return "strapi-libsql";
  if (/@libsql\/sqlite3|class Client_Libsql extends Client_SQLite3/.test(content)) return "blog recipe";
  return "unknown";
}
