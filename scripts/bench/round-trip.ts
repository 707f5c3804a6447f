// What a round trip through the latency proxy really costs. The proxy releases each chunk on a
// timer, and timers fire late by up to a millisecond or so, so "+20 ms" is a little more; the
// issue's goal (round trips × RTT + the file's time) is fairer with the RTT the path has.
import { createServer, connect, type AddressInfo } from "node:net";
import { percentile } from "./stats";
import { startTcpProxy } from "../lib/tcp-proxy";

/** p50 of `pings` one-byte echoes through a proxy adding `roundTripMs` (half each way), in ms. */
export async function measuredRoundTripMs(roundTripMs: number, pings = 50): Promise<number> {
  const echo = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.on("data", (data) => socket.write(data));
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  const proxy = await startTcpProxy({ port: (echo.address() as AddressInfo).port }, { latencyMs: roundTripMs / 2 });
  const socket = connect({ port: proxy.port, host: "127.0.0.1", noDelay: true });
  socket.on("error", () => undefined);
  try {
    await new Promise((resolve) => socket.once("connect", resolve));
    const times: number[] = [];
    for (let i = 0; i < pings; i++) {
      const started = performance.now();
      socket.write("x");
      await new Promise((resolve) => socket.once("data", resolve));
      times.push(performance.now() - started);
    }
    return percentile(times.sort((a, b) => a - b), 50);
  } finally {
    socket.destroy();
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  }
}
