// Every `pnpm <name>` that README.md and docs/*.md show must run this app's script of that name.
// pnpm has built-in commands (`doctor`, `audit`, `store`, …) that win over a script of the same
// name: `pnpm doctor` runs pnpm's own check, prints nothing and exits 0, whatever package.json
// says. Each documented name is run here, with the pinned pnpm, in a scratch package whose scripts
// print a marker.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const APP_DIR = join(__dirname, "..");
const manifest = JSON.parse(readFileSync(join(APP_DIR, "package.json"), "utf8")) as { packageManager: string; scripts: Record<string, string> };
/** "pnpm@9.15.9": what CI and the README run. */
const PNPM = manifest.packageManager;

/** The commands the docs mean as pnpm's own, not as this app's scripts. */
const PNPM_BUILT_INS = new Set(["install", "add"]);

const docs = [
  "README.md",
  ...(existsSync(join(APP_DIR, "docs")) ? readdirSync(join(APP_DIR, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`) : []),
];

/**
 * The commands in a Markdown text: fenced blocks, and inline code spans that are a command (they
 * start with pnpm or npx). Other spans quote what a program printed ("… pnpm applies the patch
 * when …"), which is not something to type.
 */
function codeIn(markdown: string): string[] {
  const fenced = Array.from(markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm), (match) => match[1]!);
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, "");
  const inline = Array.from(prose.matchAll(/``([^\n]+?)``|`([^`\n]+)`/g), (match) => (match[1] ?? match[2])!);
  return [...fenced, ...inline.filter((code) => /^(pnpm|npx)\b/.test(code.trim()))];
}

/** The names given to pnpm in a piece of code: `pnpm x`, `pnpm run x`, `npx -y pnpm@9.15.9 x`. */
function pnpmNames(code: string): string[] {
  return Array.from(code.matchAll(/(?<![\w.@/-])pnpm(?:@[\w.-]+)?[ \t]+(?:run[ \t]+)?([a-z][\w:-]*)/g), (match) => match[1]!);
}

/** Every documented name, with the files that show it. */
function documentedNames(): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const file of docs) {
    for (const name of codeIn(readFileSync(join(APP_DIR, file), "utf8")).flatMap(pnpmNames)) {
      const files = names.get(name) ?? [];
      if (!files.includes(file)) names.set(name, [...files, file]);
    }
  }
  return names;
}

const documented = documentedNames();
const scriptNames = [...documented.keys()].filter((name) => !PNPM_BUILT_INS.has(name)).sort();

describe("the pnpm commands the docs show", () => {
  it("finds them (the parser still reads the docs)", () => {
    expect(scriptNames).toEqual(expect.arrayContaining(["develop", "test"]));
    expect(PNPM_BUILT_INS.has("install") && documented.has("install")).toBe(true);
  });

  it("shows the README's two commands exactly as CI runs them", () => {
    const readme = readFileSync(join(APP_DIR, "README.md"), "utf8");
    expect(readme).toContain(`npx -y ${PNPM} install && npx -y ${PNPM} develop`);
    expect(readme).toContain(`npx -y ${PNPM} install && npx -y ${PNPM} test`);
  });

  it.each(scriptNames)("pnpm %s: a script in package.json", (name) => {
    expect(manifest.scripts[name], `${documented.get(name)!.join(", ")} show \`pnpm ${name}\`, which package.json does not define`).toBeDefined();
  });

  describe(`run by ${PNPM}`, () => {
    let scratch: string;
    /** Output of `pnpm <name>` in the scratch package, per name. */
    const ran = new Map<string, string>();

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), "documented-commands-"));
      const marker = 'echo "SCRIPT-RAN $npm_lifecycle_event"';
      const scripts = Object.fromEntries([...scriptNames, "where-is-pnpm"].map((name) => [name, marker]));
      scripts["where-is-pnpm"] = `node -e "console.log(process.env.npm_execpath)"`;
      writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "documented-commands", private: true, scripts }, null, 2));
      // npx resolves the pinned pnpm once (seconds); each name then runs on that same pnpm.
      const pnpmCli = execFileSync("npx", ["-y", PNPM, "--silent", "where-is-pnpm"], { cwd: scratch, encoding: "utf8", timeout: 60_000 }).trim();
      const run = (name: string) =>
        new Promise<void>((resolve) => {
          execFile(process.execPath, [pnpmCli, name], { cwd: scratch, timeout: 60_000 }, (error, stdout, stderr) => {
            ran.set(name, `${stdout}${stderr}${error?.killed ? "\n(killed after 60 s)" : ""}`);
            resolve();
          });
        });
      // About a second of CPU each: as many at once as there are cores.
      const queue = [...scriptNames];
      const worker = async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) await run(name);
      };
      await Promise.all(Array.from({ length: availableParallelism() }, worker));
    }, 300_000);

    afterAll(() => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it.each(scriptNames)("pnpm %s runs the script, not a built-in pnpm command", (name) => {
      expect(ran.get(name), `\`pnpm ${name}\` (shown in ${documented.get(name)!.join(", ")}) did not run the script`).toContain(`SCRIPT-RAN ${name}`);
    });
  });
});
