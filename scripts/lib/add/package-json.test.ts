import { describe, expect, it } from "vitest";
import { appendEnvVariables } from "./env-example";
import { withLibsql } from "./package-json";

const drivers = { libsql: "0.5.29", "@libsql/hrana-client": "0.10.0", "patch-package": "^8.0.1" };
const app = { dependencies: { "@strapi/strapi": "4.25.9" }, scripts: { start: "strapi start" } };

describe("withLibsql", () => {
  it("wires the patch through pnpm.patchedDependencies for pnpm apps", () => {
    const next = withLibsql(app, "pnpm", "4.25.9", "patches/@strapi__database@4.25.9.patch", drivers);
    expect(next.pnpm?.patchedDependencies).toEqual({ "@strapi/database@4.25.9": "patches/@strapi__database@4.25.9.patch" });
    expect(next.dependencies).toMatchObject({ libsql: "0.5.29", "@libsql/hrana-client": "0.10.0" });
    expect(next.scripts).toEqual(app.scripts);
    expect(next.pnpm?.overrides).toEqual({ "get-intrinsic": "1.3.0" });
  });

  it("runs patch-package at postinstall for npm and yarn apps, before an existing postinstall", () => {
    const next = withLibsql({ ...app, scripts: { postinstall: "node setup.js" } }, "npm", "4.25.9", "x", drivers);
    expect(next.scripts?.postinstall).toBe("patch-package && node setup.js");
    expect(next.devDependencies).toEqual({ "patch-package": "^8.0.1" });
    expect(next.overrides).toEqual({ "get-intrinsic": "1.3.0" });
    expect(withLibsql(next, "npm", "4.25.9", "x", drivers)).toEqual(next);
  });

  it("keeps versions the app already chose", () => {
    const next = withLibsql({ dependencies: { ...app.dependencies, libsql: "0.5.30" } }, "yarn", "4.25.9", "x", drivers);
    expect(next.dependencies?.libsql).toBe("0.5.30");
    expect(next.resolutions).toEqual({ "get-intrinsic": "1.3.0" });
  });
});

describe("appendEnvVariables", () => {
  it("appends the libSQL variables once", () => {
    const once = appendEnvVariables("HOST=0.0.0.0\n")!;
    expect(once).toMatch(/^HOST=0\.0\.0\.0\n\n# libSQL \/ Turso/);
    expect(once).toContain("TURSO_AUTH_TOKEN=");
    expect(appendEnvVariables(once)).toBeUndefined();
  });
});
