// pnpm patch:check — fails, showing the difference, when the committed patch is not what
// src/ generates today. Generation happens in memory; nothing in the tree is written.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTwoFilesPatch } from "diff";
import { EXPECTED_FILE, PATCH_FILE, generatePatch, serializeExpected } from "./lib/generate";

async function main(): Promise<void> {
  const root = join(__dirname, "..");
  const { patch, expected } = await generatePatch(root);
  let drifted = false;
  for (const [file, fresh] of [
    [PATCH_FILE, patch],
    [EXPECTED_FILE, serializeExpected(expected)],
  ] as const) {
    const committed = readFileSync(join(root, file), "utf8");
    if (committed !== fresh) {
      drifted = true;
      console.error(createTwoFilesPatch(`${file} (committed)`, `${file} (regenerated)`, committed, fresh, "", "", { context: 2 }));
    }
  }
  if (drifted) {
    console.error("patch:check: the committed patch differs from what src/ generates; run `pnpm patch:generate` and commit both files");
    process.exit(1);
  }
  console.log(`patch:check: ${PATCH_FILE} is what src/ generates`);
}

void main();
