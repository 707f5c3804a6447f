// Installing an app the way its user would, with its own package manager, and reading what the
// install printed: the shared part of the tests that put the patch into fresh Strapi apps.
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { resolveLoadedDatabasePackage } from "../../src/verifier/verify-libsql-patch";

/**
 * Installs take minutes (npm and yarn compile better-sqlite3). Run synchronously, they block the
 * test worker, which then misses vitest's own calls and the run fails with "Timeout calling
 * onTaskUpdate" although every test passed.
 */
export async function install(command: readonly string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  const [file, ...args] = command;
  try {
    const { stdout, stderr } = await promisify(execFile)(file!, args, { cwd, env: userShellEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

export const PNPM = ["npx", "-y", "pnpm@9.15.9"];
export const VERIFIED = "strapi-libsql: @strapi/database@4.25.9 at ";

/** The app's strapi-libsql lines: what `add` printed, each one line. */
export const addLines = (output: string) => output.trim().split("\n");

/**
 * Changes a file of the installed, patched @strapi/database as someone editing node_modules
 * would. Written as a new file: pnpm hard-links the store's copy, which must stay intact.
 */
export function tamper(appDir: string, path: string, remove = false): void {
  const file = join(resolveLoadedDatabasePackage(appDir)!, path);
  const content = readFileSync(file, "utf8");
  rmSync(file);
  if (!remove) writeFileSync(file, `${content}\n// changed by hand\n`);
}

/** The last line the install printed from strapi-libsql's verifier. */
export const verifierLine = (output: string) => output.split("\n").filter((line) => line.includes("strapi-libsql: ")).pop();

/**
 * The environment of a user's shell: without the npm_* variables that `pnpm test` passes down. npm
 * reads an inherited npm_config_* as its own setting, so `npm install` would run as pnpm's user
 * agent, with pnpm's settings.
 */
export function userShellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}
