// What clients see while sqld is down, and after: one Strapi per way of reaching it (ws://,
// http://, an embedded replica of it) under load from a frontend's three kinds of caller
// (anonymous, an API token, an admin), while sqld is killed and restarted 3 s later.
//
// A 401 would log a frontend's user out over a database blip; the answer must be 503 with a
// Retry-After, and the service must come back by itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_AFTER_SECONDS } from "../src/libsql/outage-responses";
import { ADMIN, apiWithToken, StrapiApi } from "./helpers/api";
import { checkStored } from "./helpers/fleet";
import { sqlOn, startSqld, type SqlOnServer, type SqldServer } from "./helpers/sqld";
import { startStrapi, type StrapiProcess } from "./helpers/strapi";

type Target = "ws" | "http" | "replica";

interface Node {
  target: Target;
  strapi: StrapiProcess;
  /** Bearer tokens: an API token's, an admin's. */
  apiToken: string;
  adminToken: string;
}

interface Request {
  method: "GET" | "POST";
  path: string;
  who: "anonymous" | "token" | "admin";
  /** A create's title. */
  title?: string;
}

interface Answer extends Request {
  node: Target;
  status: number;
  retryAfter: string | null;
  startedAt: number;
  body: string;
}

const scratch = mkdtempSync(join(tmpdir(), "outage-"));
let server: SqldServer;
let checker: SqlOnServer;
const nodes: Node[] = [];
let authorId: number;

const sql = (text: string) => checker.sql(text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function boot(target: Target): Promise<Node> {
  const env: Record<string, string> =
    target === "replica"
      ? { DATABASE_URL: `file:${join(scratch, "replica.db")}`, TURSO_SYNC_URL: server.url("http"), TURSO_AUTH_TOKEN: server.authToken }
      : { DATABASE_URL: server.url(target), TURSO_AUTH_TOKEN: server.authToken };
  const strapi = await startStrapi({ env });
  const api = await apiWithToken(strapi.baseUrl);
  const login = await new StrapiApi(strapi.baseUrl).post("/admin/login", { email: ADMIN.email, password: ADMIN.password });
  return { target, strapi, apiToken: api.token!, adminToken: login.body.data.token };
}

beforeAll(async () => {
  server = await startSqld();
  checker = sqlOn(server);
  nodes.push(await boot("ws"));
  // Anyone may list articles, as on a public site: so an anonymous caller has an answer to lose.
  await sql("insert into up_permissions (action, created_at, updated_at) values ('api::article.article.find', 0, 0)");
  await sql("insert into up_permissions_role_links (permission_id, role_id) select max(p.id), r.id from up_permissions p, up_roles r where r.type = 'public'");
  const author = await new StrapiApi(nodes[0]!.strapi.baseUrl, nodes[0]!.apiToken).post("/api/authors", { data: { name: "Outage author" } });
  authorId = author.body.data.id;
  // Booted after those writes, the replica starts with them.
  nodes.push(...(await Promise.all((["http", "replica"] as const).map(boot))));
}, 240_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.strapi.stop()));
  await checker?.close();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function call(node: Node, request: Request): Promise<Answer> {
  const startedAt = Date.now();
  const token = request.who === "admin" ? node.adminToken : request.who === "token" ? node.apiToken : undefined;
  const response = await fetch(`${node.strapi.baseUrl}${request.path}`, {
    method: request.method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(request.title ? { "Content-Type": "application/json" } : {}) },
    body: request.title ? JSON.stringify({ data: { title: request.title, author: authorId } }) : undefined,
  });
  return { ...request, node: node.target, status: response.status, retryAfter: response.headers.get("retry-after"), startedAt, body: await response.text() };
}

/** What a frontend sends: anonymous and token reads, token creates, the admin panel's "who am I". */
function requestNumber(n: number, tag: string): Request {
  switch (n % 4) {
    case 0:
      return { method: "GET", path: "/api/articles?pagination[pageSize]=5", who: "anonymous" };
    case 1:
      return { method: "GET", path: "/api/articles?pagination[pageSize]=5&populate=author", who: "token" };
    case 2:
      return { method: "POST", path: "/api/articles", who: "token", title: `${tag} ${n}` };
    default:
      return { method: "GET", path: "/admin/users/me", who: "admin" };
  }
}

