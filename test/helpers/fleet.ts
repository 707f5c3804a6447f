// Several Strapi processes on one sqld, each reaching it through its own TCP proxy (so a test
// can cut or watch its connections), and the checks that tell whether the data survived what
// the test did to the network.
import { apiWithToken, type StrapiApi } from "./api";
import { sqlOn, startSqld, type SqlOnServer, type SqldServer } from "./sqld";
import { startStrapi, type StrapiProcess } from "./strapi";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

export type Transport = "http" | "ws" | "libsql";

export interface FleetNode {
  transport: Transport;
  proxy: TcpProxy;
  strapi: StrapiProcess;
  api: StrapiApi;
}

export interface Fleet {
  server: SqldServer;
  nodes: FleetNode[];
  /** An author every article of the load belongs to. */
  authorId: number;
  /** SQL straight to sqld (not through a proxy), to check what is stored. */
  sql(text: string): Promise<unknown[][]>;
  stop(): Promise<void>;
}

function urlThrough(proxy: TcpProxy, transport: Transport): string {
  return transport === "libsql" ? `libsql://127.0.0.1:${proxy.port}?tls=0` : `${transport}://127.0.0.1:${proxy.port}`;
}

/** Boots one Strapi per transport; the first alone (it creates the schema), the others together. */
export async function startFleet(transports: Transport[]): Promise<Fleet> {
  const server = await startSqld();
  const nodes: FleetNode[] = [];
  const strapis: StrapiProcess[] = [];
  const proxies: TcpProxy[] = [];
  let checker: SqlOnServer | undefined;
  const stop = async () => {
    await Promise.all(strapis.map((strapi) => strapi.stop()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await checker?.close();
    await server.stop();
  };
  try {
    const boot = async (transport: Transport) => {
      const proxy = await startTcpProxy({ port: server.port });
      proxies.push(proxy);
      const strapi = await startStrapi({ env: { DATABASE_URL: urlThrough(proxy, transport), TURSO_AUTH_TOKEN: server.authToken } });
      strapis.push(strapi);
      return { transport, proxy, strapi };
    };
    const [first, ...rest] = transports;
    if (first === undefined) throw new Error("a fleet needs a transport");
    const booted = [await boot(first), ...(await Promise.all(rest.map(boot)))];
    // One admin for the shared database: registered by the first node, logged into by the others.
    for (const node of booted) nodes.push({ ...node, api: await apiWithToken(node.strapi.baseUrl) });

    checker = sqlOn(server);
    const sql = checker.sql;

    const author = await nodes[0]!.api.post("/api/authors", { data: { name: "Load author" } });
    if (author.status !== 200) throw new Error(`creating the author failed: ${author.status} ${JSON.stringify(author.body)}`);
    return { server, nodes, authorId: author.body.data.id as number, sql, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface LoadResult {
  /** Status of every request (0: no HTTP answer from Strapi at all). */
  statuses: Map<number, number>;
  /** Titles of the creates Strapi acknowledged with 200. */
  acknowledged: Set<string>;
  /** Titles of every create sent. */
  attempted: Set<string>;
  requests: number;
  slowestMs: number;
  /** Each request: when it started (ms since the epoch), how long it took, what it got. */
  log: Array<{ startedAt: number; ms: number; status: number }>;
  /** The first answers other than 200, for failure messages. */
  samples: Array<{ request: string; status: number; body: unknown }>;
  /** Every 4xx answer: a broken connection must not look like the client's fault. */
  clientErrors: Array<{ request: string; status: number; body: unknown }>;
}

export interface LoadOptions {
  durationMs: number;
  /** Requests in flight at once, per node. */
  concurrency: number;
  /** Prefix of the article titles, unique per run. */
  tag: string;
  /** Share of requests that create an article; the rest read. */
  writeShare?: number;
  /** Keeps the load going until this event, plus `durationMs` after it, has passed too. */
  after?: Promise<unknown>;
}

/** Mixed reads and creates on every node until durationMs has passed (counted from `after` when given). */
export async function runLoad(fleet: Fleet, options: LoadOptions, nodes: FleetNode[] = fleet.nodes): Promise<LoadResult> {
  const result: LoadResult = {
    statuses: new Map(),
    acknowledged: new Set(),
    attempted: new Set(),
    requests: 0,
    slowestMs: 0,
    log: [],
    samples: [],
    clientErrors: [],
  };
  let end = Date.now() + options.durationMs;
  let waiting = options.after !== undefined;
  void options.after?.finally(() => {
    waiting = false;
    end = Math.max(end, Date.now() + options.durationMs);
  });
  let sequence = 0;
  const worker = async (node: FleetNode) => {
    while (waiting || Date.now() < end) {
      const n = sequence++;
      const write = Math.random() < (options.writeShare ?? 0.4);
      const title = `${options.tag} ${n}`;
      const startedAt = Date.now();
      let answer: { status: number; body: unknown };
      let request: string;
      try {
        if (write) {
          result.attempted.add(title);
          request = `POST /api/articles "${title}"`;
          answer = await node.api.post("/api/articles", { data: { title, body: "load", views: n, author: fleet.authorId } });
          if (answer.status === 200) result.acknowledged.add(title);
        } else if (n % 2 === 0) {
          request = "GET /api/articles";
          answer = await node.api.get("/api/articles?sort=id:desc&pagination[pageSize]=10&populate=author");
        } else {
          request = `GET /api/authors/${fleet.authorId}`;
          answer = await node.api.get(`/api/authors/${fleet.authorId}`);
        }
      } catch (error) {
        request = "(no answer)";
        answer = { status: 0, body: String(error) };
      }
      const { status } = answer;
      const entry = { request: `${node.transport}: ${request}`, status, body: answer.body };
      if (status !== 200 && result.samples.length < 5) result.samples.push(entry);
      if (status >= 400 && status < 500) result.clientErrors.push(entry);
      const ms = Date.now() - startedAt;
      result.requests++;
      result.slowestMs = Math.max(result.slowestMs, ms);
      result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
      result.log.push({ startedAt, ms, status });
    }
  };
  await Promise.all(nodes.flatMap((node) => Array.from({ length: options.concurrency }, () => worker(node))));
  return result;
}

/**
 * For a failure message: the first answers other than 200, and the end of each Strapi's log
 * (where the error behind a 500 is printed) and of sqld's.
 */
export function whatWentWrong(fleet: Fleet, result: LoadResult): string {
  const logs = fleet.nodes.map((node) => `--- ${node.transport} Strapi, last lines:\n${node.strapi.output().slice(-2_500)}`);
  const server = `--- sqld, last lines:\n${fleet.server.output().slice(-2_500)}`;
  return [JSON.stringify(result.samples), ...logs, server].join("\n").replaceAll(fleet.server.authToken, "<token>");
}

/** Statuses other than 200, e.g. { 500: 3 }. */
export function failures(result: LoadResult): Record<number, number> {
  return Object.fromEntries([...result.statuses].filter(([status]) => status !== 200));
}

export interface StoredCheck {
  /** Acknowledged creates that are not stored. */
  missing: string[];
  /** Titles stored more than once. */
  duplicated: string[];
  /** Acknowledged creates stored without their author link. */
  acknowledgedWithoutAuthor: string[];
  /** Articles with more than one author link: a link insert that ran twice. */
  withSeveralAuthors: string[];
  /** Stored articles of this run that were never sent (cannot happen; a sanity check). */
  unknown: string[];
  /**
   * Failed (5xx) creates whose article row stayed, without its author. Strapi 4.25.9's
   * entity manager inserts the row outside the transaction that links its relations, and
   * deletes it again when linking fails: with the connection gone, that delete fails too.
   */
  strapiOrphans: string[];
  stored: number;
}

/** What sqld holds for a load run, compared with what Strapi acknowledged. */
export async function checkStored(fleet: Pick<Fleet, "sql">, result: Pick<LoadResult, "acknowledged" | "attempted">, tag: string): Promise<StoredCheck> {
  const pattern = `'${tag.replace(/'/g, "''")} %'`;
  const rows = await fleet.sql(
    "select a.title, count(distinct a.id), count(l.id) from articles a " +
      `left join articles_author_links l on l.article_id = a.id where a.title like ${pattern} group by a.title`,
  );
  const stored = rows.map(([title, articles, links]) => ({ title: String(title), articles: Number(articles), links: Number(links) }));
  const storedTitles = new Set(stored.map((row) => row.title));
  const withoutAuthor = stored.filter((row) => row.links === 0).map((row) => row.title);
  return {
    missing: [...result.acknowledged].filter((title) => !storedTitles.has(title)),
    duplicated: stored.filter((row) => row.articles > 1).map((row) => row.title),
    acknowledgedWithoutAuthor: withoutAuthor.filter((title) => result.acknowledged.has(title)),
    withSeveralAuthors: stored.filter((row) => row.links > row.articles).map((row) => row.title),
    unknown: [...storedTitles].filter((title) => !result.attempted.has(title)),
    strapiOrphans: withoutAuthor.filter((title) => !result.acknowledged.has(title)),
    stored: stored.length,
  };
}

/** Sequential requests on every node; resolves with the statuses. */
export async function probeEach(fleet: Fleet, tag: string, times = 3): Promise<number[]> {
  const statuses: number[] = [];
  for (const node of fleet.nodes) {
    for (let i = 0; i < times; i++) {
      const created = await node.api.post("/api/articles", { data: { title: `${tag} ${node.transport} ${i}`, author: fleet.authorId } });
      statuses.push(created.status);
      statuses.push((await node.api.get("/api/articles?pagination[pageSize]=1")).status);
    }
  }
  return statuses;
}
