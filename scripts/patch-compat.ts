// pnpm patch:compat — applies the edits from src/ to every published @strapi/database 4.x
// from 4.15.0 on, prints the table and rewrites it in docs/compatibility.md. With --write it
// generates the patches for every version the edits apply to. With --boot v1,v2 (or --boot
// all) it also boots a fresh app of those versions on libSQL, and keeps only the patches that
// boot (4.25.9's belong to patch:generate and are never removed).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PATCHED_PACKAGE } from "../src/patch/bundle-edits";
import { checkEdits, COMPAT_DOC, compatibleRange, formatTable, pristineBundleOf, publishedVersions, withCompatTable, type CompatRow } from "./lib/compat";
import { buildPatch, generatedFiles, patchFiles } from "./lib/generate";

async function main(args: string[]): Promise<void> {
  const root = join(__dirname, "..");
  const bootArgument = args[args.indexOf("--boot") + 1];
  const boot = args.includes("--boot") ? (bootArgument ?? "all") : undefined;
  const writeAll = args.includes("--write");
  // The boot check installs the patch through `strapi-libsql add`, which takes it from patches/.
  const write = (version: string) => writeAll || boot === "all" || (boot?.split(",").includes(version) ?? false);
  const rows: CompatRow[] = [];
  for (const version of compatibleRange(await publishedVersions())) {
    const bundle = await pristineBundleOf(root, version);
    const row = checkEdits(version, bundle);
    rows.push(row);
    if (write(version) && row.edits === "applies" && bundle !== undefined && version !== PATCHED_PACKAGE.version) {
      for (const [path, content] of generatedFiles(buildPatch(root, bundle, version))) writeFileSync(join(root, path), content);
    }
    console.log(`${version}: ${row.edits}`);
  }
  if (boot !== undefined) await bootCheck(root, rows, boot);
  const docPath = join(root, COMPAT_DOC);
  writeFileSync(docPath, withCompatTable(readFileSync(docPath, "utf8"), formatTable(rows)));
  console.log(`patch:compat: ${COMPAT_DOC} table updated`);
}

void main(process.argv.slice(2));

async function bootCheck(root: string, rows: CompatRow[], selection: string): Promise<void> {
  const applying = rows.filter((row) => row.edits === "applies").map((row) => row.version);
  const versions = selection === "all" ? applying : selection.split(",").filter((version) => applying.includes(version));
  const resultsFile = join(root, ".tmp", "compat-boot.json");
  rmSync(resultsFile, { force: true });
  try {
    execFileSync("npx", ["vitest", "run", "--config", "vitest.compat.config.ts"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, STRAPI_COMPAT_VERSIONS: versions.join(",") },
    });
  } catch {
    // A version that does not boot fails its test; its row says so below.
  }
  const booted = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, boolean>) : {};
  for (const row of rows) {
    if (!versions.includes(row.version)) continue;
    row.boots = booted[row.version] === true;
    if (!row.boots && row.version !== PATCHED_PACKAGE.version) {
      for (const path of Object.values(patchFiles(row.version))) rmSync(join(root, path), { force: true });
    }
  }
}
