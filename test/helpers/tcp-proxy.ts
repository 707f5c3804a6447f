// Moved to scripts/lib so that `pnpm bench` can use it; re-exported for the tests.
import type { TcpProxy } from "../../scripts/lib/tcp-proxy";
export * from "../../scripts/lib/tcp-proxy";

/** Round trips `work` makes through `proxy`. */
export async function roundTripsOf(proxy: TcpProxy, work: () => Promise<unknown>): Promise<number> {
  const before = proxy.roundTrips();
  await work();
  return proxy.roundTrips() - before;
}
