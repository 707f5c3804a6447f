// pnpm patch:generate — writes from src/ the install verifier, and the patches (pnpm and
// patch-package naming) and expected hashes for 4.25.9 and every other version in patches/.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateAll } from "./lib/generate";

async function main(): Promise<void> {
  const root = join(__dirname, "..");
  for (const [path, content] of await generateAll(root)) {
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
}

void main();
