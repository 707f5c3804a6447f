// `strapi-libsql add <app>`: everything a Strapi 4 app needs to run on libSQL, applied so that
// a second run changes nothing. Every change is worked out first and written only once none
// is refused: a config it cannot rewrite safely, or a patch of @strapi/database it did not
// write, stops it with nothing changed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { patchFiles, VERIFIER } from "../generate";
import { addLibsqlConnection } from "./database-config";
import { appendEnvVariables } from "./env-example";
import { AddError, inspectApp, type AppInfo, type PackageJson } from "./inspect-app";
import { appManifest, installRootManifest, type DriverVersions } from "./package-json";
import { patchAuthor, patchFor } from "./patch-source";

export interface AddReport {
  /** Files written, by path from the app. */
  changed: string[];
  /** Files removed, by path from the app, with why. */
  removed: string[];
  /** One line per migration: what was replaced, and why. */
  notes: string[];
  /** Things the user must still do by hand (a config with no connections map to edit). */
  manual: string[];
  nextCommand: string;
}

/** patch-package is the maintained way npm and yarn apps apply patches at install. */
const PATCH_PACKAGE_VERSION = "^8.0.1";

class Changes {
  private readonly writes = new Map<string, string>();
  /** Path → why it goes. */
  private readonly removals = new Map<string, string>();
  readonly notes: string[] = [];

  constructor(private readonly appDir: string) {}

  /** Reads a file as it will be after the changes so far; undefined when there is none. */
  read(path: string): string | undefined {
    if (this.writes.has(path)) return this.writes.get(path);
    const file = join(this.appDir, path);
    return existsSync(file) && !this.removals.has(path) ? readFileSync(file, "utf8") : undefined;
  }

  write(path: string, content: string): void {
    this.writes.set(path, content);
  }

  writeJson(path: string, before: PackageJson, after: PackageJson): void {
    if (JSON.stringify(before) !== JSON.stringify(after)) this.write(path, `${JSON.stringify(after, null, 2)}\n`);
  }

  remove(path: string, why: string): void {
    if (existsSync(join(this.appDir, path))) this.removals.set(path, why);
  }

  /** Writes what differs from the files on disk, and removes; returns what changed. */
  apply(): { changed: string[]; removed: string[] } {
    const changed: string[] = [];
    for (const [path, content] of this.writes) {
      const file = join(this.appDir, path);
      if (existsSync(file) && readFileSync(file, "utf8") === content) continue;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      changed.push(path);
    }
    for (const path of this.removals.keys()) rmSync(join(this.appDir, path));
    return { changed, removed: Array.from(this.removals, ([path, why]) => `${path}, ${why}`) };
  }
}

export async function addToApp(appDir: string, repoRoot: string): Promise<AddReport> {
  const app = inspectApp(appDir);
  const changes = new Changes(appDir);
  const manual: string[] = [];
  const patchPath = await addPatch(app, repoRoot, changes);
  const ourManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as PackageJson;
  const appNext = appManifest(app.packageJson, app.manager, {
    libsql: ourManifest.dependencies!.libsql!,
    "@libsql/hrana-client": ourManifest.dependencies!["@libsql/hrana-client"]!,
    "patch-package": PATCH_PACKAGE_VERSION,
  });
  // The versions the app ends up with, whether it chose them or this command did.
  const drivers: DriverVersions = {
    libsql: appNext.dependencies!.libsql!,
    "@libsql/hrana-client": appNext.dependencies!["@libsql/hrana-client"]!,
    "patch-package": PATCH_PACKAGE_VERSION,
  };
  if (app.manager === "pnpm") {
    wirePnpm(app, appNext, patchPath, drivers, changes);
  } else {
    changes.writeJson("package.json", app.packageJson, appNext);
  }

  if (app.databaseConfig) {
    const edit = addLibsqlConnection(readFileSync(join(appDir, app.databaseConfig), "utf8"), app.databaseConfig);
    if (edit.kind === "refused") throw new AddError(`${edit.reason}; nothing was changed`);
    if (edit.kind === "edited") {
      changes.write(app.databaseConfig, edit.text);
      if (edit.note) changes.notes.push(edit.note);
    }
    if (edit.kind === "manual") manual.push(`add this entry to the connections in ${app.databaseConfig}:\n${edit.snippet}`);
  } else {
    manual.push("the app has no config/database.(js|ts); create one with a `libsql` connection (docs/add-to-an-existing-app.md shows it)");
  }
  const envText = appendEnvVariables(changes.read(".env.example") ?? "");
  if (envText !== undefined) changes.write(".env.example", envText);
  if (appNext.dependencies?.["@libsql/sqlite3"]) {
    changes.notes.push(`@libsql/sqlite3 (the blog recipe's driver) is no longer used; remove it with ${app.manager} remove @libsql/sqlite3`);
  }

  const replacedInstalledPatch = app.manager !== "pnpm" && changes.notes.some((note) => note.startsWith("replaced")) && existsSync(join(appDir, "node_modules", "@strapi", "database"));
  return {
    ...changes.apply(),
    notes: changes.notes,
    manual,
    // patch-package cannot apply a new patch over the old one in node_modules: a fresh copy can take it.
    nextCommand: replacedInstalledPatch ? `rm -rf node_modules/@strapi/database && ${app.manager} install` : `${app.manager} install`,
  };
}

