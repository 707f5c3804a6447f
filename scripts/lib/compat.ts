// Which published @strapi/database 4.x versions the edits in src/ apply to, and which anchor
// stops the others: what a maintainer reads when a new Strapi 4 release appears.
import { PATCHED_PACKAGE, bundleEdits } from "../../src/patch/bundle-edits";
import { AnchorError, applyBundleEdits } from "./apply-edits";
import { fetchPristineTarball, readFileFromTarball, registryBase, registryIntegrity } from "./pristine-package";

export interface CompatRow {
  version: string;
  /** "applies", or why not: the anchor's error, or the bundle missing. */
  edits: "applies" | string;
  /** Filled in only when the boot check ran. */
  boots?: boolean;
}

/** Versions ≥ 4.15.0 and < 5, ascending; pre-releases left out. */
export function compatibleRange(versions: readonly string[], from = "4.15.0"): string[] {
  const parse = (version: string) => version.split(".").map(Number);
  const [fromMajor = 0, fromMinor = 0, fromPatch = 0] = parse(from);
  return versions
    .filter((version) => /^4\.\d+\.\d+$/.test(version))
    .filter((version) => {
      const [, minor = 0, patch = 0] = parse(version);
      return fromMajor === 4 && (minor > fromMinor || (minor === fromMinor && patch >= fromPatch));
    })
    .sort((a, b) => {
      const [, am = 0, ap = 0] = parse(a);
      const [, bm = 0, bp = 0] = parse(b);
      return am - bm || ap - bp;
    });
}

export async function publishedVersions(base = registryBase()): Promise<string[]> {
  const response = await fetch(`${base}${PATCHED_PACKAGE.name}`, { headers: { Accept: "application/vnd.npm.install-v1+json" } });
  if (!response.ok) throw new Error(`the registry answered ${response.status} for ${PATCHED_PACKAGE.name}`);
  return Object.keys(((await response.json()) as { versions: Record<string, unknown> }).versions);
}

export async function pristineBundleOf(root: string, version: string): Promise<string | undefined> {
  const pkg = { name: PATCHED_PACKAGE.name, version };
  const tarball = await fetchPristineTarball(root, pkg, await registryIntegrity(pkg));
  try {
    return readFileFromTarball(tarball, PATCHED_PACKAGE.bundle);
  } catch {
    return undefined;
  }
}

export function checkEdits(version: string, bundle: string | undefined): CompatRow {
  if (bundle === undefined) return { version, edits: `no ${PATCHED_PACKAGE.bundle} in the package` };
  try {
    applyBundleEdits(bundle, bundleEdits, `${PATCHED_PACKAGE.name}@${version}`);
    return { version, edits: "applies" };
  } catch (error) {
    if (!(error instanceof AnchorError)) throw error;
    return { version, edits: error.message.replace(/ in @strapi\/database@[^;]+;.*$/, "") };
  }
}

export function formatTable(rows: readonly CompatRow[]): string {
  const lines = ["| @strapi/database | edits | boots on libSQL |", "|---|---|---|"];
  for (const row of rows) {
    const boots = row.boots === undefined ? "not checked" : row.boots ? "yes" : "no";
    lines.push(`| ${row.version} | ${row.edits === "applies" ? "apply" : row.edits} | ${boots} |`);
  }
  return lines.join("\n");
}

/**
 * The boot results the table already records, by version: a run that boots nothing, or other
 * versions, keeps them rather than resetting them to "not checked".
 */
export function recordedBoots(doc: string): Record<string, boolean> {
  const table = doc.slice(doc.indexOf(TABLE_START), doc.indexOf(TABLE_END));
  const boots: Record<string, boolean> = {};
  for (const [, version, cell] of table.matchAll(/^\| (\S+) \| [^|]+ \| (yes|no) \|$/gm)) boots[version!] = cell === "yes";
  return boots;
}

/** The document whose table `pnpm patch:compat` rewrites, between the two markers. */
export const COMPAT_DOC = "docs/compatibility.md";
export const TABLE_START = "<!-- patch:compat table start -->";
export const TABLE_END = "<!-- patch:compat table end -->";

/** `doc` with the text between the markers replaced by `table`; throws when the markers are missing. */
export function withCompatTable(doc: string, table: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`${COMPAT_DOC} has no "${TABLE_START}" … "${TABLE_END}" markers for the table`);
  return `${doc.slice(0, start + TABLE_START.length)}\n${table}\n${doc.slice(end)}`;
}
