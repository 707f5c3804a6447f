// `strapi-libsql add <app>`: everything a Strapi 4 app needs to run on libSQL, applied so
// that a second run changes nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addLibsqlConnection } from "./database-config";
import { appendEnvVariables } from "./env-example";
import { AddError, inspectApp, type PackageJson } from "./inspect-app";
import { withLibsql } from "./package-json";

export interface AddReport {
  changed: string[];
  /** Things the user must still do by hand (a config the command could not edit safely). */
  manual: string[];
  nextCommand: string;
}

/** patch-package is the maintained way npm and yarn apps apply patches at install. */
const PATCH_PACKAGE_VERSION = "^8.0.1";

export function addToApp(appDir: string, repoRoot: string): AddReport {
  const app = inspectApp(appDir);
  const version = app.databaseVersion;
  const pnpmPatch = `patches/@strapi__database@${version}.patch`;
  const patchPackagePatch = `patches/@strapi+database+${version}.patch`;
  const patchFile = app.manager === "pnpm" ? pnpmPatch : patchPackagePatch;
  if (!existsSync(join(repoRoot, patchFile))) {
    throw new AddError(`there is no patch for @strapi/database@${version} (the app's version); this repo has patches for: ${availableVersions(repoRoot).join(", ")}`);
  }
  const report: AddReport = { changed: [], manual: [], nextCommand: `${app.manager} install` };
  const write = (path: string, content: string) => {
    const target = join(appDir, path);
    if (existsSync(target) && readFileSync(target, "utf8") === content) return;
    mkdirSync(join(target, ".."), { recursive: true });
    writeFileSync(target, content);
    report.changed.push(path);
  };

  write(patchFile, readFileSync(join(repoRoot, patchFile), "utf8"));

  const ourManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as PackageJson;
  const nextManifest = withLibsql(app.packageJson, app.manager, version, patchFile, {
    libsql: ourManifest.dependencies!.libsql!,
    "@libsql/hrana-client": ourManifest.dependencies!["@libsql/hrana-client"]!,
    "patch-package": PATCH_PACKAGE_VERSION,
  });
  if (JSON.stringify(nextManifest) !== JSON.stringify(app.packageJson)) {
    write("package.json", `${JSON.stringify(nextManifest, null, 2)}\n`);
  }

  if (app.databaseConfig) {
    const edit = addLibsqlConnection(readFileSync(join(appDir, app.databaseConfig), "utf8"));
    if (edit.kind === "edited") write(app.databaseConfig, edit.text);
    if (edit.kind === "manual") {
      report.manual.push(`add this entry to the connections in ${app.databaseConfig}:\n${edit.snippet}`);
    }
  } else {
    report.manual.push("the app has no config/database.(js|ts); create one with a `libsql` connection (docs/add-to-an-existing-app.md shows it)");
  }

  const envExample = join(appDir, ".env.example");
  const envText = appendEnvVariables(existsSync(envExample) ? readFileSync(envExample, "utf8") : "");
  if (envText !== undefined) write(".env.example", envText);
  return report;
}

function availableVersions(repoRoot: string): string[] {
  return readdirSync(join(repoRoot, "patches"))
    .map((name) => /^@strapi__database@(.+)\.patch$/.exec(name)?.[1])
    .filter((name): name is string => name !== undefined);
}
