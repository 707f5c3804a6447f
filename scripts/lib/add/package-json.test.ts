import { describe, expect, it } from "vitest";
import { appendEnvVariables } from "./env-example";
import { appManifest, installRootManifest, VERIFY_COMMAND, withVerifier } from "./package-json";

const drivers = { libsql: "0.5.29", "@libsql/hrana-client": "0.10.0", "patch-package": "^8.0.1" };
const app = { dependencies: { "@strapi/strapi": "4.25.9" }, scripts: { start: "strapi start" } };
const PNPM_PATCH = "patches/@strapi__database@4.25.9.patch";

describe("appManifest", () => {
  it("adds the drivers and, for pnpm, a postinstall that runs the verifier", () => {
    const next = appManifest(app, "pnpm", drivers);
    expect(next.dependencies).toMatchObject({ libsql: "0.5.29", "@libsql/hrana-client": "0.10.0" });
    expect(next.scripts).toEqual({ ...app.scripts, postinstall: VERIFY_COMMAND });
    expect(next.pnpm).toBeUndefined();
    expect(appManifest(next, "pnpm", drivers)).toEqual(next);
  });

  it("runs patch-package, then the verifier, for npm and yarn apps, before an existing postinstall", () => {
    const next = appManifest({ ...app, scripts: { postinstall: "node setup.js" } }, "npm", drivers);
    expect(next.scripts?.postinstall).toBe(`${VERIFY_COMMAND} --before-patch-package && patch-package && ${VERIFY_COMMAND} && node setup.js`);
    expect(next.devDependencies).toEqual({ "patch-package": "^8.0.1" });
    expect(next.overrides).toEqual({ "get-intrinsic": "1.3.0" });
    expect(appManifest(next, "npm", drivers)).toEqual(next);
  });

  it("keeps versions the app already chose", () => {
    const next = appManifest({ dependencies: { ...app.dependencies, libsql: "0.5.30" } }, "yarn", drivers);
    expect(next.dependencies?.libsql).toBe("0.5.30");
    expect(next.resolutions).toEqual({ "get-intrinsic": "1.3.0" });
  });
});

describe("withVerifier", () => {
  it("puts the verifier around the patch-package the app already runs", () => {
    const before = `${VERIFY_COMMAND} --before-patch-package`;
    expect(withVerifier("patch-package", "npm")).toBe(`${before} && patch-package && ${VERIFY_COMMAND}`);
    expect(withVerifier("npx patch-package --error-on-fail && node x.js", "yarn")).toBe(`${before} && npx patch-package --error-on-fail && ${VERIFY_COMMAND} && node x.js`);
    expect(withVerifier(undefined, "pnpm")).toBe(VERIFY_COMMAND);
    expect(withVerifier("husky install", "pnpm")).toBe(`${VERIFY_COMMAND} && husky install`);
    expect(withVerifier(`${VERIFY_COMMAND} && husky install`, "pnpm")).toBe(`${VERIFY_COMMAND} && husky install`);
  });
});

describe("installRootManifest", () => {
  it("wires the patch, pins and the drivers @strapi/database requires into pnpm's settings", () => {
    const { manifest, removed, replaced } = installRootManifest(app, "4.25.9", PNPM_PATCH, drivers);
    expect(manifest.pnpm).toEqual({
      overrides: { "get-intrinsic": "1.3.0" },
      packageExtensions: { "@strapi/database@4.25.9": { dependencies: { libsql: "0.5.29", "@libsql/hrana-client": "0.10.0" } } },
      patchedDependencies: { "@strapi/database@4.25.9": PNPM_PATCH },
    });
    expect(removed).toEqual({});
    expect(replaced).toBeUndefined();
    expect(installRootManifest(manifest, "4.25.9", PNPM_PATCH, drivers).manifest).toEqual(manifest);
  });

  it("removes the entry for a version the app no longer runs, and says where it pointed", () => {
    const old = { ...app, pnpm: { patchedDependencies: { "@strapi/database@4.25.8": "patches/@strapi__database@4.25.8.patch", "lodash@4.17.21": "patches/lodash.patch" } } };
    const { manifest, removed } = installRootManifest(old, "4.25.9", PNPM_PATCH, drivers);
    expect(removed).toEqual({ "@strapi/database@4.25.8": "patches/@strapi__database@4.25.8.patch" });
    expect(manifest.pnpm?.patchedDependencies).toEqual({ "lodash@4.17.21": "patches/lodash.patch", "@strapi/database@4.25.9": PNPM_PATCH });
  });

  it("points the app's version at the patch, from a workspace root too, and names the file it pointed at", () => {
    const old = { pnpm: { patchedDependencies: { "@strapi/database@4.25.9": "patches/strapi-db.patch" } } };
    const { manifest, replaced } = installRootManifest(old, "4.25.9", `apps/cms/${PNPM_PATCH}`, drivers);
    expect(replaced).toBe("patches/strapi-db.patch");
    expect(manifest.pnpm?.patchedDependencies).toEqual({ "@strapi/database@4.25.9": `apps/cms/${PNPM_PATCH}` });
  });
});

describe("appendEnvVariables", () => {
  it("appends the libSQL variables once, the client chosen and every other value empty", () => {
    const once = appendEnvVariables("HOST=0.0.0.0\n")!;
    expect(once).toMatch(/^HOST=0\.0\.0\.0\n\n# libSQL \/ Turso/);
    expect(once).toMatch(/^DATABASE_CLIENT=libsql$/m);
    expect(once.match(/^[A-Z_]+=.*$/gm)!.slice(1).filter((line) => !line.endsWith("="))).toEqual(["DATABASE_CLIENT=libsql"]);
    expect(appendEnvVariables(once)).toBeUndefined();
  });

  it("leaves a client and a DATABASE_URL the app's .env.example already sets", () => {
    const text = appendEnvVariables("DATABASE_CLIENT=postgres\nDATABASE_URL=postgres://x\n")!;
    expect(text.match(/^DATABASE_CLIENT=/gm)).toHaveLength(1);
    expect(text.match(/^DATABASE_URL=/gm)).toHaveLength(1);
  });
});
