// postinstall: one line saying which @strapi/database was checked and whether the libSQL
// patch is applied to it; exits non-zero otherwise so that CI stops at the install.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { EXPECTED_FILE, type ExpectedFiles } from "./lib/generate";
import { resolveLoadedDatabasePackage, verifyPackage } from "./lib/verify";

const appDir = join(__dirname, "..");
const expected = JSON.parse(readFileSync(join(appDir, EXPECTED_FILE), "utf8")) as ExpectedFiles;
const result = verifyPackage(resolveLoadedDatabasePackage(appDir), expected, appDir);
if (result.ok) {
  console.log(
    `strapi-libsql: ${expected.package}@${result.version} at ${relative(appDir, result.packageDir)} carries the libSQL patch`,
  );
} else {
  console.error(`strapi-libsql: ${result.message}`);
  process.exit(1);
}
