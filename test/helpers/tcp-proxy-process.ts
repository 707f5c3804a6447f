// The latency proxy (scripts/lib/tcp-proxy.ts) in a child process. libSQL's embedded replica
// opens its connection to the primary with a call that blocks the event loop until the server
// answers: a proxy in the same process could then never forward it. Out of process, the proxy
// also keeps counting and delaying while a test checks that nothing blocks.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { startTcpProxy, type Direction } from "../../scripts/lib/tcp-proxy";

const CHILD_FLAG = "--tcp-proxy-child";

export interface TcpProxyProcess {
  port: number;
  roundTrips(): Promise<number>;
  setLatency(ms: number, direction?: Direction): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxyProcess(target: { port: number }, options: { latencyMs?: number } = {}): Promise<TcpProxyProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", __filename, CHILD_FLAG, JSON.stringify({ target, options })], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const ask = (command: string) =>
    new Promise<string>((resolve, reject) => {
      if (child.exitCode !== null) return reject(new Error("tcp proxy process: exited"));
      waiting.push(resolve);
      child.stdin!.write(`${command}\n`);
    });
  const port = Number(await new Promise<string>((resolve, reject) => {
    waiting.push(resolve);
    child.once("exit", (code) => reject(new Error(`tcp proxy process: exited with ${code}`)));
  }));
  return {
    port,
    roundTrips: async () => Number(await ask("roundTrips")),
    setLatency: async (ms, direction = "both") => void (await ask(`setLatency ${ms} ${direction}`)),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin!.end();
      await exited;
    },
  };
}

async function serve(): Promise<void> {
  const { target, options } = JSON.parse(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]!) as {
    target: { port: number };
    options: { latencyMs?: number };
  };
  const proxy = await startTcpProxy(target, options);
  console.log(proxy.port);
  const commands = createInterface({ input: process.stdin });
  commands.on("line", (line) => {
    const [name, ...args] = line.split(" ");
    if (name === "roundTrips") console.log(proxy.roundTrips());
    if (name === "setLatency") {
      proxy.setLatency(Number(args[0]), args[1] as Direction);
      console.log("ok");
    }
  });
  // The parent closed stdin (or died): stop.
  commands.on("close", () => void proxy.close().then(() => process.exit(0)));
}

if (process.argv.includes(CHILD_FLAG)) void serve();
