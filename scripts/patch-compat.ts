// pnpm patch:compat — applies the edits from src/ to every published @strapi/database 4.x
// from 4.15.0 on, prints the table, rewrites it in README.md, and with --write generates the
// patches for every version the edits apply to (4.25.9's are always kept by patch:generate).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PATCHED_PACKAGE } from "../src/patch/bundle-edits";
import { checkEdits, compatibleRange, formatTable, pristineBundleOf, publishedVersions, type CompatRow } from "./lib/compat";
import { buildPatch, generatedFiles } from "./lib/generate";

const TABLE_START = "<!-- patch:compat table start -->";
const TABLE_END = "<!-- patch:compat table end -->";

async function main(args: string[]): Promise<void> {
  const root = join(__dirname, "..");
  const write = args.includes("--write");
  const rows: CompatRow[] = [];
  for (const version of compatibleRange(await publishedVersions())) {
    const bundle = await pristineBundleOf(root, version);
    const row = checkEdits(version, bundle);
    rows.push(row);
    if (write && row.edits === "applies" && bundle !== undefined && version !== PATCHED_PACKAGE.version) {
      for (const [path, content] of generatedFiles(buildPatch(root, bundle, version))) writeFileSync(join(root, path), content);
    }
    console.log(`${version}: ${row.edits}`);
  }
  const table = formatTable(rows);
  const readmePath = join(root, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start !== -1 && end > start) {
    writeFileSync(readmePath, `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`);
    console.log("patch:compat: README.md table updated");
  }
}

void main(process.argv.slice(2));
