// pnpm patch:generate — writes the patches (pnpm and patch-package naming) and the expected
// hashes from src/, for 4.25.9 and every other version patch:compat committed.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { committedVersions, generatePatch, generatedFiles } from "./lib/generate";

async function main(): Promise<void> {
  const root = join(__dirname, "..");
  for (const version of committedVersions(root)) {
    for (const [path, content] of generatedFiles(await generatePatch(root, version))) {
      writeFileSync(join(root, path), content);
      console.log(`wrote ${path}`);
    }
  }
}

void main();
