import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../pristine.fixture";
import { LIBSQL_CONNECTION, addLibsqlConnection } from "./database-config";

/** Strapi's own config/database template, as create-strapi-app writes it. */
function strapiTemplate(flavour: "js" | "ts"): string {
  const strapiDir = dirname(require.resolve("@strapi/strapi/package.json", { paths: [ROOT] }));
  const generator = dirname(require.resolve("@strapi/generate-new/package.json", { paths: [strapiDir] }));
  return readFileSync(join(generator, "dist/resources/templates/database-templates", flavour, "database.template"), "utf8");
}

/** Strapi's template with `entry` first in its connections, as a user would have pasted it. */
const templateWith = (entry: string) => strapiTemplate("js").replace("  const connections = {\n", `  const connections = {\n${entry}`);

/** The entry exactly as the blog post "Use Turso DB with Strapi 4" has users paste it. */
const BLOG_ENTRY = readFileSync(join(ROOT, "test", "fixtures", "blog-recipe", "database-entry.js"), "utf8");

/** The recipe's entry with the URL from the environment, as its users write it next. */
const RECIPE_ENTRY_FROM_ENV = `    libsql: {
      connection: { filename: env('DATABASE_URL') },
      useNullAsDefault: true,
    },
`;

describe("addLibsqlConnection", () => {
  it.each(["js", "ts"] as const)("adds the entry first in Strapi's %s template and keeps every other line", (flavour) => {
    const source = strapiTemplate(flavour);
    const edit = addLibsqlConnection(source, `config/database.${flavour}`);
    expect(edit.kind).toBe("edited");
    const text = edit.kind === "edited" ? edit.text : "";
    expect(text).toContain(`  const connections = {\n${LIBSQL_CONNECTION}    mysql: {`);
    expect(text.replace(LIBSQL_CONNECTION, "")).toBe(source);
    expect(addLibsqlConnection(text, "config/database.js")).toEqual({ kind: "unchanged" });
  });

  it("reads an empty variable as unset, so that .env.example's empty lines boot on the local file", () => {
    const env = (values: Record<string, string>) => (name: string, fallback?: string) => (name in values ? values[name] : fallback);
    const url = (values: Record<string, string>) => {
      // The entry's own expression, evaluated as Strapi's env() would.
      const expression = /url: (.*),\n/.exec(LIBSQL_CONNECTION)![1]!;
      return new Function("env", `return ${expression};`)(env(values)) as string;
    };
    expect(url({ DATABASE_URL: "", TURSO_DATABASE_URL: "" })).toBe("file:.tmp/data.db");
    expect(url({})).toBe("file:.tmp/data.db");
    expect(url({ DATABASE_URL: "", TURSO_DATABASE_URL: "libsql://db.turso.io" })).toBe("libsql://db.turso.io");
    expect(url({ DATABASE_URL: "ws://127.0.0.1:8080" })).toBe("ws://127.0.0.1:8080");
  });

  it("replaces the blog recipe's entry, keeping its literal URL as the default, and says so without the token", () => {
    const edit = addLibsqlConnection(templateWith(BLOG_ENTRY), "config/database.js");
    expect(edit.kind).toBe("edited");
    if (edit.kind !== "edited") return;
    expect(edit.text).not.toContain("filename:\n");
    expect(edit.text).toContain("url: env('DATABASE_URL') || env('TURSO_DATABASE_URL') || 'wss://my-strapi-db.turso.io?authToken=my_turso_auth_token',");
    expect(edit.text).toContain("authToken: env('TURSO_AUTH_TOKEN', ''),");
    expect(edit.note).toBe(
      "config/database.js: replaced the blog recipe's libsql connection (connection.filename) with url and authToken, from DATABASE_URL and TURSO_AUTH_TOKEN; its URL stays the default",
    );
    expect(edit.note).not.toContain("my_turso_auth_token");
    expect(addLibsqlConnection(edit.text, "config/database.js")).toEqual({ kind: "unchanged" });
  });

  it("replaces the recipe's entry that reads DATABASE_URL with the documented one", () => {
    const edit = addLibsqlConnection(templateWith(RECIPE_ENTRY_FROM_ENV), "config/database.js");
    expect(edit).toMatchObject({ kind: "edited" });
    expect(edit.kind === "edited" && edit.text).toBe(templateWith(LIBSQL_CONNECTION));
  });

  it("updates the entry earlier releases wrote, which read an empty DATABASE_URL as set", () => {
    const earlier = LIBSQL_CONNECTION.replace(
      /\s*\/\/ An empty variable.*\n\s*url: .*\n/,
      "\n        url: env('DATABASE_URL', env('TURSO_DATABASE_URL', 'file:.tmp/data.db')),\n",
    );
    const edit = addLibsqlConnection(templateWith(earlier), "config/database.js");
    expect(edit).toMatchObject({ kind: "edited", text: templateWith(LIBSQL_CONNECTION) });
  });

  it("keeps an entry of the user's own that passes a URL and a token", () => {
    const own = "    libsql: {\n      connection: { url: process.env.DB, authToken: process.env.TOKEN },\n    },\n";
    expect(addLibsqlConnection(templateWith(own), "config/database.js")).toEqual({ kind: "unchanged" });
  });

  it("refuses, in one line, an entry it cannot rewrite safely", () => {
    const own = "    libsql: {\n      connection: { filename: buildUrl(env) },\n      useNullAsDefault: true,\n    },\n";
    const edit = addLibsqlConnection(templateWith(own), "config/database.js");
    expect(edit).toEqual({
      kind: "refused",
      reason:
        "config/database.js has a libsql connection that strapi-libsql cannot rewrite safely; make its connection { url: env('DATABASE_URL'), authToken: env('TURSO_AUTH_TOKEN') } and run add again",
    });
  });

  it("hands back the snippet when the config has no connections map to edit", () => {
    expect(addLibsqlConnection("module.exports = () => ({ connection: { client: 'sqlite' } });\n", "config/database.js")).toEqual({
      kind: "manual",
      snippet: LIBSQL_CONNECTION,
    });
  });
});
