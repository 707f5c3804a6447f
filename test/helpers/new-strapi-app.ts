// A Strapi 4.25.9 app as `create-strapi-app` writes it (Strapi's own generator, from the
// installed @strapi/generate-new), without its install step: the test installs it with the
// package manager under test.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { APP_DIR } from "./strapi";

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

export async function createStrapiApp(dir: string, flavour: "js" | "ts"): Promise<void> {
  process.env.STRAPI_TELEMETRY_DISABLED = "true";
  // The generator narrates for a person at a terminal ("npm run develop", ...); a test log
  // does not need it.
  const log = console.log;
  console.log = () => undefined;
  try {
    await generate(dir, flavour);
  } finally {
    console.log = log;
  }
}

function generate(dir: string, flavour: "js" | "ts"): Promise<void> {
  return loadCreateProject()(
    {
      rootPath: dir,
      name: "fresh-app",
      strapiVersion: "4.25.9",
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
      dependencies: { "better-sqlite3": "8.6.0" },
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
