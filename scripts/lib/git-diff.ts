// Writes a patch in the format `pnpm patch-commit` writes (git's): a `diff --git` header with
// full blob ids per file, then unified hunks with three lines of context. The hunks come
// from jsdiff, a maintained unified-diff implementation.
import { createHash } from "node:crypto";
import { structuredPatch } from "diff";

export interface FileChange {
  path: string;
  /** null when the patch creates the file. */
  before: string | null;
  after: string;
}

const NULL_BLOB = "0".repeat(40);

function blobId(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function range(start: number, lines: number): string {
  // git writes an empty side as "0,0" and omits a count of one.
  const from = lines === 0 ? start - 1 : start;
  return lines === 1 ? `${from}` : `${from},${lines}`;
}

/** `pathPrefix` places the files: "" for pnpm (paths inside the package), "node_modules/<pkg>/" for patch-package. */
export function formatFileDiff(change: FileChange, pathPrefix = ""): string {
  const { before, after } = change;
  const path = `${pathPrefix}${change.path}`;
  const header =
    before === null
      ? [`diff --git a/${path} b/${path}`, "new file mode 100644", `index ${NULL_BLOB}..${blobId(after)}`, "--- /dev/null", `+++ b/${path}`]
      : [`diff --git a/${path} b/${path}`, `index ${blobId(before)}..${blobId(after)} 100644`, `--- a/${path}`, `+++ b/${path}`];
  const { hunks } = structuredPatch(path, path, before ?? "", after, "", "", { context: 3 });
  const body = hunks.flatMap((hunk) => [
    `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`,
    ...hunk.lines,
  ]);
  return `${[...header, ...body].join("\n")}\n`;
}

export function formatPatch(changes: readonly FileChange[], pathPrefix = ""): string {
  return [...changes]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((change) => formatFileDiff(change, pathPrefix))
    .join("");
}
