// The fetch that hrana's HTTP client uses: Node's http module rather than the global fetch,
// bounded in time, and resending a request that provably never reached the server.
//
// Why not the global fetch: undici's fetch costs about 1.3 ms more per request than node:http
// (2.2 against 0.8 ms for one statement on a local sqld), and at 20 ms RTT the gap grows to
// 1.7 ms. Strapi runs its statements one after another, so that is paid per statement.
import * as http from "node:http";
import * as https from "node:https";
import { LibsqlTimeoutError } from "./deadline";

// Keep-alive, like fetch's: a statement should not pay a TCP (and TLS) handshake. Idle sockets
// are unref'd by the agent, so they do not keep the process alive, and closed after 4 s idle, as
// fetch (undici) does by default: a server or proxy that closes idle connections itself can do so
// just as a request goes out on one, and that request fails with no proof it did not run. The
// agent's `timeout` ends only idle sockets; a statement may still wait its 30 s.
const IDLE_SOCKET_MS = 4_000;
const agents = {
  http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/**
 * A fetch that gives up after `budgetMs`, response body included, with a LibsqlTimeoutError, and
 * sends a request once more on a new connection when the first attempt failed while writing
 * it (see `failedWhileWriting`). A timeout destroys the socket: nothing waits in the background.
 * Network errors come as fetch's do, a TypeError "fetch failed" with the cause.
 */
export function fetchForHrana(budgetMs: number | (() => number)): (request: Request) => Promise<Response> {
  return async (request) => {
    // Read per request: a batch of several statements gets the time they would have had one by one.
    const ms = typeof budgetMs === "number" ? budgetMs : budgetMs();
    const deadline = Date.now() + ms;
    const outgoing: Outgoing = {
      url: new URL(request.url),
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: request.body === null ? undefined : Buffer.from(await request.arrayBuffer()),
    };
    try {
      return await send(outgoing, deadline, ms);
    } catch (error) {
      if (!failedWhileWriting(error) || Date.now() >= deadline) throw error;
      return send(outgoing, deadline, ms);
    }
  };
}

/** The HTTP status that an empty Hrana pipeline with `authToken` gets at `endpoint`, or undefined when nothing answers within `ms`. */
export async function pipelineStatus(endpoint: string, authToken: string | undefined, ms: number): Promise<number | undefined> {
  const url = new URL("v2/pipeline", endpoint);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authToken !== undefined) headers.authorization = `Bearer ${authToken}`;
  try {
    const response = await fetchForHrana(ms)(new Request(url, { method: "POST", headers, body: JSON.stringify({ baton: null, requests: [] }) }));
    return response.status;
  } catch {
    return undefined;
  }
}

/** Resolves once anything answers HTTP at `url` (any status), at most `ms` later. */
export async function probeHttp(url: string, ms: number): Promise<void> {
  await fetchForHrana(ms)(new Request(url));
}

/** One attempt: the whole answer, or the first error, by `deadline`. */
function send({ url, method, headers, body }: Outgoing, deadline: number, ms: number): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const secure = url.protocol === "https:";
    const request = (secure ? https : http).request(url, { method, headers, agent: secure ? agents.https : agents.http });
    const fail = (error: unknown) => {
      clearTimeout(timer);
      reject(error instanceof LibsqlTimeoutError ? error : new TypeError("fetch failed", { cause: error }));
    };
    const timer = setTimeout(() => {
      fail(new LibsqlTimeoutError(ms));
      request.destroy();
    }, deadline - Date.now());
    request.on("error", fail);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      // Read whole here, under the deadline: sqld sends its headers once it ran the statements,
      // and a body that stalls or breaks off must not escape either.
      response.on("close", () => {
        if (!response.complete) return fail(new Error("answer cut short"));
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        resolve(
          new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), {
            status,
            statusText: response.statusMessage,
            headers: responseHeaders(response.headers),
          }),
        );
      });
    });
    request.end(body);
  });
}

function responseHeaders(incoming: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return headers;
}

/**
 * The request failed in a write(2) on its socket: the connection was already dead (a keep-alive
 * socket cut while idle), so the request did not go out whole, and a server acts only on a
 * whole request. An error while reading the answer proves nothing: the server may have run it.
 */
export function failedWhileWriting(error: unknown): boolean {
  const cause = (error as { cause?: { syscall?: unknown } } | undefined)?.cause;
  return error instanceof TypeError && cause?.syscall === "write";
}
