import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN_BUILD_DIR, adminBuildState, adminInputsFingerprint, adminPanelEnabled, appEnv } from "./admin-build";

const scratch = mkdtempSync(join(tmpdir(), "admin-build-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function app(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, "config"), { recursive: true });
  writeFileSync(join(dir, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n");
  writeFileSync(join(dir, "config", "admin.ts"), "export default {};\n");
  return dir;
}

describe("adminPanelEnabled", () => {
  it("follows config/admin.ts: on unless SERVE_ADMIN_PANEL is set to something else than true", () => {
    expect(adminPanelEnabled({})).toBe(true);
    expect(adminPanelEnabled({ SERVE_ADMIN_PANEL: "true" })).toBe(true);
    expect(adminPanelEnabled({ SERVE_ADMIN_PANEL: "false" })).toBe(false);
    expect(adminPanelEnabled({ SERVE_ADMIN_PANEL: "" })).toBe(false);
  });

  it("lets the process environment win over .env", () => {
    const dir = app("env");
    writeFileSync(join(dir, ".env"), "SERVE_ADMIN_PANEL=false\n");
    expect(adminPanelEnabled(appEnv(dir, {}))).toBe(false);
    expect(adminPanelEnabled(appEnv(dir, { SERVE_ADMIN_PANEL: "true" }))).toBe(true);
  });
});

describe("the admin build's fingerprint", () => {
  it("changes with the lockfile, admin config, src/admin and baked variables, not with other variables", () => {
    const dir = app("fingerprint");
    const base = adminInputsFingerprint(dir, {});
    expect(adminInputsFingerprint(dir, { DATABASE_URL: "file:x.db", SERVE_ADMIN_PANEL: "false" })).toBe(base);
    expect(adminInputsFingerprint(dir, { STRAPI_ADMIN_FOO: "1" })).not.toBe(base);
    expect(adminInputsFingerprint(dir, { ADMIN_PATH: "/dashboard" })).not.toBe(base);

    writeFileSync(join(dir, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n# changed\n");
    const afterLock = adminInputsFingerprint(dir, {});
    expect(afterLock).not.toBe(base);
    mkdirSync(join(dir, "src", "admin"), { recursive: true });
    writeFileSync(join(dir, "src", "admin", "app.tsx"), "export default {};\n");
    expect(adminInputsFingerprint(dir, {})).not.toBe(afterLock);
  });

  it("tells a missing, an outdated and an up-to-date build apart", () => {
    const dir = app("state");
    const fingerprint = adminInputsFingerprint(dir, {});
    expect(adminBuildState(dir, fingerprint)).toBe("missing");
    mkdirSync(join(dir, ADMIN_BUILD_DIR), { recursive: true });
    writeFileSync(join(dir, ADMIN_BUILD_DIR, "index.html"), "<!doctype html>");
    expect(adminBuildState(dir, fingerprint)).toBe("outdated");
    writeFileSync(join(dir, ADMIN_BUILD_DIR, ".strapi-libsql-inputs"), `${fingerprint}\n`);
    expect(adminBuildState(dir, fingerprint)).toBe("up to date");
    expect(adminBuildState(dir, "another")).toBe("outdated");
  });
});
