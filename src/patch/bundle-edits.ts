// The edits that wire src/libsql/ into @strapi/database's single-file bundle. Each edit is
// anchored on a fragment of the pristine dist/index.js that must occur there exactly once,
// so that an upgrade that moves or duplicates the fragment fails loudly instead of
// patching the wrong place.

export interface BundleEdit {
  /** Names the edit in errors: "anchor <name> not found in @strapi/database@x". */
  name: string;
  anchor: string;
  position: "before" | "after";
  text: string;
}

export const PATCHED_PACKAGE = { name: "@strapi/database", version: "4.25.9", bundle: "dist/index.js" } as const;

/** Where the compiled src/libsql/*.ts files go inside the package. */
export const INJECTED_DIR = "dist/libsql";

export const bundleEdits: readonly BundleEdit[] = [
  {
    // Below "use strict" and not above it: code placed above would put the bundle in sloppy mode.
    name: "require-libsql",
    anchor: '"use strict";\n',
    position: "after",
    text: [
      "// libSQL support (strapi-libsql): the code is in ./libsql/, compiled from src/libsql/;",
      "// these edits are listed in src/patch/bundle-edits.ts. Regenerate with `pnpm patch:generate`.",
      'const Client_Libsql = require("./libsql/knex-client");',
      'const { defineLibsqlDialect } = require("./libsql/dialect");',
      'const { insertLinksLastInInverseOrder, linksInsertableInOneStatement } = require("./libsql/relation-links");',
      "",
    ].join("\n"),
  },
  {
    name: "define-libsql-dialect",
    anchor: "const getDialectClass = (client) => {\n",
    position: "before",
    text: "const LibsqlDialect = defineLibsqlDialect(SqliteDialect);\n",
  },
  {
    name: "getDialectClass-case",
    anchor: '    case "sqlite":\n      return SqliteDialect;\n',
    position: "after",
    text: '    case "libsql":\n      return LibsqlDialect;\n',
  },
  {
    name: "getDialectName-case",
    anchor: '    case "sqlite":\n    case "sqlite-legacy":\n      return "sqlite";\n',
    position: "after",
    text: '    case "libsql":\n      return "libsql";\n',
  },
  {
    // knex's `trx.commit()` resolves even when COMMIT fails: the error only rejects the
    // transaction's executionPromise, which Strapi never awaits. Its entity manager then
    // answers 200 for a create whose relations were never committed. Over a network a COMMIT
    // can fail (a cut connection), so the failure is surfaced here, where Strapi's create
    // catches it, rolls back and deletes the row.
    name: "commit-surfaces-failure",
    // In transactionCtx.commit, right after `await trx.commit();`.
    anchor: "    if (!store?.commitCallbacks.length) {\n",
    position: "before",
    text: "    await trx.executionPromise;\n",
  },
  {
    // A create's relation links, read-then-insert in Strapi, in one statement on libSQL:
    // src/libsql/relation-links.ts says why. Only createRelations reads the order from
    // `relIdsToadd`; updateRelations' reads are followed by an upsert and keep their path.
    name: "create-links-in-one-statement",
    anchor:
      "          if (hasInverseOrderColumn(attribute)) {\n" +
      '            const maxResults = await db.getConnection().select(inverseJoinColumn.name).max(inverseOrderColumnName, { as: "max" }).whereIn(inverseJoinColumn.name, relIdsToadd)',
    position: "before",
    text: [
      "          // strapi-libsql: read and insert in one statement on libSQL (./libsql/relation-links.js says why).",
      "          if (hasInverseOrderColumn(attribute) && linksInsertableInOneStatement(db.getConnection(), insert)) {",
      "            await insertLinksLastInInverseOrder(db.getConnection(), trx, joinTable, insert);",
      "            continue;",
      "          }",
      "",
    ].join("\n"),
  },
  {
    // Two processes booting one empty database at once both create Strapi's tables; the
    // libSQL dialect makes them take turns (src/libsql/boot-lock.ts).
    name: "schema-sync-takes-turns",
    anchor: "    // TODO: Allow keeping extra indexes / extra tables / extra columns (globally or on a per table basis)\n    async sync() {\n",
    position: "after",
    text: "      await db.dialect.beforeSchemaSync?.();\n",
  },
  {
    // The boot lock's table is not Strapi's: the schema sync must not drop it.
    name: "boot-lock-table-reserved",
    anchor: 'const RESERVED_TABLE_NAMES = ["strapi_migrations", "strapi_database_schema"];\n',
    position: "after",
    text: 'RESERVED_TABLE_NAMES.push(require("./libsql/boot-lock").BOOT_LOCK_TABLE);\n',
  },
  {
    // A create or an update in one transaction, row and relation links: src/libsql/whole-writes.ts.
    name: "entity-manager-writes-whole",
    anchor: "    this.entityManager = createEntityManager(this);\n",
    position: "after",
    text: "    this.dialect.entityManagerCreated?.(this.entityManager, transactionCtx);\n",
  },
  {
    name: "createConnection-branch",
    anchor: "  const knexConfig = { ...config };\n",
    position: "after",
    text: '  if (knexConfig.client === "libsql") {\n    knexConfig.client = Client_Libsql;\n  }\n',
  },
];
