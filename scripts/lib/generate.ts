// source of truth (src/) → patches/: the pristine bundle with the edits applied, plus the
// compiled src/libsql files, as one patch and the hashes the install verifier expects; and the
// verifier itself, compiled from src/verifier into a file that needs nothing but Node.
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { INJECTED_DIR, PATCHED_PACKAGE, bundleEdits } from "../../src/patch/bundle-edits";
import { applyBundleEdits } from "./apply-edits";
import type { ExpectedFiles } from "../../src/verifier/verify-libsql-patch";
import { compileFile, compileInjected } from "./compile-injected";
import { formatPatch, type FileChange } from "./git-diff";
import { fetchPristineTarball, readFileFromTarball, registryIntegrity } from "./pristine-package";

export type { ExpectedFiles };

/** The install verifier: its source, and the dependency-free file postinstall runs. */
export const VERIFIER = { source: "src/verifier/verify-libsql-patch.ts", output: "patches/verify-libsql-patch.cjs" } as const;

export interface GeneratedPatch {
  /** For pnpm's patchedDependencies: paths inside the package. */
  patch: string;
  /** The same change for npm and yarn apps, in patch-package's naming and paths. */
  patchPackagePatch: string;
  expected: ExpectedFiles;
}

/** Where the patches for one @strapi/database version live, by path from the repo root. */
export function patchFiles(version: string) {
  const pnpm = `patches/${PATCHED_PACKAGE.name.replace("/", "__")}@${version}.patch`;
  return {
    pnpm,
    patchPackage: `patches/${PATCHED_PACKAGE.name.replace("/", "+")}+${version}.patch`,
    expected: pnpm.replace(/\.patch$/, ".sha256.json"),
  };
}

export const PATCH_FILE = patchFiles(PATCHED_PACKAGE.version).pnpm;
export const EXPECTED_FILE = patchFiles(PATCHED_PACKAGE.version).expected;

export function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

export function buildPatch(root: string, pristineBundle: string, version: string = PATCHED_PACKAGE.version): GeneratedPatch {
  const target = `${PATCHED_PACKAGE.name}@${version} ${PATCHED_PACKAGE.bundle}`;
  const changes: FileChange[] = [
    { path: PATCHED_PACKAGE.bundle, before: pristineBundle, after: applyBundleEdits(pristineBundle, bundleEdits, target) },
    ...compileInjected(root, "src/libsql", INJECTED_DIR).map((file) => ({
      path: file.packagePath,
      before: null,
      after: file.content,
    })),
  ];
  const files = Object.fromEntries(
    changes.map((change) => [change.path, sha256(change.after)] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    patch: formatPatch(changes),
    patchPackagePatch: formatPatch(changes, `node_modules/${PATCHED_PACKAGE.name}/`),
    expected: { package: PATCHED_PACKAGE.name, version, files },
  };
}

export async function generatePatch(root: string, version: string = PATCHED_PACKAGE.version): Promise<GeneratedPatch> {
  const pkg = { name: PATCHED_PACKAGE.name, version };
  // The app's own version is checked against its lockfile; others (from patch:compat) against the registry.
  const integrity = version === PATCHED_PACKAGE.version ? undefined : await registryIntegrity(pkg);
  const tarball = await fetchPristineTarball(root, pkg, integrity);
  return buildPatch(root, readFileFromTarball(tarball, PATCHED_PACKAGE.bundle), version);
}

export function buildVerifier(root: string): string {
  return compileFile(root, VERIFIER.source);
}

/**
 * Every file patch:generate writes and patch:check compares: the verifier, and the patches and
 * hashes of the app's version and of every other version in patches/.
 */
export async function generateAll(root: string): Promise<Array<[path: string, content: string]>> {
  const files: Array<[string, string]> = [[VERIFIER.output, buildVerifier(root)]];
  for (const version of committedVersions(root)) files.push(...generatedFiles(await generatePatch(root, version)));
  return files;
}

/** The app's version, and every other version a patch was generated for in patches/. */
export function committedVersions(root: string): string[] {
  const others = readdirSync(join(root, "patches"))
    .map((name) => /^@strapi__database@(.+)\.patch$/.exec(name)?.[1])
    .filter((version): version is string => version !== undefined && version !== PATCHED_PACKAGE.version);
  return [PATCHED_PACKAGE.version, ...others.sort()];
}

/** Every file the generator writes, by path from the repo root. */
export function generatedFiles(generated: GeneratedPatch): Array<[path: string, content: string]> {
  const paths = patchFiles(generated.expected.version);
  return [
    [paths.pnpm, generated.patch],
    [paths.patchPackage, generated.patchPackagePatch],
    [paths.expected, serializeExpected(generated.expected)],
  ];
}

export function serializeExpected(expected: ExpectedFiles): string {
  return `${JSON.stringify(expected, null, 2)}\n`;
}
