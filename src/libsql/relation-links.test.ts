// A create's relation links in one statement, on a libSQL file and on a real sqld: each link
// is last in its related entry's order, as Strapi's read-then-insert would number it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import knex, { type Knex } from "knex";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Client_Libsql } from "../../test/helpers/installed-client";
import { startSqld, type SqldServer } from "../../test/helpers/sqld";
import { insertLinksLastInInverseOrder, linksInsertableInOneStatement, type OrderedJoinTable } from "./relation-links";

// Strapi's join table for an article's author, whose other side (the author's articles) keeps an order.
const AUTHOR_LINKS: OrderedJoinTable = { name: "articles_author_links", inverseJoinColumn: { name: "author_id" }, inverseOrderColumnName: "article_order" };

let server: SqldServer;
const folder = mkdtempSync(join(tmpdir(), "relation-links-"));
beforeAll(async () => {
  server = await startSqld();
});
afterAll(async () => {
  await server?.stop();
  rmSync(folder, { recursive: true, force: true });
});

const targets = {
  "a libSQL file": () => ({ url: `file:${join(folder, `${Math.random().toString(36).slice(2)}.db`)}` }),
  "sqld over ws": () => ({ url: `ws://127.0.0.1:${server.port}`, authToken: server.authToken }),
};

describe.each(Object.keys(targets) as Array<keyof typeof targets>)("on %s", (target) => {
  let db: Knex;
  let statements: string[];
  beforeEach(async () => {
    db = knex({ client: Client_Libsql, connection: targets[target]() } as unknown as Knex.Config);
    await db.raw("drop table if exists articles_author_links");
    await db.raw("create table articles_author_links (id integer primary key, article_id integer, author_id integer, article_order real, field varchar(255))");
    statements = [];
    db.on("query", (query: { sql: string }) => statements.push(query.sql));
    return () => db.destroy();
  });

  const ordersOf = async (articleId: number) =>
    (await db("articles_author_links").where({ article_id: articleId }).orderBy("author_id")).map((row: { author_id: number; article_order: number }) => [row.author_id, row.article_order]);

  it("numbers each link one past its author's last article, and an author's first link 1, in one statement", async () => {
    await db("articles_author_links").insert([
      { article_id: 1, author_id: 7, article_order: 1 },
      { article_id: 2, author_id: 7, article_order: 2.5 },
    ]);
    statements = [];
    await insertLinksLastInInverseOrder(db, undefined, AUTHOR_LINKS, [
      { article_id: 3, author_id: 7 },
      { article_id: 3, author_id: 8 },
    ]);
    expect(statements).toHaveLength(1);
    expect(await ordersOf(3)).toEqual([
      [7, 3.5],
      [8, 1],
    ]);
  });

  it("counts only the links of the same scope (a component's field) when the join table has one", async () => {
    await db("articles_author_links").insert([
      { article_id: 1, author_id: 7, article_order: 5, field: "other" },
      { article_id: 2, author_id: 7, article_order: 1, field: "main" },
    ]);
    await insertLinksLastInInverseOrder(db, undefined, { ...AUTHOR_LINKS, on: { field: "main" } }, [{ article_id: 3, author_id: 7, field: "main" }]);
    expect(await ordersOf(3)).toEqual([[7, 2]]);
  });

  it("runs inside the transaction it is given: rolled back with it", async () => {
    await db
      .transaction(async (trx) => {
        await insertLinksLastInInverseOrder(db, trx, AUTHOR_LINKS, [{ article_id: 3, author_id: 7 }]);
        expect(await trx("articles_author_links").where({ article_id: 3 }).select("article_order")).toEqual([{ article_order: 1 }]);
        throw new Error("roll back");
      })
      .catch((error: Error) => expect(error.message).toBe("roll back"));
    expect(await ordersOf(3)).toEqual([]);
  });

  it("takes rows that name the same columns, and leaves rows with different pivot columns to Strapi's own path", () => {
    expect(linksInsertableInOneStatement(db, [{ article_id: 3, author_id: 7 }, { author_id: 8, article_id: 3 }])).toBe(true);
    expect(linksInsertableInOneStatement(db, [{ article_id: 3, author_id: 7 }, { article_id: 3, author_id: 8, field: "x" }])).toBe(false);
    expect(linksInsertableInOneStatement(db, [])).toBe(false);
  });
});

it("leaves other databases to Strapi's own path", async () => {
  const sqlite = knex({ client: "better-sqlite3", connection: { filename: ":memory:" }, useNullAsDefault: true });
  try {
    expect(linksInsertableInOneStatement(sqlite, [{ article_id: 3, author_id: 7 }])).toBe(false);
  } finally {
    await sqlite.destroy();
  }
});
