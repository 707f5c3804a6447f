// pnpm patch:check — fails, showing the difference, when a committed patch, its hashes or the
// install verifier is not what src/ generates today. Generation happens in memory; nothing in
// the tree is written.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createTwoFilesPatch } from "diff";
import { generateAll } from "./lib/generate";

async function main(): Promise<void> {
  const root = join(__dirname, "..");
  const drifted = (await generateAll(root)).filter(([path, fresh]) => {
    const committed = existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : "";
    if (committed === fresh) return false;
    console.error(createTwoFilesPatch(`${path} (committed)`, `${path} (regenerated)`, committed, fresh, "", "", { context: 2 }));
    return true;
  });
  if (drifted.length > 0) {
    console.error(
      `patch:check: ${drifted.map(([path]) => path).join(", ")} differ from what src/ generates; run \`pnpm patch:generate\` and commit patches/`,
    );
    process.exit(1);
  }
  console.log("patch:check: the committed patches are what src/ generates");
}

void main();
