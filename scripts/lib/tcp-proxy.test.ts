// The proxy's round-trip count and latency, on real sockets: a line server behind it greets each
// new connection, then answers "ok\n" to each complete line (50 ms later to one that starts with
// "slow"), so the test controls when each side speaks.
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

let server: Server;
let port: number;
/** Bytes the server has received on all connections, so a test can wait for a chunk to land. */
let received = "";
/** When the server received each line, by its text. */
const arrivedAt = new Map<string, number>();
const GREETING = "hello\n";
const sockets: Socket[] = [];
let proxy: TcpProxy;

beforeAll(async () => {
  server = createServer((socket) => {
    let pending = "";
    // The proxy's close() resets the connections it holds: expected, not a failure.
    socket.on("error", () => {});
    // As a MySQL or SMTP server does: the server speaks first.
    socket.write(GREETING);
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString();
      pending += chunk.toString();
      while (pending.includes("\n")) {
        const line = pending.slice(0, pending.indexOf("\n"));
        pending = pending.slice(pending.indexOf("\n") + 1);
        arrivedAt.set(line, Date.now());
        if (line.startsWith("slow")) setTimeout(() => socket.destroyed || socket.write("ok\n"), 50);
        else socket.write("ok\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await proxy?.close();
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A client connection through the proxy that can send raw bytes and wait for n answers. */
async function client() {
  const socket = connect(proxy.port, "127.0.0.1");
  // As the database drivers do (ws, pg): a write goes out at once.
  socket.setNoDelay(true);
  sockets.push(socket);
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let answers = "";
  socket.on("data", (chunk: Buffer) => (answers += chunk.toString()));
  await until(() => answers === GREETING);
  return {
    send: (text: string) => socket.write(text),
    waitFor: (text: string) => until(() => answers.includes(text)),
    answers: () => answers,
  };
}

describe("the proxy's round trips", () => {
  it("counts one per request answered, and the answer, not the chunk, closes it", async () => {
    proxy = await startTcpProxy({ port }, { latencyMs: 5 });
    const c = await client();
    for (let i = 1; i <= 3; i++) {
      c.send(`q${i}\n`);
      await until(() => c.answers().split("ok\n").length - 1 === i);
    }
    expect(proxy.roundTrips()).toBe(3);

    // One request in two chunks: the second lands after the first reached the server, so
    // they cannot be merged, and no answer came between them.
    const before = received.length;
    c.send("first half,");
    await until(() => received.length > before);
    c.send(" second half\n");
    await until(() => c.answers().split("ok\n").length - 1 === 4);
    expect(proxy.roundTrips()).toBe(4);
  });

  it("sums over connections", async () => {
    proxy = await startTcpProxy({ port });
    const [a, b] = await Promise.all([client(), client()]);
    for (const c of [a, b, a, b]) {
      const expected = c.answers().split("ok\n").length;
      c.send("q\n");
      await until(() => c.answers().split("ok\n").length === expected + 1);
    }
    expect(proxy.roundTrips()).toBe(4);
  });

  it("does not count what the server says unasked, only the client's next send after it", async () => {
    proxy = await startTcpProxy({ port });
    const c = await client();
    expect(proxy.roundTrips()).toBe(0);
    c.send("q\n");
    await c.waitFor("ok\n");
    expect(proxy.roundTrips()).toBe(1);
  });
});

describe("the proxy's latency", () => {
  it("delays a request sent behind an unanswered one by the latency alone, as a network path would", async () => {
    // Without TCP_NODELAY on the proxy's sockets, Nagle's algorithm held the second request
    // until the server acknowledged the first, here when it answered 50 ms later: a pipelined
    // Hrana request waited about 40 ms more than the round trip it was meant to cost.
    proxy = await startTcpProxy({ port }, { latencyMs: 10 });
    const c = await client();
    const delays: number[] = [];
    for (let i = 1; i <= 5; i++) {
      c.send(`slow ${i}\n`);
      await until(() => arrivedAt.has(`slow ${i}`));
      const sentAt = Date.now();
      c.send(`next ${i}\n`);
      await until(() => c.answers().split("ok\n").length - 1 === 2 * i);
      delays.push(arrivedAt.get(`next ${i}`)! - sentAt);
    }
    // The median, so that one late timer on a busy machine does not decide: held back, most
    // rounds took 36 to 56 ms.
    const median = delays.sort((a, b) => a - b)[2]!;
    expect(median).toBeLessThan(25);
  });
});
