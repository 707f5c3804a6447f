// The app's settings are read in config/, described in the README, and kept out of the Strapi
// processes the tests start (a developer's .env must not point a test at their database). A
// variable added to one place and not the others fails here rather than surprising a user.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DATABASE_VARIABLES } from "../scripts/lib/strapi-process";

const APP_DIR = join(__dirname, "..");

/** Every variable a config file reads through Strapi's env(), env.bool(), env.int(), env.array() or database.ts's setting(). */
function variablesRead(file: string): string[] {
  const source = readFileSync(join(APP_DIR, "config", file), "utf8");
  return Array.from(source.matchAll(/\b(?:env(?:\.\w+)?|setting)\(\s*"([A-Z][A-Z0-9_]*)"/g), (match) => match[1]!);
}

const configFiles = readdirSync(join(APP_DIR, "config")).filter((file) => file.endsWith(".ts"));
const readme = readFileSync(join(APP_DIR, "README.md"), "utf8");
const configurationSection = readme.slice(readme.indexOf("\n## Configuration"), readme.indexOf("\n## ", readme.indexOf("\n## Configuration") + 1));

describe("the app's configuration", () => {
  it("reads variables, found in config/", () => {
    expect(variablesRead("database.ts")).toContain("DATABASE_URL");
    expect(configFiles.flatMap(variablesRead).length).toBeGreaterThan(20);
  });

  it.each(configFiles)("config/%s: every variable it reads is in the README's configuration table", (file) => {
    const missing = variablesRead(file).filter((name) => !configurationSection.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it("config/database.ts: every variable it reads is kept out of the tests' Strapi processes", () => {
    const missing = variablesRead("database.ts").filter((name) => !DATABASE_VARIABLES.includes(name));
    expect(missing).toEqual([]);
  });
});
