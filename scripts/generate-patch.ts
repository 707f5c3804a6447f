// pnpm patch:generate — writes the patches (pnpm and patch-package naming) and the expected
// hashes from src/.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatePatch, generatedFiles } from "./lib/generate";

async function main(): Promise<void> {
  const root = join(__dirname, "..");
  for (const [path, content] of generatedFiles(await generatePatch(root))) {
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
}

void main();
