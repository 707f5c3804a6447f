// The admin panel's build (`strapi build`, into dist/build) and when a start needs a new one.
// `pnpm start` and the test setup call ensureAdminBuild: it builds when there is no build, or
// when what the bundle is made of changed since the last one (dependencies, admin config,
// src/admin customisations, the env variables Strapi bakes into the bundle). A build takes
// ~30 s on 2 cores, so an unchanged app starts without one.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseEnv } from "node:util";

export const ADMIN_BUILD_DIR = join("dist", "build");
/** Written into dist/build after a successful build: the fingerprint of its inputs. */
const STAMP_FILE = ".strapi-libsql-inputs";

/**
 * Files whose content ends up in the admin bundle (paths from the app folder). The lockfile
 * stands for package.json: it holds every dependency, version and override, and it does not
 * change when only a script does.
 */
const INPUT_FILES = ["pnpm-lock.yaml", "config/admin.ts", "config/plugins.ts", "config/features.ts"];
/** Folders of admin customisations (app.tsx, webpack/vite config, extensions). */
const INPUT_DIRS = ["src/admin"];
/** Strapi's build puts these variables, and every STRAPI_ADMIN_*, into the bundle. */
const BAKED_VARIABLES = ["ADMIN_PATH", "STRAPI_ADMIN_BACKEND_URL", "STRAPI_TELEMETRY_DISABLED"];

/** The environment Strapi sees: the process's variables win over .env, as with dotenv. */
export function appEnv(appDir: string, processEnv: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const envFile = join(appDir, ".env");
  const fromFile = existsSync(envFile) ? (parseEnv(readFileSync(envFile, "utf8")) as Record<string, string>) : {};
  return { ...fromFile, ...processEnv };
}

/** config/admin.ts's `env.bool("SERVE_ADMIN_PANEL", true)`: set means "true" or off. */
export function adminPanelEnabled(env: Record<string, string | undefined>): boolean {
  const value = env.SERVE_ADMIN_PANEL;
  return value === undefined ? true : value === "true";
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** A hash of everything the admin bundle is made of. */
export function adminInputsFingerprint(appDir: string, env: Record<string, string | undefined>): string {
  const hash = createHash("sha256");
  const files = [
    ...INPUT_FILES.map((file) => join(appDir, file)),
    ...INPUT_DIRS.flatMap((dir) => filesUnder(join(appDir, dir))),
  ];
  for (const file of files) {
    hash.update(`file ${relative(appDir, file)}\n`);
    hash.update(existsSync(file) && statSync(file).isFile() ? readFileSync(file) : "(none)");
    hash.update("\n");
  }
  const baked = Object.keys(env)
    .filter((name) => BAKED_VARIABLES.includes(name) || name.startsWith("STRAPI_ADMIN_"))
    .sort();
  for (const name of baked) hash.update(`env ${name}=${env[name] ?? ""}\n`);
  return hash.digest("hex");
}

export type AdminBuildState = "missing" | "outdated" | "up to date";

export function adminBuildState(appDir: string, fingerprint: string): AdminBuildState {
  const buildDir = join(appDir, ADMIN_BUILD_DIR);
  if (!existsSync(join(buildDir, "index.html"))) return "missing";
  const stamp = join(buildDir, STAMP_FILE);
  if (!existsSync(stamp) || readFileSync(stamp, "utf8").trim() !== fingerprint) return "outdated";
  return "up to date";
}

export interface EnsureAdminBuildOptions {
  /** Build even when the build is up to date (`pnpm build`). */
  force?: boolean;
  /** Print Strapi's build output as it comes (true) or only when the build fails (false). */
  verbose?: boolean;
  log?: (line: string) => void;
}

/** Runs `strapi build` when the admin build is missing or outdated; returns whether it built. */
export function ensureAdminBuild(appDir: string, options: EnsureAdminBuildOptions = {}): boolean {
  const log = options.log ?? ((line: string) => console.log(line));
  const env = appEnv(appDir);
  const fingerprint = adminInputsFingerprint(appDir, env);
  const state = adminBuildState(appDir, fingerprint);
  if (state === "up to date" && !options.force) return false;

  log(`admin panel: ${options.force ? "building" : `build ${state}, building`} (strapi build, ~30 s)`);
  const started = Date.now();
  const strapiBin = join(appDir, "node_modules", "@strapi", "strapi", "bin", "strapi.js");
  const result = spawnSync(process.execPath, [strapiBin, "build"], {
    cwd: appDir,
    // Strapi builds for production unless NODE_ENV says otherwise; set it so that it does not
    // warn about the NODE_ENV its own config loader defaults to "development".
    env: { ...process.env, NODE_ENV: process.env.NODE_ENV || "production" },
    stdio: options.verbose ? "inherit" : "pipe",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = options.verbose ? "" : `\n${`${result.stdout ?? ""}${result.stderr ?? ""}`.slice(-6000)}`;
    throw new Error(`admin panel: strapi build failed (exit ${result.status ?? result.signal})${output}`);
  }
  writeFileSync(join(appDir, ADMIN_BUILD_DIR, STAMP_FILE), `${fingerprint}\n`);
  log(`admin panel: built into ${ADMIN_BUILD_DIR} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
