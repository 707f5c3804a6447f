// A create whose relation link the database refuses, on Strapi's own SQLite and on libSQL. On
// libSQL the link goes out with the create's COMMIT (src/libsql/relation-links.ts), so the
// refusal arrives there: the user must see what SQLite shows, a 500 and no article left
// behind, and the next create must go through.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as hrana from "@libsql/hrana-client";
import { afterAll, describe, expect, it } from "vitest";
import { apiWithToken } from "./helpers/api";
import { startSqld, type SqldServer } from "./helpers/sqld";
import { startStrapi } from "./helpers/strapi";

const folder = mkdtempSync(join(tmpdir(), "create-links-"));
let server: SqldServer | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** A database for Strapi, and a way to run SQL on it from outside Strapi. */
interface Target {
  env(): Promise<Record<string, string>>;
  exec(sql: string): Promise<void>;
}

const localFile = (driver: "better-sqlite3" | "libsql", env: (path: string) => Record<string, string>): Target => {
  const path = join(folder, `${driver}.db`);
  return {
    env: async () => env(path),
    exec: async (sql) => {
      const Database = require(driver);
      const db = new Database(path);
      db.exec(sql);
      db.close();
    },
  };
};

const sqld = (scheme: "ws" | "http"): Target => ({
  env: async () => {
    // One server for both: each target's rows and trigger have names of their own.
    server ??= await startSqld();
    return { DATABASE_URL: server.url(scheme), TURSO_AUTH_TOKEN: server.authToken };
  },
  exec: async (sql) => {
    const client = hrana.openWs(server!.url("ws"), server!.authToken);
    try {
      await client.openStream().run(sql);
    } finally {
      client.close();
    }
  },
});

const targets: Record<string, Target> = {
  "SQLite (better-sqlite3)": localFile("better-sqlite3", (path) => ({ DATABASE_CLIENT: "sqlite", DATABASE_FILENAME: path })),
  "a libSQL file": localFile("libsql", (path) => ({ DATABASE_URL: `file:${path}` })),
  "sqld over ws": sqld("ws"),
  "sqld over http": sqld("http"),
};

describe.each(Object.keys(targets).map((name, index) => ({ name, index })))("on $name", ({ name, index }) => {
  it("answers 500 for a create whose author link the database refuses, keeps no article, and creates the next one", async () => {
    const target = targets[name]!;
    const strapi = await startStrapi({ env: await target.env() });
    try {
      const api = await apiWithToken(strapi.baseUrl);
      const refused = (await api.post("/api/authors", { data: { name: `Refused ${name}` } })).body.data.id as number;
      const accepted = (await api.post("/api/authors", { data: { name: `Accepted ${name}` } })).body.data.id as number;
      await target.exec(
        `create trigger refuse_links_${index} before insert on articles_author_links when new.author_id = ${refused} ` +
          "begin select raise(abort, 'link refused by the test'); end",
      );

      const create = (title: string, author: number) => api.post("/api/articles", { data: { title, body: "b", views: 1, author } });
      const failed = await create(`Unlinked ${name}`, refused);
      expect(failed.status).toBe(500);
      const left = await api.get(`/api/articles?filters[title][$eq]=${encodeURIComponent(`Unlinked ${name}`)}`);
      expect(left.body.data).toEqual([]);

      const created = await create(`Linked ${name}`, accepted);
      expect(created.status).toBe(200);
      const author = await api.get(`/api/authors/${accepted}?populate=articles`);
      expect(author.body.data.attributes.articles.data.map((article: { id: number }) => article.id)).toEqual([created.body.data.id]);
      expect(strapi.output()).toContain("link refused by the test");
    } finally {
      await strapi.stop();
    }
  });
});
