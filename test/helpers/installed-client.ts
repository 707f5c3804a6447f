// The knex client as installed: compiled into the @strapi/database that Strapi loads, since the
// session modules it requires at run time are found beside it there, not in src/.
import { createRequire } from "node:module";
import { join } from "node:path";
import { APP_DIR } from "../../scripts/lib/strapi-process";
import { resolveLoadedDatabasePackage } from "../../src/verifier/verify-libsql-patch";

/** The compiled knex client's file, for a child process to require. */
export const INSTALLED_CLIENT = join(resolveLoadedDatabasePackage(APP_DIR) ?? "(not installed)", "dist/libsql/knex-client.js");

export const Client_Libsql = createRequire(__filename)(INSTALLED_CLIENT) as typeof import("../../src/libsql/knex-client");
