// What server code catches when the database refuses a write for a constraint, through the
// knex client as Strapi loads it, on every kind of libSQL database: the SqliteError with
// SQLite's extended code that better-sqlite3 throws, whose message names the constraint.
import knex, { type Knex } from "knex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client_Libsql } from "../../test/helpers/installed-client";
import { libsqlTargets, TARGET_NAMES } from "../../test/helpers/knex-targets";

const targets = libsqlTargets("constraint-errors");

/** What a caller sees of the error: better-sqlite3's class name, its code, and knex's message (the SQL, then SQLite's). */
async function refusal(write: Promise<unknown>): Promise<{ name: string; code: unknown; message: string } | "written"> {
  try {
    await write;
    return "written";
  } catch (error) {
    const { name, code, message } = error as Error & { code?: unknown };
    return { name, code, message: message.replace(/^.* - /s, "") };
  }
}

describe.each(TARGET_NAMES)("a constraint violation on a libSQL %s", (target) => {
  const suffix = target.replace(/\W/g, "_");
  const [parent, child] = [`parent_${suffix}`, `child_${suffix}`];
  let db: Knex;
  beforeAll(async () => {
    // One connection, so that foreign_keys, set per connection, holds for every statement.
    const connection = targets.connection(target, `constraints_${suffix}`);
    db = knex({ client: Client_Libsql, connection, pool: { min: 0, max: 1 } } as unknown as Knex.Config);
    await db.raw("pragma foreign_keys = on");
    await db.schema.createTable(parent, (t) => t.increments("id"));
    await db.schema.createTable(child, (t) => {
      t.increments("id");
      t.string("reference").unique();
      t.string("label").notNullable();
      t.integer("amount").checkPositive();
      t.integer("parent_id").references("id").inTable(parent);
    });
    await db(parent).insert({ id: 1 });
    await db(child).insert({ id: 1, reference: "once", label: "first", amount: 1, parent_id: 1 });
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it("is a SqliteError with code SQLITE_CONSTRAINT_UNIQUE for a duplicate in a UNIQUE column", async () => {
    expect(await refusal(db(child).insert({ reference: "once", label: "second", amount: 1 }))).toEqual({
      name: "SqliteError",
      code: "SQLITE_CONSTRAINT_UNIQUE",
      message: `UNIQUE constraint failed: ${child}.reference`,
    });
  });

  it("is a SqliteError with code SQLITE_CONSTRAINT_NOTNULL for a missing NOT NULL value", async () => {
    expect(await refusal(db(child).insert({ reference: "no label", amount: 1 }))).toEqual({
      name: "SqliteError",
      code: "SQLITE_CONSTRAINT_NOTNULL",
      message: `NOT NULL constraint failed: ${child}.label`,
    });
  });

  it("is a SqliteError with code SQLITE_CONSTRAINT_FOREIGNKEY for a reference to no row", async () => {
    expect(await refusal(db(child).insert({ reference: "orphan", label: "orphan", amount: 1, parent_id: 99 }))).toEqual({
      name: "SqliteError",
      code: "SQLITE_CONSTRAINT_FOREIGNKEY",
      message: "FOREIGN KEY constraint failed",
    });
  });

  it("is a SqliteError with code SQLITE_CONSTRAINT_CHECK for a failed CHECK", async () => {
    expect(await refusal(db(child).insert({ reference: "negative", label: "negative", amount: -1 }))).toEqual({
      name: "SqliteError",
      code: "SQLITE_CONSTRAINT_CHECK",
      message: expect.stringMatching(/^CHECK constraint failed: /),
    });
  });

  it("names a duplicate primary key in the message; its code is SQLite's on a file, SQLITE_CONSTRAINT_UNIQUE on a server", async () => {
    // A server reports the primary code only, and SQLite words both violations alike.
    const code = target === "file" ? "SQLITE_CONSTRAINT_PRIMARYKEY" : "SQLITE_CONSTRAINT_UNIQUE";
    expect(await refusal(db(child).insert({ id: 1, reference: "again", label: "again", amount: 1 }))).toEqual({
      name: "SqliteError",
      code,
      message: `UNIQUE constraint failed: ${child}.id`,
    });
  });

  it("leaves the connection usable, and nothing of the refused writes in the table", async () => {
    expect(await db(child).select("reference")).toEqual([{ reference: "once" }]);
  });
});
