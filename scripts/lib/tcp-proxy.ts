// A TCP proxy on 127.0.0.1 between a client (Strapi, a session) and a server (sqld), so that a
// test can do to the connections what a network does: cut them all at once, or slow them down;
// the benchmark also counts the round trips that the slowdown makes Strapi pay.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  /** The port clients connect to, on 127.0.0.1. */
  port: number;
  /** Destroys every open connection, both sides, at once; returns how many there were. New connections still work. */
  cutAll(): number;
  /**
   * Delays every chunk by this many ms, keeping the order (0 = none). "toServer" alone holds a
   * request back before the server sees it; "toClient" alone lets the server run it and holds
   * back the answer.
   */
  setLatency(ms: number, direction?: Direction): void;
  /** When a byte last went through, either way (ms since the epoch; 0 = never). */
  lastActivity(): number;
  /** Connections accepted so far, open or not. */
  accepted(): number;
  /** Connections open right now. */
  open(): number;
  /**
   * Request/response turns so far, summed over connections: each time a client sends after the
   * server last spoke on that connection (or before anything went either way). Chunk counts
   * would miscount, as one message can span chunks and one chunk can hold several messages.
   */
  roundTrips(): number;
  /**
   * Cuts every connection at the `n`th round trip from now: before the server sees its request
   * ("request"), or after the server ran it and before its answer reaches the client ("answer").
   */
  cutAtRoundTrip(n: number, when: "request" | "answer"): void;
  close(): Promise<void>;
}

export type Direction = "both" | "toServer" | "toClient";

interface Pair {
  client: Socket;
  server: Socket;
  /** Who sent the connection's last chunk; a client chunk after a server one starts a round trip. */
  lastSender?: "client" | "server";
}

export async function startTcpProxy(target: { host?: string; port: number }, options: { latencyMs?: number } = {}): Promise<TcpProxy> {
  const host = target.host ?? "127.0.0.1";
  const latencyMs = { toServer: options.latencyMs ?? 0, toClient: options.latencyMs ?? 0 };
  let accepted = 0;
  let lastActivity = 0;
  let roundTrips = 0;
  const pairs = new Set<Pair>();
  /** An armed cut: the round trip it waits for, and whether that round trip's request went through. */
  let cut: { at: number; when: "request" | "answer"; requestSent?: boolean } | undefined;

  /** Forwards `from` to `to`, each chunk the direction's latency after it arrived, in order. */
  const pipe = (pair: Pair, direction: "toServer" | "toClient") => {
    const [from, to] = direction === "toServer" ? [pair.client, pair.server] : [pair.server, pair.client];
    let releaseAt = 0;
    from.on("data", (chunk: Buffer) => {
      lastActivity = Date.now();
      // Counted on arrival, before the delay: the order the proxy sees is the order the peers caused.
      const sender = direction === "toServer" ? "client" : "server";
      if (sender === "client" && pair.lastSender !== "client") roundTrips++;
      pair.lastSender = sender;
      if (cut && roundTrips >= cut.at && (cut.when === "request" || (sender === "server" && cut.requestSent))) {
        cut = undefined;
        cutAll();
        return;
      }
      if (cut && roundTrips >= cut.at && sender === "client") cut.requestSent = true;
      const delay = latencyMs[direction];
      if (delay === 0 && releaseAt <= Date.now()) {
        to.write(chunk);
        return;
      }
      releaseAt = Math.max(Date.now() + delay, releaseAt);
      setTimeout(() => to.destroyed || to.write(chunk), releaseAt - Date.now());
    });
    from.on("end", () => setTimeout(() => to.destroyed || to.end(), Math.max(0, releaseAt - Date.now())));
  };

  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect(target.port, host);
    // A network path forwards each segment as it comes. Node's sockets default to Nagle's
    // algorithm, which held a request pipelined behind an unanswered one until the server's
    // delayed acknowledgement, about 40 ms: a cost the proxy added, not the client.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const pair: Pair = { client, server: upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    pipe(pair, "toServer");
    pipe(pair, "toClient");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the proxy has no port");

  const cutAll = () => {
    const count = pairs.size;
    for (const pair of Array.from(pairs)) {
      // resetAndDestroy sends an RST, as a dropped NAT entry or a dead peer does.
      pair.client.resetAndDestroy();
      pair.server.resetAndDestroy();
      pairs.delete(pair);
    }
    return count;
  };
  return {
    port: address.port,
    cutAll,
    setLatency(ms, direction = "both") {
      if (direction !== "toClient") latencyMs.toServer = ms;
      if (direction !== "toServer") latencyMs.toClient = ms;
    },
    lastActivity: () => lastActivity,
    accepted: () => accepted,
    open: () => pairs.size,
    roundTrips: () => roundTrips,
    cutAtRoundTrip(n, when) {
      cut = { at: roundTrips + n, when };
    },
    close() {
      cutAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
