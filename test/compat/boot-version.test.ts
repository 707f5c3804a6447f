// The "boots on libSQL" column of `pnpm patch:compat --boot`: a fresh app of each version
// given in STRAPI_COMPAT_VERSIONS gets its patch through `strapi-libsql add` (generated for its
// version), installs with pnpm, boots on a libSQL file and serves a note. Run only through vitest.compat.config.ts.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { addNoteContentType, bootAndUseNote, createStrapiApp, envFromExample, pinSharpForTheSandbox, runAdd } from "../helpers/new-strapi-app";
import { APP_DIR } from "../helpers/strapi";

/** Read back by scripts/patch-compat.ts. */
const COMPAT_RESULTS = join(APP_DIR, ".tmp", "compat-boot.json");

const versions = (process.env.STRAPI_COMPAT_VERSIONS ?? "").split(",").filter(Boolean);
const results: Record<string, boolean> = {};
const scratch = mkdtempSync(join(tmpdir(), "compat-boot-"));

afterAll(() => {
  mkdirSync(join(APP_DIR, ".tmp"), { recursive: true });
  writeFileSync(COMPAT_RESULTS, JSON.stringify(results, null, 2));
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(versions)("@strapi/strapi %s", (version) => {
  it("boots on libSQL with its generated patch", async () => {
    results[version] = false;
    const appDir = join(scratch, version);
    await createStrapiApp(appDir, "js", version);
    addNoteContentType(appDir, "js");
    // Its pnpm section (the sandbox's sharp pin) makes it a pnpm app for `add`.
    pinSharpForTheSandbox(appDir, "pnpm");
    await runAdd(appDir);
    execFileSync("npx", ["-y", "pnpm@9.15.9", "install", "--no-frozen-lockfile"], { cwd: appDir, stdio: "pipe" });
    envFromExample(appDir);
    await bootAndUseNote(appDir);
    results[version] = true;
  }, 900_000);
});
