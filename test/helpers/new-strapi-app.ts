// A Strapi 4.25.9 app as `create-strapi-app` writes it (Strapi's own generator, from the
// installed @strapi/generate-new), without its install step: the test installs it with the
// package manager under test.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
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

export function runAdd(appDir: string): string {
  return execFileSync(process.execPath, [join(APP_DIR, "node_modules", "tsx", "dist", "cli.mjs"), join(APP_DIR, "scripts", "strapi-libsql.ts"), "add", appDir], {
    encoding: "utf8",
  });
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
 * as dev dependencies, as done here.
 */
export function addTypescriptTooling(appDir: string): void {
  const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
  manifest.devDependencies = { ...manifest.devDependencies, "@strapi/typescript-utils": "4.25.9", typescript: "5.2.2" };
  writeFileSync(join(appDir, "package.json"), JSON.stringify(manifest, null, 2));
}

/** Compiles the server the way `strapi build` and `strapi develop` do, without the admin build. */
export async function compileLikeStrapi(appDir: string): Promise<void> {
  const tsUtils = require(require.resolve("@strapi/typescript-utils", { paths: [appDir] })) as {
    compile(dir: string, options: object): Promise<void>;
  };
  await tsUtils.compile(appDir, { configOptions: { options: { incremental: true } } });
}

/** Boots the app on a libSQL file and writes and reads a note through the REST API. */
export async function bootAndUseNote(appDir: string): Promise<void> {
  const strapi = await startStrapi({ appDir, env: { DATABASE_CLIENT: "libsql", DATABASE_URL: `file:${join(appDir, ".tmp", "libsql.db")}` } });
  try {
    expect(existsSync(join(appDir, ".tmp", "libsql.db"))).toBe(true);
    const api = await apiWithToken(strapi.baseUrl);
    const created = await api.post("/api/notes", { data: { text: "written on libSQL" } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const read = await api.get(`/api/notes/${created.body.data.id}`);
    expect(read.body.data.attributes.text).toBe("written on libSQL");
  } finally {
    await strapi.stop();
  }
}