async function load(until: Promise<unknown>, tag: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  let running = true;
  void until.finally(() => sleep(2_000).then(() => (running = false)));
  let sequence = 0;
  await Promise.all(
    nodes.flatMap((node) =>
      Array.from({ length: 4 }, async () => {
        while (running) answers.push(await call(node, requestNumber(sequence++, tag)));
      }),
    ),
  );
  return answers;
}

const ready = (node: Node) => call(node, { method: "GET", path: "/_ready", who: "anonymous" });
const count = (answers: Answer[]) => answers.reduce<Record<string, number>>((counts, a) => ({ ...counts, [`${a.node} ${a.status}`]: (counts[`${a.node} ${a.status}`] ?? 0) + 1 }), {});

describe("while sqld is down", () => {
  it("every API answers 200 or 503 with Retry-After, never 401 or 403; the rows equal the 2xx creates; service resumes with no restart", async () => {
    for (const node of nodes) expect((await ready(node)).status, node.target).toBe(204);

    let downAt = 0;
    let backAt = 0;
    let readyDuring: Answer[] = [];
    const outage = (async () => {
      await sleep(1_000);
      downAt = Date.now();
      await server.restart(3_000, async () => {
        await sleep(1_000);
        readyDuring = await Promise.all(nodes.map((node) => ready(node)));
      });
      backAt = Date.now();
    })();
    const answers = await load(outage, "outage");
    const counts = count(answers);
    console.log(`answers during and around a 3 s sqld outage: ${JSON.stringify(counts)}`);

    const unexpected = answers.filter((a) => a.status !== 200 && a.status !== 503);
    expect(unexpected.slice(0, 5), JSON.stringify(counts)).toEqual([]);
    for (const target of ["ws", "http", "replica"] as const) expect(counts[`${target} 503`], JSON.stringify(counts)).toBeGreaterThan(0);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.filter((a) => a.retryAfter !== String(RETRY_AFTER_SECONDS))).toEqual([]);
    expect(JSON.parse(unavailable[0]!.body)).toMatchObject({ data: null, error: { status: 503, name: "ServiceUnavailableError" } });
    // An embedded replica reads its own file: its content reads go on being served. Not a read
    // that follows a write of this process acknowledged just before the stop: it waits for a sync,
    // and the sync fails. (The admin API's "who am I" may need the primary at any time.)
    const replicaReads = answers.filter((a) => a.node === "replica" && a.method === "GET" && a.path.startsWith("/api/"));
    expect(replicaReads.filter((a) => a.status !== 200 && a.startedAt > downAt + 1_000)).toEqual([]);
    expect(replicaReads.filter((a) => a.status === 200 && a.startedAt > downAt + 1_000 && a.startedAt < backAt).length).toBeGreaterThan(0);

    // The readiness route follows the database: down for the servers' clients, up for a replica that serves reads.
    expect(readyDuring.map((a) => `${a.node} ${a.status} ${a.retryAfter}`)).toEqual(["ws 503 5", "http 503 5", "replica 204 null"]);
    for (const node of nodes) expect((await ready(node)).status, node.target).toBe(204);
    expect(answers.filter((a) => a.startedAt > backAt + 1_000 && a.status !== 200)).toEqual([]);

    const creates = answers.filter((a) => a.title !== undefined);
    const titles = (list: Answer[]) => new Set(list.map((a) => a.title!));
    const stored = await checkStored({ sql }, { acknowledged: titles(creates.filter((a) => a.status === 200)), attempted: titles(creates) }, "outage");
    expect(stored).toMatchObject({ missing: [], duplicated: [], acknowledgedWithoutAuthor: [], withSeveralAuthors: [], unknown: [] });
  }, 120_000);
});
