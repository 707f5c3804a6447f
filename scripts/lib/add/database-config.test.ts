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

describe("addLibsqlConnection", () => {
  it.each(["js", "ts"] as const)("adds the entry first in Strapi's %s template and keeps every other line", (flavour) => {
    const source = strapiTemplate(flavour);
    const edit = addLibsqlConnection(source);
    expect(edit.kind).toBe("edited");
    const text = edit.kind === "edited" ? edit.text : "";
    expect(text).toContain(`  const connections = {\n${LIBSQL_CONNECTION}    mysql: {`);
    expect(text.replace(LIBSQL_CONNECTION, "")).toBe(source);
    expect(addLibsqlConnection(text)).toEqual({ kind: "unchanged" });
  });

  it("hands back the snippet when the config has no connections map to edit", () => {
    expect(addLibsqlConnection("module.exports = () => ({ connection: { client: 'sqlite' } });\n")).toEqual({
      kind: "manual",
      snippet: LIBSQL_CONNECTION,
    });
  });
});
