// pnpm patch:compat — applies the edits from src/ to every published @strapi/database 4.x
// from 4.15.0 on, prints the table and rewrites it in docs/compatibility.md.
//
//   pnpm patch:compat                           which versions the edits apply to
//   pnpm patch:compat --write 4.24.5,4.26.2     also writes those versions' patches into patches/
//   pnpm patch:compat --boot 4.15.0,4.20.5      also boots a fresh app of each on libSQL (or: all)
//
// A boot gets its patch from `strapi-libsql add`, which generates it; the table keeps the boot
// results of earlier runs for the versions not booted this time.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PATCHED_PACKAGE } from "../src/patch/bundle-edits";
import { checkEdits, COMPAT_DOC, compatibleRange, formatTable, pristineBundleOf, publishedVersions, recordedBoots, withCompatTable, type CompatRow } from "./lib/compat";
import { buildPatch, generatedFiles } from "./lib/generate";

/** The versions after `flag` (comma-separated, or `all`); undefined when the flag is absent. */
function selection(args: string[], flag: string): ((version: string) => boolean) | undefined {
  if (!args.includes(flag)) return undefined;
  const value = args[args.indexOf(flag) + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`patch:compat: ${flag} wants versions (4.24.5,4.26.2) or all`);
  const versions = value.split(",");
  return (version) => value === "all" || versions.includes(version);
}

async function main(args: string[]): Promise<void> {
  const root = join(__dirname, "..");
  const write = selection(args, "--write");
  const boot = selection(args, "--boot");
  const docPath = join(root, COMPAT_DOC);
  const recorded = recordedBoots(readFileSync(docPath, "utf8"));
  const rows: CompatRow[] = [];
  for (const version of compatibleRange(await publishedVersions())) {
    const bundle = await pristineBundleOf(root, version);
    const row: CompatRow = { ...checkEdits(version, bundle), boots: recorded[version] };
    rows.push(row);
    if (write?.(version) && row.edits === "applies" && bundle !== undefined && version !== PATCHED_PACKAGE.version) {
      for (const [path, content] of generatedFiles(buildPatch(root, bundle, version))) {
        writeFileSync(join(root, path), content);
        console.log(`wrote ${path}`);
      }
    }
    console.log(`${version}: ${row.edits}`);
  }
  if (boot) bootCheck(root, rows.filter((row) => row.edits === "applies" && boot(row.version)));
  writeFileSync(docPath, withCompatTable(readFileSync(docPath, "utf8"), formatTable(rows)));
  console.log(`patch:compat: ${COMPAT_DOC} table updated`);
}

void main(process.argv.slice(2));

function bootCheck(root: string, rows: CompatRow[]): void {
  const resultsFile = join(root, ".tmp", "compat-boot.json");
  rmSync(resultsFile, { force: true });
  try {
    execFileSync("npx", ["vitest", "run", "--config", "vitest.compat.config.ts"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, STRAPI_COMPAT_VERSIONS: rows.map((row) => row.version).join(",") },
    });
  } catch {
    // A version that does not boot fails its test; its row says so below.
  }
  const booted = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, boolean>) : {};
  for (const row of rows) row.boots = booted[row.version] === true;
}
