// What clients see while the database cannot be reached: 503 Service Unavailable with a
// Retry-After, on every route (REST, admin API, GraphQL). Without it they see whatever the code
// that met the failure made of it: users-permissions reads a failed role lookup as "not logged
// in" and answers 401, and a frontend that gets a 401 drops its user's session, so a 3-second
// database blip logged everyone out. And a readiness check, /_ready, for a load balancer or
// Kubernetes: Strapi's /_health says only that the process is up.
//
// A statement that fails for want of the database marks the request it serves (Strapi's request
// context, an AsyncLocalStorage); the middleware, first in Strapi's chain, answers 503 for a
// marked request whatever the code after it answered. Registered by the dialect at the first
// connection, before Strapi registers its own middlewares.
import { currentStrapi } from "./strapi-instance";

/** Seconds a client is told to wait: about what a server restart or a network blip takes. */
export const RETRY_AFTER_SECONDS = 5;

/** The readiness route: 204 when the database answers, 503 otherwise. */
export const READY_PATH = "/_ready";

/** The part of a Koa context this module reads and writes. */
interface KoaContext {
  path: string;
  method: string;
  status: number;
  body: unknown;
  state: Record<string, unknown>;
  set(name: string, value: string): void;
}

type Middleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<void>;

/** The parts of Strapi 4 and 5's instance this module uses. */
interface StrapiLike {
  requestContext?: { get(): KoaContext | undefined };
  server?: { use(middleware: Middleware): unknown };
}

const OUTAGE = "libsqlOutage";
const REGISTERED = Symbol.for("strapi-libsql.outage-responses");

/**
 * Whether `error` says the database could not be reached or used, rather than that it refused a
 * statement: a lost connection or transaction, no answer in time, another process's write lock
 * held past the busy timeout. Known by name: the classes live where the sessions make them.
 */
export function isOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return ["LibsqlConnectionError", "LibsqlTimeoutError"].includes(error.name) || (error as { code?: unknown }).code === "SQLITE_BUSY";
}

/** Marks the request being served, if any, as one that met an outage. */
export function noteOutage(strapi: StrapiLike | undefined = currentStrapi<StrapiLike>()): void {
  const ctx = strapi?.requestContext?.get();
  if (ctx) ctx.state[OUTAGE] = true;
}

/** The body Strapi's own errors have, for a client that reads `error.message`. */
export function outageBody(): { data: null; error: { status: 503; name: string; message: string; details: object } } {
  return {
    data: null,
    error: {
      status: 503,
      name: "ServiceUnavailableError",
      message: `The database is unavailable; try again in ${RETRY_AFTER_SECONDS} s`,
      details: {},
    },
  };
}

/**
 * The middleware. `ready` runs one statement against the database and resolves when it answered
 * (the readiness check); it rejects otherwise.
 */
export function outageResponses(ready: () => Promise<unknown>): Middleware {
  return async (ctx, next) => {
    if (ctx.path === READY_PATH && (ctx.method === "GET" || ctx.method === "HEAD")) {
      try {
        await ready();
        ctx.status = 204;
      } catch {
        answerUnavailable(ctx);
      }
      return;
    }
    try {
      await next();
    } catch (error) {
      if (!ctx.state[OUTAGE] && !isOutage(error)) throw error;
      ctx.state[OUTAGE] = true;
    }
    if (ctx.state[OUTAGE]) answerUnavailable(ctx);
  };
}

/** Registers the middleware on Strapi's server once per process, before Strapi's own. */
export function registerOutageResponses(ready: () => Promise<unknown>, strapi: StrapiLike | undefined = currentStrapi<StrapiLike>()): void {
  const server = strapi?.server as (StrapiLike["server"] & { [REGISTERED]?: boolean }) | undefined;
  if (!server || server[REGISTERED]) return;
  server[REGISTERED] = true;
  server.use(outageResponses(ready));
}

function answerUnavailable(ctx: KoaContext): void {
  ctx.status = 503;
  ctx.set("Retry-After", String(RETRY_AFTER_SECONDS));
  ctx.body = outageBody();
}