/** The patch in the naming the app's package manager applies, its hashes and the verifier; returns the patch's path. */
async function addPatch(app: AppInfo, repoRoot: string, changes: Changes): Promise<string> {
  const patch = await patchFor(repoRoot, app.databaseVersion);
  const paths = patchFiles(app.databaseVersion);
  const [patchPath, content] = app.manager === "pnpm" ? [paths.pnpm, patch.pnpm] : [paths.patchPackage, patch.patchPackage];
  const existing = changes.read(patchPath);
  if (existing !== undefined && existing !== content) {
    const author = patchAuthor(existing);
    if (author === "unknown") {
      throw new AddError(
        `${patchPath} is a patch of @strapi/database that strapi-libsql did not write; move your changes out of it (or delete it) and run add again; nothing was changed`,
      );
    }
    if (author === "blog recipe") changes.notes.push(`replaced the blog recipe's ${patchPath} (a knex client on @libsql/sqlite3) with strapi-libsql's`);
  }
  changes.write(patchPath, content);
  changes.write(paths.expected, patch.expected);
  changes.write(VERIFIER.output, patch.verifier);
  if (app.manager !== "pnpm") removeOtherVersions(app, changes);
  return patchPath;
}

/** patch-package applies every file in patches/: one for a version the app no longer runs would fail its install. */
function removeOtherVersions(app: AppInfo, changes: Changes): void {
  const patchesDir = join(app.dir, "patches");
  if (!existsSync(patchesDir)) return;
  const keep = patchFiles(app.databaseVersion).patchPackage;
  for (const name of readdirSync(patchesDir)) {
    const path = `patches/${name}`;
    if (!/^@strapi\+database\+.+\.patch$/.test(name) || path === keep) continue;
    const version = name.slice("@strapi+database+".length, -".patch".length);
    removeIfOurs(path, changes, `a patch for @strapi/database@${version}, which the app no longer runs`);
    changes.remove(patchFiles(version).expected, "its hashes");
  }
}

/** pnpm's settings go where pnpm reads them: the app's package.json, or its workspace root's. */
function wirePnpm(app: AppInfo, appNext: PackageJson, patchPath: string, drivers: DriverVersions, changes: Changes): void {
  const root = toPosix(app.installRoot);
  const rootManifestPath = posix.join(root, "package.json");
  const rootBefore = app.installRoot === "" ? appNext : (JSON.parse(changes.read(rootManifestPath)!) as PackageJson);
  const fromRoot = toPosix(relative(join(app.dir, app.installRoot), join(app.dir, patchPath)));
  const { manifest, removed, replaced } = installRootManifest(rootBefore, app.databaseVersion, fromRoot, drivers);
  for (const [key, path] of Object.entries(removed)) {
    changes.notes.push(`${rootManifestPath}: removed pnpm.patchedDependencies "${key}", a version the app no longer runs`);
    removeIfOurs(posix.join(root, path), changes, `the patch for ${key}`);
    changes.remove(patchFiles(key.slice("@strapi/database@".length)).expected, "its hashes");
  }
  if (replaced !== undefined) {
    changes.notes.push(`${rootManifestPath}: pnpm.patchedDependencies "@strapi/database@${app.databaseVersion}" now points at ${fromRoot} instead of ${replaced}`);
    removeIfOurs(posix.join(root, replaced), changes, "the patch it pointed at before");
  }
  if (app.installRoot === "") {
    changes.writeJson("package.json", app.packageJson, manifest);
  } else {
    changes.writeJson("package.json", app.packageJson, appNext);
    changes.writeJson(rootManifestPath, rootBefore, manifest);
  }
}

/** Removes a patch file that strapi-libsql or the blog recipe wrote; a user's own stays. */
function removeIfOurs(path: string, changes: Changes, what: string): void {
  const content = changes.read(path);
  if (content === undefined || patchAuthor(content) === "unknown") return;
  changes.remove(path, what);
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}
