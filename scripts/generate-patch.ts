// pnpm patch:generate — writes the patch and its expected hashes from src/.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXPECTED_FILE, PATCH_FILE, generatePatch, serializeExpected } from "./lib/generate";

async function main(): Promise<void> {
  const root = join(__dirname, "..");
  const { patch, expected } = await generatePatch(root);
  writeFileSync(join(root, PATCH_FILE), patch);
  writeFileSync(join(root, EXPECTED_FILE), serializeExpected(expected));
  console.log(`wrote ${PATCH_FILE} and ${EXPECTED_FILE} (${Object.keys(expected.files).length} files)`);
}

void main();
