// Strapi 4.25.9 on the embedded default, a local libSQL file, and on Strapi's own SQLite.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { apiWithToken } from "./helpers/api";
import { runCrudScenario } from "./helpers/crud-scenario";
import { startStrapi, type StrapiProcess } from "./helpers/strapi";

const scratch = mkdtempSync(join(tmpdir(), "boot-file-"));
const running = new Set<StrapiProcess>();

async function boot(env: Record<string, string>): Promise<StrapiProcess> {
  const strapi = await startStrapi({ env });
  running.add(strapi);
  return strapi;
}

async function shutdown(strapi: StrapiProcess): Promise<void> {
  running.delete(strapi);
  await strapi.stop();
}

afterAll(async () => {
  await Promise.all([...running].map((strapi) => strapi.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

describe("Strapi on a local libSQL file", () => {
  const database = join(scratch, "nested", "folder", "data.db");

  it("boots, serves CRUD with relations, search and filters, and re-syncs on restart", async () => {
    // An empty DATABASE_CONNECTION_TIMEOUT= in .env means the default (env.int read it as NaN).
    const first = await boot({ DATABASE_URL: `file:${database}`, DATABASE_CONNECTION_TIMEOUT: "" });
    expect(first.output()).not.toMatch(/error/i);
    expect(existsSync(database)).toBe(true);
    await runCrudScenario(await apiWithToken(first.baseUrl), "first");
    await shutdown(first);

    const second = await boot({ DATABASE_URL: `file:${database}` });
    expect(second.output()).not.toMatch(/error/i);
    const api = await apiWithToken(second.baseUrl);
    const authors = await api.get("/api/authors?filters[name][$eq]=Grace%20first");
    expect(authors.body.data).toHaveLength(1);
    await runCrudScenario(api, "second");
    await shutdown(second);
  });

  it("keeps the foreign keys on: deleting an author detaches its articles", async () => {
    const strapi = await boot({ DATABASE_URL: `file:${join(scratch, "fk.db")}` });
    const api = await apiWithToken(strapi.baseUrl);
    const author = await api.post("/api/authors", { data: { name: "Linus" } });
    const article = await api.post("/api/articles", { data: { title: "Kept", author: author.body.data.id } });
    await api.delete(`/api/authors/${author.body.data.id}`);
    const after = await api.get(`/api/articles/${article.body.data.id}?populate=author`);
    expect(after.body.data.attributes.author.data).toBeNull();
    await shutdown(strapi);
  });
});

describe("Strapi on its own SQLite (DATABASE_CLIENT=sqlite)", () => {
  it("still boots on better-sqlite3 and serves the same scenario", async () => {
    const filename = join(scratch, "sqlite.db");
    const strapi = await boot({ DATABASE_CLIENT: "sqlite", DATABASE_FILENAME: filename });
    expect(existsSync(filename)).toBe(true);
    await runCrudScenario(await apiWithToken(strapi.baseUrl), "sqlite");
    await shutdown(strapi);
  });
});
