// A Strapi 4.25.9 app as `create-strapi-app` writes it (Strapi's own generator, from the
// installed @strapi/generate-new), without its install step: the test installs it with the
// package manager under test.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { apiWithToken } from "./api";
import { APP_DIR, startStrapi } from "./strapi";

interface GeneratorScope {
  rootPath: string;
  name: string;
  strapiVersion: string;
  useTypescript: boolean;
  installDependencies: boolean;
  [key: string]: unknown;
}
type CreateProject = (scope: GeneratorScope, configuration: Record<string, unknown>) => Promise<void>;

function loadCreateProject(): CreateProject {
  const strapiDir = dirname(require.resolve("@strapi/strapi/package.json", { paths: [APP_DIR] }));
  const generatorDir = dirname(require.resolve("@strapi/generate-new/package.json", { paths: [strapiDir] }));
  return require(join(generatorDir, "dist", "create-project.js")) as CreateProject;
}

export async function createStrapiApp(dir: string, flavour: "js" | "ts", strapiVersion = "4.25.9"): Promise<void> {
  process.env.STRAPI_TELEMETRY_DISABLED = "true";
  // The generator narrates for a person at a terminal ("npm run develop", ...); a test log
  // does not need it.
  const log = console.log;
  console.log = () => undefined;
  try {
    await generate(dir, flavour, strapiVersion);
  } finally {
    console.log = log;
  }
}

function generate(dir: string, flavour: "js" | "ts", strapiVersion: string): Promise<void> {
  return loadCreateProject()(
    {
      rootPath: dir,
      name: "fresh-app",
      strapiVersion,
      useTypescript: flavour === "ts",
      installDependencies: false,
      runQuickstartApp: false,
      strapiDependencies: ["@strapi/strapi", "@strapi/plugin-users-permissions", "@strapi/plugin-i18n"],
      additionalsDependencies: {},
      packageJsonStrapi: {},
      uuid: "strapi-libsql-test",
      deviceId: "strapi-libsql-test",
      tmpPath: join(dir, ".generate-tmp"),
      useYarn: false,
      docker: false,
    },
    {
      client: "sqlite",
      connection: { client: "sqlite", connection: { filename: ".tmp/data.db" }, useNullAsDefault: true },
      // What create-strapi-app's quickstart adds: the database driver and the admin's peers.
      dependencies: {
        "better-sqlite3": "8.6.0",
        react: "^18.0.0",
        "react-dom": "^18.0.0",
        "react-router-dom": "5.3.4",
        "styled-components": "5.3.3",
      },
    },
  );
}

/** A `note` collection type with REST routes, as the Content-Type Builder would write it. */
export function addNoteContentType(dir: string, flavour: "js" | "ts"): void {
  const api = join(dir, "src", "api", "note");
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(api, path)), { recursive: true });
    writeFileSync(join(api, path), content);
  };
  write(
    "content-types/note/schema.json",
    JSON.stringify({
      kind: "collectionType",
      collectionName: "notes",
      info: { singularName: "note", pluralName: "notes", displayName: "Note" },
      options: { draftAndPublish: false },
      attributes: { text: { type: "string", required: true } },
    }),
  );
  for (const [kind, factory] of [
    ["controllers", "createCoreController"],
    ["routes", "createCoreRouter"],
    ["services", "createCoreService"],
  ] as const) {
    write(
      `${kind}/note.${flavour}`,
      flavour === "ts"
        ? `import { factories } from "@strapi/strapi";\nexport default factories.${factory}("api::note.note");\n`
        : `const { factories } = require("@strapi/strapi");\nmodule.exports = factories.${factory}("api::note.note");\n`,
    );
  }
}

/**
 * `strapi-libsql add <appDir>` as a user runs it; resolves to what it printed, rejects with its
 * error line. A child process the test awaits: a test worker blocked for long misses vitest's
 * own calls, and the run fails with "Timeout calling onTaskUpdate" although every test passed.
 */
export async function runAdd(appDir: string): Promise<string> {
  const cli = [join(APP_DIR, "node_modules", "tsx", "dist", "cli.mjs"), join(APP_DIR, "scripts", "strapi-libsql.ts"), "add", appDir];
  const { stdout } = await promisify(execFile)(process.execPath, cli, { encoding: "utf8" });
  return stdout;
}

/**
 * sharp@0.32 (a dependency of Strapi's upload plugin) downloads libvips from GitHub at
 * install, which this sandbox cannot reach; the app pins the release that ships it on npm.
 * A user's machine does not need this.
 */
