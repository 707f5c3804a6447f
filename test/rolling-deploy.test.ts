// A rolling deploy with a schema change, over a network with 20 ms round trips: instance A serves
// a steady stream of creates and updates through sqld while instance B, the next release (one
// more content type, one more field on Article), boots against the same database and syncs the
// schema. Every write of A's either succeeds or answers a retryable 503, none is half-applied,
// the rows equal the 2xx answers, and once A restarts on the new release both serve the new
// schema. The test prints how long A's writes waited during B's boot, against the same writes
// before it, and how many answered 503.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiWithToken, type StrapiApi } from "./helpers/api";
import { checkStored } from "./helpers/fleet";
import { sqlOn, startSqld, type SqlOnServer, type SqldServer } from "./helpers/sqld";
import { APP_DIR, startStrapi, type StrapiProcess } from "./helpers/strapi";
import { startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy";

const ROUND_TRIP_MS = 20;
const WORKERS = 4;

interface Write {
  kind: "create" | "update";
  title: string;
  status: number;
  startedAt: number;
  ms: number;
}

let server: SqldServer;
let proxy: TcpProxy;
let checker: SqlOnServer;
const running: StrapiProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), "rolling-deploy-"));
const nextRelease = join(scratch, "next-release");
const sql = (text: string) => checker.sql(text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The next release of this app, as a deploy ships it: this app's compiled server (dist/, laid out
 * as a JavaScript app) with a Tag content type and Article's new `subtitle` field. The
 * dependencies and the admin build are this app's.
 */
function writeNextRelease(dir: string): void {
  mkdirSync(dir);
  for (const file of ["package.json", "favicon.png"]) cpSync(join(APP_DIR, file), join(dir, file));
  for (const part of ["config", "src"]) cpSync(join(APP_DIR, "dist", part), join(dir, part), { recursive: true });
  symlinkSync(join(APP_DIR, "dist", "build"), join(dir, "build"));
  symlinkSync(join(APP_DIR, "node_modules"), join(dir, "node_modules"));
  mkdirSync(join(dir, "public", "uploads"), { recursive: true });

  const article = join(dir, "src", "api", "article", "content-types", "article", "schema.json");
  const schema = JSON.parse(readFileSync(article, "utf8")) as { attributes: Record<string, unknown> };
  schema.attributes.subtitle = { type: "string" };
  writeFileSync(article, JSON.stringify(schema, null, 2));

  const tag = join(dir, "src", "api", "tag");
  const info = { singularName: "tag", pluralName: "tags", displayName: "Tag" };
  mkdirSync(join(tag, "content-types", "tag"), { recursive: true });
  writeFileSync(
    join(tag, "content-types", "tag", "schema.json"),
    JSON.stringify({ kind: "collectionType", collectionName: "tags", info, options: { draftAndPublish: false }, attributes: { name: { type: "string" } } }),
  );
  for (const [part, factory] of [["routes", "createCoreRouter"], ["controllers", "createCoreController"], ["services", "createCoreService"]]) {
    mkdirSync(join(tag, part!), { recursive: true });
    writeFileSync(join(tag, part!, "tag.js"), `"use strict";\nmodule.exports = require("@strapi/strapi").factories.${factory}("api::tag.tag");\n`);
  }
}

beforeAll(async () => {
  writeNextRelease(nextRelease);
  server = await startSqld();
  proxy = await startTcpProxy({ port: server.port }, { latencyMs: ROUND_TRIP_MS / 2 });
  checker = sqlOn(server);
});

afterAll(async () => {
  await Promise.all(running.map((strapi) => strapi.stop()));
  await checker?.close();
  await proxy?.close();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const env = () => ({ DATABASE_URL: `ws://127.0.0.1:${proxy.port}`, TURSO_AUTH_TOKEN: server.authToken });

async function boot(appDir?: string): Promise<StrapiProcess> {
  const strapi = await startStrapi({ env: env(), appDir, readyTimeoutMs: 120_000 });
  running.push(strapi);
  return strapi;
}

async function timed(kind: Write["kind"], title: string, request: () => Promise<{ status: number }>): Promise<Write> {
  const startedAt = Date.now();
  const { status } = await request();
  return { kind, title, status, startedAt, ms: Date.now() - startedAt };
}

/** Each worker creates an article, then alternates creating another and renaming its first, until `stop`. */
async function writeUntil(api: StrapiApi, authorId: number, stop: () => boolean): Promise<{ writes: Write[]; renamed: Array<{ id: number; writes: Write[] }> }> {
  const writes: Write[] = [];
  const renamed: Array<{ id: number; writes: Write[] }> = [];
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      const first = await api.post("/api/articles", { data: { title: `deploy ${worker} first`, author: authorId } });
      if (first.status !== 200) throw new Error(`the first create answered ${first.status}`);
      const mine = { id: first.body.data.id as number, writes: [] as Write[] };
      renamed.push(mine);
      for (let n = 0; !stop(); n++) {
        const title = `deploy ${worker} ${n}`;
        writes.push(await timed("create", title, () => api.post("/api/articles", { data: { title, author: authorId } })));
        const rename = await timed("update", `renamed ${worker} ${n}`, () => api.put(`/api/articles/${mine.id}`, { data: { title: `renamed ${worker} ${n}` } }));
        writes.push(rename);
        mine.writes.push(rename);
      }
    }),
  );
  return { writes, renamed };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

