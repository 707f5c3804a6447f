// The fetch that hrana's HTTP client uses: bounded in time, and resending a request that
// provably never reached the server.
import { LibsqlTimeoutError } from "./deadline";

/**
 * A fetch that gives up after `ms`, response body included, with a LibsqlTimeoutError, and
 * sends a request once more on a new connection when the first attempt failed while writing
 * it (see `failedWhileWriting`). Aborting closes the socket: nothing waits in the background.
 */
export function fetchForHrana(ms: number): (request: Request) => Promise<Response> {
  return async (request) => {
    const signal = AbortSignal.timeout(ms);
    const spare = request.clone();
    try {
      try {
        return await fetchWhole(request, signal);
      } catch (error) {
        if (signal.aborted || !failedWhileWriting(error)) throw error;
        return await fetchWhole(spare, signal);
      }
    } catch (error) {
      throw signal.aborted ? new LibsqlTimeoutError(ms) : error;
    }
  };
}

/** Resolves once anything answers HTTP at `url` (any status), at most `ms` later. */
export async function probeHttp(url: string, ms: number): Promise<void> {
  await fetchForHrana(ms)(new Request(url));
}

async function fetchWhole(request: Request, signal: AbortSignal): Promise<Response> {
  const response = await fetch(request, { signal });
  // Read here, under the same signal: sqld sends its headers once it ran the statements, and
  // a body that stalls must not escape the timeout either.
  const body = await response.arrayBuffer();
  const { status, statusText, headers } = response;
  return new Response(status === 204 || status === 304 ? null : body, { status, statusText, headers });
}

/**
 * fetch failed in a write(2) on its socket: the connection was already dead (a keep-alive
 * socket cut while idle), so the request did not go out whole, and a server acts only on a
 * whole request. An error while reading the answer proves nothing: the server may have run it.
 */
export function failedWhileWriting(error: unknown): boolean {
  const cause = (error as { cause?: { syscall?: unknown } } | undefined)?.cause;
  return error instanceof TypeError && cause?.syscall === "write";
}
