import type { BundleEdit } from "../../src/patch/bundle-edits";

export class AnchorError extends Error {
  override name = "AnchorError";
}

/** Applies every edit to `source`; `target` (e.g. "@strapi/database@4.25.9 dist/index.js") names it in errors. */
export function applyBundleEdits(source: string, edits: readonly BundleEdit[], target: string): string {
  let result = source;
  for (const edit of edits) {
    const count = result.split(edit.anchor).length - 1;
    if (count !== 1) {
      const found = count === 0 ? "is not found" : `occurs ${count} times`;
      throw new AnchorError(`anchor "${edit.name}" ${found} in ${target}; it must occur exactly once`);
    }
    const at = result.indexOf(edit.anchor);
    const insertAt = edit.position === "before" ? at : at + edit.anchor.length;
    result = result.slice(0, insertAt) + edit.text + result.slice(insertAt);
  }
  return result;
}