describe("a rolling deploy with a schema change", () => {
  it("loses no write of the old instance while the new one syncs the schema, and both serve the new schema after", async () => {
    const oldRelease = await boot();
    const oldApi = await apiWithToken(oldRelease.baseUrl);
    const author = await oldApi.post("/api/authors", { data: { name: "Deployed Author" } });
    expect(author.status).toBe(200);

    let stopped = false;
    let bootStartedAt = Infinity;
    let bootEndedAt = Infinity;
    const load = writeUntil(oldApi, author.body.data.id, () => stopped);
    await sleep(2_000);
    bootStartedAt = Date.now();
    const newRelease = await boot(nextRelease).catch(async (error: unknown) => {
      stopped = true;
      await load.catch(() => undefined);
      throw error;
    });
    bootEndedAt = Date.now();
    await sleep(1_000);
    stopped = true;
    const { writes, renamed } = await load;

    const before = writes.filter((w) => w.startedAt + w.ms < bootStartedAt).map((w) => w.ms);
    const during = writes.filter((w) => w.startedAt + w.ms >= bootStartedAt && w.startedAt <= bootEndedAt).map((w) => w.ms);
    const unavailable = writes.filter((w) => w.status === 503).length;
    console.log(
      `rolling deploy at ${ROUND_TRIP_MS} ms RTT: ${writes.length} writes of the old instance, ${unavailable} answered 503; ` +
        `during the new instance's boot (${((bootEndedAt - bootStartedAt) / 1000).toFixed(1)} s) a write took ` +
        `${(median(during) / median(before)).toFixed(1)}x the median before it (longest ${(Math.max(...during) / median(before)).toFixed(1)}x)`,
    );
    expect(before.length, "writes before the new instance booted").toBeGreaterThan(0);
    expect(during.length, "writes while the new instance booted").toBeGreaterThan(0);

    // Either done or a retryable 503: never a 500, nor a 400 from a relation check that failed.
    const errors = () => oldRelease.output().split("\n").filter((line) => /error/i.test(line)).slice(-20).join("\n");
    expect(writes.filter((w) => w.status !== 200 && w.status !== 503), errors()).toEqual([]);

    const creates = writes.filter((w) => w.kind === "create");
    const titles = (list: Write[]) => new Set(list.map((w) => w.title));
    const stored = await checkStored({ sql }, { acknowledged: titles(creates.filter((w) => w.status === 200)), attempted: titles(creates) }, "deploy");
    // Each worker's first article is not among the attempted titles: it has been renamed since.
    expect(stored).toMatchObject({ missing: [], duplicated: [], acknowledgedWithoutAuthor: [], withSeveralAuthors: [], strapiOrphans: [] });
    expect(stored.unknown).toEqual([]);
    for (const { id, writes: renames } of renamed) {
      const [[title]] = (await sql(`select title from articles where id = ${id}`)) as [[string]];
      const lastDone = renames.map((w) => w.status).lastIndexOf(200);
      // The last rename that answered 200, or one after it that answered 503 and was applied all the same.
      expect(renames.slice(lastDone).map((w) => w.title), `article ${id}`).toContain(title);
    }

    // The new schema is there; the old instance restarts on the new release and both serve it.
    expect(await sql("select name from pragma_table_info('articles') where name = 'subtitle'")).toEqual([["subtitle"]]);
    await oldRelease.stop();
    const restarted = await boot(nextRelease);
    for (const instance of [newRelease, restarted]) {
      const api = await apiWithToken(instance.baseUrl);
      const tag = await api.post("/api/tags", { data: { name: `tag from ${instance.baseUrl}` } });
      expect(tag.status, instance.baseUrl).toBe(200);
      const article = await api.post("/api/articles", { data: { title: `new ${instance.baseUrl}`, subtitle: "with a subtitle", author: author.body.data.id } });
      expect(article.status, instance.baseUrl).toBe(200);
      expect((await api.get(`/api/articles/${article.body.data.id}`)).body.data.attributes.subtitle).toBe("with a subtitle");
    }
  }, 300_000);
});