export function pinSharpForTheSandbox(appDir: string, field: "pnpm" | "overrides" | "resolutions"): void {
  const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
  if (field === "pnpm") manifest.pnpm = { ...manifest.pnpm, overrides: { sharp: "0.33.5" } };
  else manifest[field] = { sharp: "0.33.5" };
  writeFileSync(join(appDir, "package.json"), JSON.stringify(manifest, null, 2));
}

/**
 * The generated tsconfig extends @strapi/typescript-utils, which pnpm's isolated layout keeps
 * out of the app's top level: a pnpm user of a TypeScript Strapi app adds it (and typescript)
 * as dev dependencies, as done here. The generated config/database.ts uses Node's `path`,
 * whose types only hoisting brings otherwise (a workspace with hoist=false has none).
 */
export function addTypescriptTooling(appDir: string): void {
  const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
  manifest.devDependencies = { ...manifest.devDependencies, "@strapi/typescript-utils": "4.25.9", typescript: "5.2.2", "@types/node": "^20.0.0" };
  writeFileSync(join(appDir, "package.json"), JSON.stringify(manifest, null, 2));
}

/**
 * Compiles the server the way `strapi build` and `strapi develop` do, without the admin build: in
 * a child process, since TypeScript compiles synchronously (see runAdd).
 */
export async function compileLikeStrapi(appDir: string): Promise<void> {
  const script = "require(require.resolve('@strapi/typescript-utils', { paths: [process.cwd()] })).compile(process.cwd(), { configOptions: { options: { incremental: true } } })";
  await promisify(execFile)(process.execPath, ["-e", script], { cwd: appDir, encoding: "utf8" });
}

/**
 * Boots the app on libSQL and writes and reads a note through the REST API. Without `env`, the
 * app's .env decides, as for a user, and the note must land in `dataFile` (the default file).
 */
export async function bootAndUseNote(appDir: string, env?: Record<string, string>, dataFile = ".tmp/data.db"): Promise<void> {
  const strapi = await startStrapi({ appDir, env: env ?? {}, dotEnv: env === undefined });
  try {
    const api = await apiWithToken(strapi.baseUrl);
    const created = await api.post("/api/notes", { data: { text: "written on libSQL" } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const read = await api.get(`/api/notes/${created.body.data.id}`);
    expect(read.body.data.attributes.text).toBe("written on libSQL");
    if (env === undefined) expect(existsSync(join(appDir, dataFile)), `${dataFile} holds the data`).toBe(true);
  } finally {
    await strapi.stop();
  }
}

/** The app's .env made as a user would: `cp .env.example .env`, then `lines` appended. */
export function envFromExample(appDir: string, ...lines: string[]): void {
  writeFileSync(join(appDir, ".env"), [readFileSync(join(appDir, ".env.example"), "utf8"), ...lines, ""].join("\n"));
}

/** The blog post's connection entry, exactly as it has users paste it into config/database.js. */
export const BLOG_RECIPE_ENTRY = readFileSync(join(APP_DIR, "test", "fixtures", "blog-recipe", "database-entry.js"), "utf8");

/**
 * The app as the blog post "Use Turso DB with Strapi 4" leaves it: the hand-edited patch
 * (test/fixtures/blog-recipe/*.patch, made by following its steps on the pristine 4.25.9 bundle) wired
 * in with pnpm's patchedDependencies or, for npm, patch-package; its driver @libsql/sqlite3; and
 * its connection entry in config/database.js.
 */
export function applyBlogRecipe(appDir: string, manager: "pnpm" | "npm"): void {
  const patch = manager === "pnpm" ? "@strapi__database@4.25.9.patch" : "@strapi+database+4.25.9.patch";
  mkdirSync(join(appDir, "patches"), { recursive: true });
  writeFileSync(join(appDir, "patches", patch), readFileSync(join(APP_DIR, "test", "fixtures", "blog-recipe", patch)));
  const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
  manifest.dependencies["@libsql/sqlite3"] = "^0.3.1";
  if (manager === "pnpm") {
    manifest.pnpm = { ...manifest.pnpm, patchedDependencies: { "@strapi/database@4.25.9": `patches/${patch}` } };
  } else {
    manifest.scripts = { ...manifest.scripts, postinstall: "patch-package" };
    manifest.devDependencies = { ...manifest.devDependencies, "patch-package": "^8.0.1" };
  }
  writeFileSync(join(appDir, "package.json"), JSON.stringify(manifest, null, 2));
  const config = join(appDir, "config", "database.js");
  writeFileSync(config, readFileSync(config, "utf8").replace("  const connections = {\n", `  const connections = {\n${BLOG_RECIPE_ENTRY}`));
}
